"""Chaos on three bot processes sharing one Redis, for the suite (``test_chaos.py``, short) and
``bench/chaos.py`` (long). Seeded: the same seed replays the same plan (which process gets which
delivery, when a process is killed), though not the timing the machine adds.

Slack's habits, as the bot sees them behind a load balancer:
- every channel mention comes twice: ``app_mention`` and its ``message`` twin, each to its own
  process;
- a delivery that is not acknowledged (a process killed mid-request, or slower than 3 s) is
  retried, to another process; now and then an acknowledged one is retried too;
- a thread's follow-ups alternate between the processes, each sent once the one before it has
  been acknowledged (so it is the later message of its thread);
- meanwhile one process at a time is killed with SIGKILL and restarted.

Then every user message must have exactly one answer in its thread, each thread's answers in ts
order, every history complete and in order, and no claim left unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis

from storage.common import UNFINISHED
from tests.e2e.conftest import is_complete, reading, user_ts
from tests.fake_slack import TEAM_ID, FakeSlack, is_button_bar
from tests.processes import BotProcess
from tests.signed import SlackSender, mention, message, next_ts

PROCESSES = 3
ACK_TIMEOUT = 3.0  # Slack's
START_TIMEOUT = 180.0  # a loaded 2-core machine has taken 30 s to warm a worker pool
MAX_ATTEMPTS = 30  # deliveries of one event before the run gives up (no process answering)


@dataclass
class Plan:
    """How hard to shake: ``kills`` (or ``duration`` seconds) of sending, ``threads`` at a time,
    ``per_thread`` messages each (a root mention, then follow-ups), a kill every ``kill_gap``
    seconds (uniform in the range), an extra retry of an acknowledged delivery with
    ``retry_chance``."""

    kills: int | None = None
    duration: float | None = None
    threads: int = 6
    per_thread: int = 4
    kill_gap: tuple[float, float] = (3.0, 8.0)
    retry_chance: float = 0.25
    answer_timeout: float = 240.0


@dataclass
class Report:
    seed: int
    messages: int = 0
    kills: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    claims_left: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # what held up unanswered threads

    def line(self) -> str:
        return (
            f"chaos: {self.messages} messages, {self.kills} kills, lost {len(self.lost)}, "
            f"duplicates {len(self.duplicates)}, out of order {len(self.out_of_order)}"
        )

    @property
    def clean(self) -> bool:
        return not (
            self.lost or self.duplicates or self.out_of_order or self.incomplete or self.claims_left
        )

    def details(self) -> str:
        return (
            f"seed {self.seed}: lost {self.lost[:10]}, duplicates {self.duplicates[:10]}, out of "
            f"order {self.out_of_order[:10]}, incomplete histories {self.incomplete[:10]}, "
            f"claims left {self.claims_left[:10]}; turns of unanswered threads {self.stuck[:5]}"
        )


@dataclass
class _Thread:
    root: str
    sent: list[tuple[str, str]] = field(default_factory=list)  # (ts, chart title), in ts order


class Chaos:
    def __init__(
        self,
        *,
        seed: int,
        redis_url: str,
        fake: FakeSlack,
        workdir: Path,
        log: Callable[[str], None] = print,
    ) -> None:
        self.seed, self.redis_url, self.fake, self.workdir, self.log = (
            seed, redis_url, fake, workdir, log,
        )  # fmt: skip
        self.rng = random.Random(seed)
        self.channel = f"CCHAOS{seed}"
        self.bots: list[BotProcess | None] = [None] * PROCESSES
        self.senders: list[SlackSender | None] = [None] * PROCESSES
        self.threads: list[_Thread] = []
        self.kills = 0
        self._starts = 0
        self._background: set[asyncio.Task[Any]] = set()

    # --- the processes ------------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.gather(*(self._start(slot) for slot in range(PROCESSES)))

    async def _start(self, slot: int) -> None:
        self._starts += 1
        bot = await BotProcess.start(
            storage_url=self.redis_url,
            api_url=self.fake.api_url,
            workdir=self.workdir / f"bot{slot}-{self._starts}",
            timeout=START_TIMEOUT,
            MAX_SESSIONS_PER_USER="100000",
            LOG_LEVEL="INFO",
        )
        self.bots[slot], self.senders[slot] = bot, SlackSender(bot.events_url)

    async def _kill(self, slot: int) -> None:
        bot, sender = self.bots[slot], self.senders[slot]
        self.bots[slot] = self.senders[slot] = None
        if bot is not None:
            await bot.kill()
        if sender is not None:
            await sender.close()

    async def close(self) -> None:
        for task in self._background:
            task.cancel()
        for slot in range(PROCESSES):
            bot, sender = self.bots[slot], self.senders[slot]
            if sender is not None:
                await sender.close()
            if bot is not None:
                await bot.stop()

    def logs(self) -> str:
        """The end of every running process's log (for a failure's message)."""
        return "\n".join(bot.stderr()[-3000:] for bot in self.bots if bot is not None)

    async def _killer(self, plan: Plan, sending: asyncio.Event) -> None:
        """One process at a time: SIGKILL, then a restart (as a supervisor would). Sending
        stops when the plan's kills are done, or a restart failed."""
        try:
            await self._kill_in_turn(plan, sending)
        finally:
            sending.clear()

    async def _kill_in_turn(self, plan: Plan, sending: asyncio.Event) -> None:
        while sending.is_set():
            await asyncio.sleep(self.rng.uniform(*plan.kill_gap))
            if not sending.is_set():
                return
            slot = self.rng.randrange(PROCESSES)
            await self._kill(slot)
            self.kills += 1
            self.log(f"  killed process {slot} ({self.kills} kills)")
            await asyncio.sleep(self.rng.uniform(0.0, 1.0))
            await self._start(slot)
            if plan.kills is not None and self.kills >= plan.kills:
                return

    # --- deliveries ---------------------------------------------------------------------
    async def _post(self, slot: int, event: dict[str, Any], event_id: str, retry: int) -> bool:
        sender = self.senders[slot]
        if sender is None:
            return False
        try:
            status, _ = await asyncio.wait_for(
                sender.event(event, event_id=event_id, retry_num=retry or None), ACK_TIMEOUT
            )
        except (aiohttp.ClientError, OSError, TimeoutError, RuntimeError):
            return False  # killed mid-request, closed, or too slow: Slack retries
        return status == 200

    async def _deliver(self, slot: int, event: dict[str, Any], event_id: str) -> None:
        """Deliver until acknowledged; each retry goes to the next process."""
        for attempt in range(MAX_ATTEMPTS):
            if await self._post((slot + attempt) % PROCESSES, event, event_id, attempt):
                if self.rng.random() < self.plan.retry_chance:  # Slack judged the ack late
                    other = (slot + attempt + 1 + self.rng.randrange(PROCESSES - 1)) % PROCESSES
                    delay = self.rng.uniform(0.0, 0.5)
                    self._spawn(self._late_retry(other, event, event_id, attempt + 1, delay))
                return
            await asyncio.sleep(min(0.1 * (attempt + 1), 1.0))
        raise RuntimeError(f"no process acknowledged {event_id} in {MAX_ATTEMPTS} deliveries")

    async def _late_retry(
        self, slot: int, event: dict[str, Any], event_id: str, retry: int, delay: float
    ) -> None:
        await asyncio.sleep(delay)
        await self._post(slot, event, event_id, retry)

    def _spawn(self, job: Any) -> None:
        task = asyncio.create_task(job)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send(self, slot: int, event: dict[str, Any], event_id: str) -> None:
        """One user message: a mention comes with its ``message`` twin, to another process."""
        deliveries = [self._deliver(slot, event, event_id)]
        if event["type"] == "app_mention":
            twin = {**event, "type": "message", "channel_type": "channel"}
            deliveries.append(self._deliver(slot + 1, twin, f"{event_id}m"))
        await asyncio.gather(*deliveries)

    # --- threads ------------------------------------------------------------------------
    async def _thread(self, n: int, plan: Plan) -> None:
        user, root = f"U{n:06d}", next_ts()
        thread = _Thread(root)
        self.threads.append(thread)
        title = f"Chaos {n}.0"
        text = f"bar chart of a {n % 7 + 1}, b {n % 5 + 2}, c 3 title: {title}"
        thread.sent.append((root, title))
        await self._send(n, mention(text, user=user, channel=self.channel, ts=root), f"Ev{n}x0")
        # A plain follow-up is for the bot once the thread has a session: after the first answer.
        if not await self._wait(lambda: self._answers(thread), plan.answer_timeout):
            return  # lost: the report says so
        for j in range(1, plan.per_thread):
            ts, title = next_ts(), f"Chaos {n}.{j}"
            make = message if j % 2 else mention
            event = make(f"title: {title}", user=user, channel=self.channel, thread_ts=root, ts=ts)
            thread.sent.append((ts, title))
            await self._send(n + j, event, f"Ev{n}x{j}")  # acknowledged: the next may go

    def _answers(self, thread: _Thread) -> list[str]:
        """What the bot put into the thread, in order: chart titles, or the text of others."""
        return [
            m["files"][0]["title"] if m.get("files") else f"text: {m.get('text', '')[:60]}"
            for m in self.fake.in_thread(self.channel, thread.root)
            if not is_button_bar(m)  # a chart's buttons belong to the chart
        ]

    @staticmethod
    async def _wait(predicate: Callable[[], Any], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    # --- the run ------------------------------------------------------------------------
    async def run(self, plan: Plan) -> Report:
        self.plan = plan
        sending = asyncio.Event()
        sending.set()
        started = time.monotonic()
        killer = asyncio.create_task(self._killer(plan, sending))
        running: set[asyncio.Task[None]] = set()
        failures: list[BaseException] = []
        n, last_note = 0, started
        while sending.is_set():
            if plan.duration is not None and time.monotonic() - started > plan.duration:
                sending.clear()
                break
            while len(running) < plan.threads:  # a burst: the free places fill at once
                task = asyncio.create_task(self._thread(n, plan))
                running.add(task)
                task.add_done_callback(running.discard)
                task.add_done_callback(lambda t: t.cancelled() or _keep(failures, t))
                n += 1
            await asyncio.sleep(0.2)
            if time.monotonic() - last_note > 30:
                last_note = time.monotonic()
                self.log(f"  {time.monotonic() - started:.0f} s: {self._sent()} messages sent, "
                         f"{self.kills} kills")  # fmt: skip
        try:
            await killer  # the last restart is done: all processes run
        except BaseException:
            for task in running:
                task.cancel()
            raise
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        if failures:
            raise failures[0]
        self.log(f"  sending done after {time.monotonic() - started:.0f} s; waiting for answers")
        await self._wait(self._all_answered, plan.answer_timeout)
        await self._wait_claims_done(plan.answer_timeout)
        await self.fake.quiet(1.0)
        return await self._report()

    def _sent(self) -> int:
        return sum(len(t.sent) for t in self.threads)

    def _all_answered(self) -> bool:
        return all(len(self._answers(t)) >= len(t.sent) for t in self.threads)

    async def _wait_claims_done(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await self._claims_left():
                return
            await asyncio.sleep(0.5)

    async def _claims_left(self) -> list[str]:
        """Claims still working or sent (their notes are kept until finished)."""
        client = aioredis.Redis.from_url(self.redis_url)
        try:
            left = []
            async for key in client.scan_iter(match="chartbot:claim:msg:*", count=1000):
                value = await client.get(key)
                if value is not None and value.decode().rpartition(" ")[2] in UNFINISHED:
                    left.append(key.decode())
            left += [f"note {t.decode()}" for t in await client.smembers("chartbot:notes")]
            return left
        finally:
            await client.aclose()

    async def _report(self) -> Report:
        report = Report(self.seed, messages=self._sent(), kills=self.kills)
        async with reading(self.redis_url) as storage:
            for thread in self.threads:
                titles = [title for _, title in thread.sent]
                answers = self._answers(thread)
                for title in titles:
                    count = answers.count(title)
                    if count == 0:
                        report.lost.append(title)
                    elif count > 1:
                        report.duplicates.append(title)
                report.duplicates += [a for a in answers if a not in titles]  # apologies etc.
                if [a for a in answers if a in titles] != [t for t in titles if t in answers]:
                    report.out_of_order.append(f"{thread.root}: {answers}")
                session = await storage.get(f"{TEAM_ID}:{self.channel}:{thread.root}")
                logged = [
                    m["metadata"].get("title")
                    for m in (session.chat_history if session else [])
                    if m["role"] == "assistant"
                ]
                if session is None:
                    report.incomplete.append(f"{thread.root}: no session")
                elif not is_complete(session) or user_ts(session) != [ts for ts, _ in thread.sent]:
                    entries = [(m["role"], m["metadata"].get("ts")) for m in session.chat_history]
                    report.incomplete.append(f"{thread.root}: {thread.sent} logged {entries}")
                elif logged != titles:
                    report.incomplete.append(f"{thread.root}: logged {logged}")
        report.claims_left = await self._claims_left()
        if report.lost:
            report.stuck = await self._turns_of_unanswered()
        return report

    async def _turns_of_unanswered(self) -> list[str]:
        """Each unanswered thread's turns in Redis (member, its claim) and lock holder."""
        client = aioredis.Redis.from_url(self.redis_url)
        try:
            found = []
            for thread in self.threads:
                if len(self._answers(thread)) >= len(thread.sent):
                    continue
                key = f"{TEAM_ID}:{self.channel}:{thread.root}"
                turns = []
                for member in await client.zrange(f"chartbot:q:{key}", 0, -1):
                    name = member.decode()
                    claim = await client.get("chartbot:claim:" + name[2:])
                    turns.append((name, claim))
                holder = await client.get(f"chartbot:lock:{key}")
                found.append(f"{thread.root} sent {thread.sent}: turns {turns}, lock {holder}")
            return found
        finally:
            await client.aclose()


def _keep(failures: list[BaseException], task: asyncio.Task[None]) -> None:
    if task.exception() is not None:
        failures.append(task.exception())  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def chaos(
    *, seed: int, redis_url: str, fake: FakeSlack, workdir: Path, log: Callable[[str], None] = print
) -> AsyncIterator[Chaos]:
    """Three running bot processes, stopped afterwards."""
    run = Chaos(seed=seed, redis_url=redis_url, fake=fake, workdir=workdir, log=log)
    try:
        await run.start()
        yield run
    finally:
        await run.close()
