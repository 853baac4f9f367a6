"""End-to-end benchmark: the real bot in HTTP mode (a subprocess, as deployed, JSON storage)
against the fake Slack Web API served from this process.

    .venv/bin/python bench/e2e.py [--quick] [--rounds N] [--inline-only] [--nice-workers N]
                                  [--py-spy OUT]

(``--inline-only``, ``--nice-workers`` and ``--py-spy`` are for diagnosis; py-spy must be on
PATH. ``--inline-only`` gives the workbook threads inline data: the load without its reads.)

Latency of a request = from sending its signed POST to the ``files.completeUploadExternal`` call
that answers it (the fake stamps every call on arrival; same clock as this process).

1. Idle: single 10-bar inline charts, one at a time. Floor, interleaved in the same run: a bare
   matplotlib render of the same chart at the renderer's size and dpi, plus the three loopback
   upload calls (``files_upload_v2``: getUploadURLExternal, upload POST, completeUploadExternal)
   against the same fake.
2. Under load: 20 users, each one thread of 4 requests (a new thread, then follow-ups sent when the
   previous answer arrived), all users at once. Every 5th thread shares a 10k-row workbook
   (``fake.add_file`` + a ``file_share`` message); the others use inline data. Channel mentions
   arrive twice (``app_mention`` + ``message``), as Slack sends them. Reported: p95 latency,
   charts/s vs a ``WorkerPool`` of the bot's size rendering the same specs, ack latency p99
   (HTTP response time of every signed POST), lost and duplicated replies. The load runs in
   3 rounds (fresh threads each), each followed at once by its pool run with the bot idle: this
   machine's speed drifts by ±15 % between minutes, so each round is compared with the mean of
   the pool runs just before and after it (after only, for the first), the share of pool is the
   median of those ratios, charts/s the median round, and latencies are pooled over the rounds.
   This process does not collect garbage during a round: a pause here would count as ack time.
   To explain the numbers each round also prints: the median time of each step of a loaded
   request (from the fake's call log), the CPU seconds the bot's main process, its workers and
   this process used during the load, worker CPU per chart in the bot vs the bare pool, the
   pool's rate with the load's workbook reads added, and acks after the opening burst.

What the share of pool can and cannot show: the bare pool has both cores to itself, while under
the load the same two cores also run the bot's main process (HTTP, Bolt, the Slack Web API
calls, JSON storage: 11–18 ms of CPU per chart, 13–17 % of what the bot uses) and this process
(the fake Slack and the 20 clients: 0.3–0.5 s per round, 4–6 %, which a real deployment does
not pay). The workers are as busy as in the pool (measured once: a median 0.5 ms from one
result to the next task), so the share cannot exceed the workers' CPU over all the CPU used,
about 0.8 today; the rest of the gap is the workbook reads and the understanding, which the
bare pool does not do.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import io
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)  # loopback only; slack_sdk ignores NO_PROXY

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.intake import Limits  # noqa: E402
from bot.jobs import read_file  # noqa: E402
from bot.render.layout import DPI, FIG_H, FIG_W  # noqa: E402
from bot.spec import ChartSpec  # noqa: E402
from bot.workers import WorkerPool  # noqa: E402
from storage import open_storage  # noqa: E402
from tests.fake_slack import BOT_TOKEN, BOT_USER_ID, FakeSlack  # noqa: E402
from tests.processes import BotProcess  # noqa: E402
from tests.signed import SlackSender, mention, message, next_ts  # noqa: E402

LABELS = [
    "Alpha",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliet",
]
VALUES = [12, 7, 15, 9, 4, 11, 6, 13, 8, 10]
FINAL = ("white_check_mark", "warning")
ANSWER_TIMEOUT = 180.0


def bar_text(title: str) -> str:
    pairs = ", ".join(f"{label} {value}" for label, value in zip(LABELS, VALUES, strict=True))
    return f"bar chart of {pairs} title: {title}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


# --- what reached the fake Slack ------------------------------------------------------------
@dataclass
class Watch:
    """Indexes the fake's call log as it grows: upload completions by chart title, final
    reactions by message ts. One poller scans for all waiting users, so they cost nothing:
    this process shares the two cores with the bot."""

    fake: FakeSlack
    completed: dict[str, list[float]] = field(default_factory=dict)  # title → call times
    finals: dict[str, list[float]] = field(default_factory=dict)  # message ts → call times
    seen: int = 0
    waiting: dict[str, asyncio.Future] = field(default_factory=dict)  # ts → its answer
    poller: asyncio.Task | None = None

    def scan(self) -> None:
        calls = self.fake.calls
        for call in calls[self.seen :]:
            if call.method == "files.completeUploadExternal":
                files = call.params.get("files")
                for item in json.loads(files) if isinstance(files, str) else files or []:
                    self.completed.setdefault(item.get("title", ""), []).append(call.at)
            elif call.method == "reactions.add" and call.params.get("name") in FINAL:
                ts = call.params.get("timestamp", "")
                self.finals.setdefault(ts, []).append(call.at)
                if ts in self.waiting and not self.waiting[ts].done():
                    self.waiting[ts].set_result(None)
        self.seen = len(calls)

    async def _poll(self) -> None:
        while self.waiting:
            await asyncio.sleep(0.005)
            self.scan()
        self.poller = None

    async def answered(self, ts: str, timeout: float = ANSWER_TIMEOUT) -> bool:
        self.scan()
        if ts in self.finals:
            return True
        done = self.waiting[ts] = asyncio.get_running_loop().create_future()
        if self.poller is None:
            self.poller = asyncio.create_task(self._poll())
        try:
            await asyncio.wait_for(done, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            del self.waiting[ts]


async def timed_event(
    sender: SlackSender, event: dict, acks: list[float], starts: list[float] | None = None, **kw
) -> float:
    """Send one signed event; returns when it was sent. Its HTTP response time goes to acks
    (and when it was sent to ``starts``)."""
    sent = time.monotonic()
    status, _ = await sender.event(event, **kw)
    acks.append(time.monotonic() - sent)
    if starts is not None:
        starts.append(sent)
    if status != 200:
        raise RuntimeError(f"the bot answered {status}")
    return sent


# --- 1. idle --------------------------------------------------------------------------------
def bare_render() -> bytes:
    fig = Figure(figsize=(FIG_W, FIG_H), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.add_subplot().bar(LABELS, VALUES)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


async def idle(bot: BotProcess, fake: FakeSlack, runs: int) -> tuple[float, float, dict]:
    sender, watch = SlackSender(bot.events_url), Watch(fake)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)
    latencies, renders, uploads, acks = [], [], [], []
    phases: dict[str, list[float]] = {"ack+claim+session+👀": [], "understand+render": []}
    png = bare_render()
    try:
        for i in range(runs + 3):  # 3 warm-up requests (auth.test, first files, caches)
            ts, title = next_ts(), f"Idle {i}"
            sent = await timed_event(sender, mention(bar_text(title), channel="CIDLE", ts=ts), acks)
            if not await watch.answered(ts):
                raise RuntimeError(f"idle request {i} was not answered:\n{bot.stderr()[-2000:]}")
            began = time.perf_counter()
            png = bare_render()
            render_s = time.perf_counter() - began
            began = time.perf_counter()
            await client.files_upload_v2(
                channel="CFLOOR", thread_ts=ts, file=png, filename="floor.png", title="floor",
                initial_comment="Bar chart",
            )  # fmt: skip
            upload_s = time.perf_counter() - began
            if i < 3:
                continue
            latencies.append(watch.completed[title][0] - sent)
            renders.append(render_s)
            uploads.append(upload_s)
            marks = _marks(fake, ts)
            phases["ack+claim+session+👀"].append(marks["eyes"] - sent)
            phases["understand+render"].append(marks["getUploadURL"] - marks["eyes"])
    finally:
        await sender.close()
    floor = statistics.median(renders) + statistics.median(uploads)
    detail = {
        "bare render": statistics.median(renders),
        "3 upload calls": statistics.median(uploads),
        **{name: statistics.median(values) for name, values in phases.items()},
    }
    return statistics.median(latencies), floor, detail


def load_phases(fake: FakeSlack, load: Load) -> dict[str, float]:
    """Median time each answered load request spent in each step, from the fake's call log
    (the upload's filename is the chart title's slug)."""
    eyes, first_upload, finals = {}, {}, {}
    for call in fake.calls:
        if call.method == "reactions.add":
            name, ts = call.params.get("name"), call.params.get("timestamp")
            (finals if name in FINAL else eyes).setdefault(ts, call.at)
        elif call.method == "files.getUploadURLExternal":
            first_upload.setdefault(call.params.get("filename", ""), call.at)
    watch = Watch(fake)
    watch.scan()
    steps: dict[str, list[float]] = {
        "POST→👀": [], "👀→upload starts (turn, storage, worker queue, render)": [],
        "upload": [], "upload done→✅ (log, reactions)": [],
    }  # fmt: skip
    for sent, ts, title in load.requests:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + ".png"
        if ts not in eyes or slug not in first_upload or ts not in finals:
            continue
        done = watch.completed[title][0]
        marks = [sent, eyes[ts], first_upload[slug], done, finals[ts]]
        for name, start, end in zip(steps, marks, marks[1:], strict=False):
            steps[name].append(end - start)
    return {name: statistics.median(values) for name, values in steps.items() if values}


def _marks(fake: FakeSlack, ts: str) -> dict[str, float]:
    """When the bot reached each step for the thread ``ts`` (from the fake's call log)."""
    marks: dict[str, float] = {}
    for call in fake.calls:
        if call.method == "reactions.add" and call.params.get("timestamp") == ts:
            marks.setdefault("eyes", call.at)
        elif call.method == "files.getUploadURLExternal" and "eyes" in marks:
            marks.setdefault("getUploadURL", call.at)
    return marks


# --- 2. under load --------------------------------------------------------------------------
def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sales")
    sheet.append(["Date", "Region", "Product", "Units", "Revenue"])
    regions = ["North", "South", "East", "West", "Central"]
    products = [f"Product {n}" for n in range(1, 21)]
    for n in range(rows):
        sheet.append([
            dt.date(2024, 1, 1) + dt.timedelta(days=n % 366), rng.choice(regions),
            rng.choice(products), rng.randint(1, 50), round(rng.uniform(10, 5000), 2),
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


INLINE_FOLLOW_UPS = ["make it a pie", "sort descending", "as a line"]
BOOK_REQUESTS = [
    "revenue by region",
    "revenue by month",
    "top 5 products by revenue",
    "make it a pie",
]


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    ack_starts: list[float] = field(default_factory=list)  # when each POST was sent
    began: float = 0.0
    lags: list[float] = field(default_factory=list)  # this process's own event-loop delays
    done_at: list[float] = field(default_factory=list)  # when each chart completed (from start)
    requests: list[tuple[float, str, str]] = field(default_factory=list)  # sent, ts, title
    titles: list[str] = field(default_factory=list)
    timeouts: int = 0
    uploads: dict[str, int] = field(default_factory=dict)  # title → charts that reached Slack


async def user(
    n: int,
    sender: SlackSender,
    watch: Watch,
    load: Load,
    book: dict | None,
    per_user: int,
    tag: str,
) -> None:
    """One person: a new thread, then follow-ups, each sent once the previous was answered."""
    channel, root, who = f"CLOAD{n % 4}", next_ts(), f"UL{n:02d}"
    for k in range(per_user):
        title = f"{tag}{n}.{k}"
        load.titles.append(title)
        ts = root if k == 0 else next_ts()
        if book is not None:
            text = f"{BOOK_REQUESTS[k % len(BOOK_REQUESTS)]} title: {title}"
        else:
            text = bar_text(title) if k == 0 else f"{INLINE_FOLLOW_UPS[k - 1]} title: {title}"
        if k == 0:  # a channel mention: Slack sends an app_mention and a message event
            extra = {"files": [book], "subtype": "file_share"} if book else {}
            twin = message(f"<@{BOT_USER_ID}> {text}", channel=channel, ts=ts, user=who, **extra)
            files = {"files": [book]} if book else {}
            first = mention(text, channel=channel, ts=ts, user=who, **files)
            sent, _ = await asyncio.gather(
                timed_event(sender, first, load.acks, load.ack_starts),
                timed_event(sender, twin, load.acks, load.ack_starts),
            )
        else:
            event = message(text, channel=channel, ts=ts, thread_ts=root, user=who)
            sent = await timed_event(sender, event, load.acks, load.ack_starts)
        if not await watch.answered(ts):
            load.timeouts += 1
            return
        if title in watch.completed:
            load.latencies.append(watch.completed[title][0] - sent)
            load.requests.append((sent, ts, title))


async def loop_lag(lags: list[float], every: float = 0.005) -> None:
    """How late this process's loop wakes up: ack times measured here include that delay."""
    while True:
        planned = time.monotonic() + every
        await asyncio.sleep(every)
        lags.append(time.monotonic() - planned)


async def under_load(
    bot: BotProcess, fake: FakeSlack, users: int, per_user: int, book: bytes | None, tag: str
) -> tuple[Load, float]:
    file_obj = fake.add_file("sales-10k.xlsx", book) if book else None
    sender, watch = SlackSender(bot.events_url), Watch(fake)
    load = Load()
    lag = asyncio.create_task(loop_lag(load.lags))
    began = load.began = time.monotonic()
    try:
        await asyncio.gather(
            *(
                user(n, sender, watch, load, file_obj if n % 5 == 0 else None, per_user, tag)
                for n in range(users)
            )
        )
    finally:
        lag.cancel()
        await sender.close()
    watch.scan()
    done = [watch.completed[t][0] for t in load.titles if t in watch.completed]
    wall = (max(done) if done else time.monotonic()) - began
    load.done_at = sorted(at - began for at in done)
    await fake.quiet(1.0)  # late duplicates would show up here
    watch.scan()
    load.uploads = {t: len(watch.completed.get(t, [])) for t in load.titles}
    return load, wall


async def load_specs(data: Path) -> list[ChartSpec]:
    storage = await open_storage(
        str(data), session_ttl=dt.timedelta(days=7), max_sessions_per_user=1000, exclusive=False
    )
    specs = []
    try:
        for summary in await storage.list():
            if not summary.key.split(":")[1].startswith("CLOAD"):
                continue
            session = await storage.get(summary.key)
            for entry in session.chat_history if session else []:
                if entry["metadata"].get("type") == "chart":
                    specs.append(ChartSpec.from_dict(entry["metadata"]["spec"]))
    finally:
        await storage.close()
    return specs


async def pool_rates(specs: list[ChartSpec], book: bytes, reads: int, rounds: int) -> dict:
    """Charts/s of a pool of the bot's size rendering the same specs, nothing else running;
    and (to explain a gap) the same renders plus the workbook reads the load made."""
    limits = Limits(max_bytes=64 * 1024 * 1024)
    async with WorkerPool() as pool:
        await asyncio.gather(*(pool.render(s) for s in specs[: pool.size * 2]))
        began = time.perf_counter()
        await pool.run(read_file, "F1", "sales-10k.xlsx", book, limits)
        read_s = time.perf_counter() - began
        bare, with_reads, cpu = [], [], 0.0
        for _ in range(rounds):
            cpu -= sum(cpu_seconds(pid) for pid in pool.pids)
            began = time.perf_counter()
            await asyncio.gather(*(pool.render(s) for s in specs))
            bare.append(len(specs) / (time.perf_counter() - began))
            cpu += sum(cpu_seconds(pid) for pid in pool.pids)
            began = time.perf_counter()
            jobs = [pool.run(read_file, "F1", "sales-10k.xlsx", book, limits) for _ in range(reads)]
            await asyncio.gather(*jobs, *(pool.render(s) for s in specs))
            with_reads.append(len(specs) / (time.perf_counter() - began))
    return {"render": statistics.median(bare), "with_reads": statistics.median(with_reads),
            "read_s": read_s, "cpu_per_chart": cpu / (rounds * len(specs))}  # fmt: skip


async def start_py_spy(bot: BotProcess, out: str) -> asyncio.subprocess.Process:
    """Diagnosis: sample the bot and its workers (collapsed stacks, idle time included)."""
    spy = await asyncio.create_subprocess_exec(
        "py-spy", "record", "--pid", str(bot.pid), "--rate", "200", "--idle", "--subprocesses",
        "--format", "raw", "--output", out, "--nonblocking", stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(1.0)  # attached
    return spy


def descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (the bot's forkserver and workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(bot: BotProcess) -> dict[str, float]:
    workers = descendants(bot.pid)
    return {
        "bot main": cpu_seconds(bot.pid),
        "bot workers": sum(cpu_seconds(pid) for pid in workers),
        "this process": cpu_seconds(os.getpid()),
    }


def nice_workers(bot: BotProcess, niceness: int) -> int:
    """Diagnosis only: lower the CPU priority of the bot's worker processes (its descendants)."""
    pids = descendants(bot.pid)
    for pid in pids:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    return len(pids)


async def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args.add_argument("--rounds", type=int, help="load rounds, each paired with a pool run")
    args.add_argument(
        "--py-spy",
        metavar="OUT",
        help="diagnosis: py-spy record the bot and its workers under load",
    )
    args.add_argument(
        "--nice-workers", type=int, metavar="N", help="diagnosis: renice the bot's workers to N"
    )
    args.add_argument(
        "--inline-only", action="store_true", help="diagnosis: no workbook, inline data only"
    )
    opts = args.parse_args()
    idle_runs, users, per_user, rows = (8, 6, 3, 2000) if opts.quick else (30, 20, 4, 10_000)
    rounds = opts.rounds or (1 if opts.quick else 3)
    books = 0 if opts.inline_only else len(range(0, users, 5))  # users sharing the workbook
    book = workbook(rows)

    fake = await FakeSlack().start()
    results: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="chartbot-e2e-") as tmp:
        data = Path(tmp) / "data"
        bot = await BotProcess.start(storage_url=data, api_url=fake.api_url, workdir=Path(tmp))
        if opts.nice_workers is not None:
            print(f"(diagnosis: {nice_workers(bot, opts.nice_workers)} worker processes reniced "
                  f"to {opts.nice_workers})")  # fmt: skip
        try:
            p50, floor, detail = await idle(bot, fake, idle_runs)
            print(f"idle: {idle_runs} single 10-bar charts, p50 {ms(p50)} ms; floor {ms(floor)} ms "
                  f"= bare render {ms(detail['bare render'])} + upload calls "
                  f"{ms(detail['3 upload calls'])}")  # fmt: skip
            print("  bot's steps (p50): POST→👀 " + ms(detail["ack+claim+session+👀"])
                  + " ms, 👀→getUploadURL (understand+render) "
                  + ms(detail["understand+render"]) + " ms")  # fmt: skip
            for n in range(rounds):
                spy = await start_py_spy(bot, opts.py_spy) if opts.py_spy and not n else None
                shared = book if books else None
                result = await load_round(bot, fake, data, users, per_user, shared, f"Load R{n} ")
                if spy is not None:
                    spy.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
                    await spy.wait()
                # The pool runs right after its round (the bot idle), so drift hits both alike.
                result.pool = await pool_rates(result.specs, book, reads=books, rounds=1)
                if results:  # the previous round's pool run came just before this load
                    result.pool_before = results[-1].pool["render"]
                report_round(n, result, users, per_user, books, rows)
                results.append(result)
        finally:
            await bot.stop()
            await fake.stop()

    latencies = [x for r in results for x in r.load.latencies]
    acks = [x for r in results for x in r.load.acks]
    lost = sum(r.lost for r in results)
    duplicates = sum(r.duplicates for r in results)
    rate = statistics.median(r.rate for r in results)
    share = statistics.median(r.rate / r.reference for r in results)
    print(f"e2e: idle p50 {ms(p50)} ms (ratio {p50 / floor:.2f} vs floor), "
          f"loaded p95 {ms(pct(latencies, 0.95))} ms, ack p99 {ms(pct(acks, 0.99))} ms, "
          f"{rate:.1f} charts/s ({share:.2f} of pool), "
          f"lost {lost}, duplicates {duplicates}")  # fmt: skip


@dataclass
class Round:
    """One load round: what the users saw, and the numbers that explain it."""

    load: Load
    wall: float
    cpu: dict[str, float]
    phases: dict[str, float]
    specs: list[ChartSpec]
    pool: dict = field(default_factory=dict)
    pool_before: float | None = None  # the bare pool's rate measured just before this round

    @property
    def reference(self) -> float:
        """The bare pool's rate around this round: the mean of the runs before and after it
        (where there was one before), so the machine's drift in between cancels out."""
        after = self.pool["render"]
        return after if self.pool_before is None else (self.pool_before + after) / 2

    @property
    def charts(self) -> int:
        return sum(1 for c in self.load.uploads.values() if c)

    @property
    def rate(self) -> float:
        return self.charts / self.wall

    @property
    def lost(self) -> int:
        return sum(1 for c in self.load.uploads.values() if c == 0)

    @property
    def duplicates(self) -> int:
        return sum(c - 1 for c in self.load.uploads.values() if c > 1)


async def load_round(
    bot: BotProcess,
    fake: FakeSlack,
    data: Path,
    users: int,
    per_user: int,
    book: bytes | None,
    tag: str,
) -> Round:
    # This process times every ack: a collection of the fake's growing call log in the middle
    # of the opening burst would be counted as the bot's ack latency.
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu_before = cpu_snapshot(bot)
    try:
        load, wall = await under_load(bot, fake, users, per_user, book, tag)
    finally:
        gc.enable()
    cpu = {k: v - cpu_before[k] for k, v in cpu_snapshot(bot).items()}
    specs = [s for s in await load_specs(data) if (s.title or "").startswith(tag)]
    return Round(load, wall, cpu, load_phases(fake, load), specs)


def report_round(n: int, r: Round, users: int, per_user: int, books: int, rows: int) -> None:
    load, pool = r.load, r.pool
    print(f"load round {n + 1}: {users} threads × {per_user} requests ({books} with a {rows}-row "
          f"workbook), {r.charts} charts in {r.wall:.1f} s = {r.rate:.1f} charts/s; pool bare "
          f"render of the same {len(r.specs)} specs {pool['render']:.2f} charts/s after it"
          + (f", {r.pool_before:.2f} before it" if r.pool_before else "")
          + f" (e2e is {r.rate / r.reference:.2f} of that)")  # fmt: skip
    print(f"  latency p50 {ms(statistics.median(load.latencies))} ms, p95 "
          f"{ms(pct(load.latencies, 0.95))} ms, max {ms(max(load.latencies))} ms; "
          f"unanswered within {ANSWER_TIMEOUT:.0f} s: {load.timeouts}")  # fmt: skip
    print(f"  acks: {len(load.acks)} POSTs, p50 {statistics.median(load.acks) * 1000:.1f} ms, "
          f"p99 {pct(load.acks, 0.99) * 1000:.1f} ms, max {max(load.acks) * 1000:.1f} ms; "
          "slowest sent at "
          + ", ".join(f"+{at - load.began:.2f} s ({ack * 1000:.0f} ms)" for ack, at in
                      sorted(zip(load.acks, load.ack_starts, strict=True))[-4:]))  # fmt: skip
    later = [ack for ack, at in zip(load.acks, load.ack_starts, strict=True) if at > load.began + 1]
    if later:
        print(f"  acks after the opening burst ({len(load.acks) - len(later)} POSTs in the first "
              f"second): p99 {pct(later, 0.99) * 1000:.1f} ms of {len(later)}")  # fmt: skip
    if len(load.done_at) >= 10:
        d = load.done_at
        tenth, ninth = d[len(d) // 10], d[(len(d) * 9) // 10]
        steady = (len(d) * 8 // 10) / (ninth - tenth)
        print(f"  charts done: half at {d[len(d) // 2]:.1f} s, 90 % at {ninth:.1f} s, all at "
              f"{d[-1]:.1f} s; rate between 10 % and 90 %: {steady:.1f} charts/s")  # fmt: skip
    print("  load request steps (p50): "
          + ", ".join(f"{name} {ms(sec)} ms" for name, sec in r.phases.items()))  # fmt: skip
    print(f"  CPU during the load ({os.cpu_count()} cores × {r.wall:.1f} s): "
          + ", ".join(f"{name} {sec:.1f} s" for name, sec in r.cpu.items()))  # fmt: skip
    print(f"  this process's own loop lag under load (it hosts the fake Slack and the clients): "
          f"p50 {statistics.median(load.lags) * 1000:.1f} ms, p99 {pct(load.lags, 0.99) * 1000:.1f}"
          f" ms, max {max(load.lags) * 1000:.1f} ms")  # fmt: skip
    print(f"  one workbook read in a worker: {pool['read_s']:.2f} s; pool rate with the load's "
          f"{books} reads added: {pool['with_reads']:.2f} charts/s "
          f"(e2e is {r.rate / pool['with_reads']:.2f} of that)")  # fmt: skip
    e2e_cpu = (r.cpu["bot workers"] - books * pool["read_s"]) / max(r.charts, 1)
    print(
        f"  worker CPU per chart: {e2e_cpu * 1000:.0f} ms in the bot (workbook reads taken out, "
        f"at the read time above), {pool['cpu_per_chart'] * 1000:.0f} ms in the bare pool; "
        f"the bot's main process {r.cpu['bot main'] / max(r.charts, 1) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
