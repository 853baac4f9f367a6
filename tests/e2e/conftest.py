"""End-to-end fixtures: the bot as deployed (``python -m bot run --mode http`` subprocesses)
behind one fake Slack, and helpers that read what reached Slack and what was stored."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storage import open_storage
from storage.base import Session, Storage
from tests.fake_slack import FakeSlack
from tests.processes import BotProcess
from tests.redis_server import RedisServer
from tests.signed import SlackSender


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
async def module_fake() -> AsyncIterator[FakeSlack]:
    """One fake Slack for a module whose bots are started once (they are bound to its URL)."""
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@dataclass
class Pair:
    """Two bot processes on one Redis, with a signed-request sender for each."""

    bots: list[BotProcess]
    senders: list[SlackSender]
    storage_url: str


@pytest.fixture(scope="module")
async def bot_pair(
    redis_server: RedisServer, module_fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Pair]:
    workdir = tmp_path_factory.mktemp("pair")
    bots = await asyncio.gather(
        *(
            BotProcess.start(
                storage_url=redis_server.url, api_url=module_fake.api_url, workdir=workdir / name
            )
            for name in ("a", "b")
        )
    )
    senders = [SlackSender(bot.events_url) for bot in bots]
    try:
        yield Pair(list(bots), senders, redis_server.url)
    finally:
        for sender in senders:
            await sender.close()
        await asyncio.gather(*(bot.stop() for bot in bots))


@asynccontextmanager
async def reading(storage_url: str | Path) -> AsyncIterator[Storage]:
    """The storage as the admin CLI opens it: shared with running bots, never exclusive."""
    storage = await open_storage(
        str(storage_url),
        session_ttl=dt.timedelta(days=7),
        max_sessions_per_user=1000,
        exclusive=False,
    )
    try:
        yield storage
    finally:
        await storage.close()


def uploaded_titles(fake: FakeSlack) -> Counter[str]:
    """How many charts reached their threads, per chart title (a completeUploadExternal call
    that failed or is still in progress has shared nothing yet)."""
    return Counter(
        item.get("title", "")
        for messages in fake.messages.values()
        for message in messages
        for item in message.get("files", [])
    )


def replies_in(fake: FakeSlack, thread_ts: str) -> int:
    """Charts and text messages the bot posted into one thread (not the charts' buttons)."""
    posts = [*fake.calls_of("files.completeUploadExternal"), *fake.text_posts()]
    return sum(1 for c in posts if c.params.get("thread_ts") == thread_ts)


async def restart_until_quiet(fake: FakeSlack, **start: Any) -> None:
    """A fresh process on the same storage (``BotProcess.start``'s arguments): run it until it
    has answered what the last one left and the fake has gone quiet, then stop it."""
    bot = await BotProcess.start(**start)
    try:
        await fake.answered()
        await fake.quiet(0.5)
    finally:
        await bot.stop()


async def wait_until(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``predicate`` (sync) until true; fail with ``what`` after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def final_reactions(fake: FakeSlack, ts: str) -> list[str]:
    """The ✅/⚠️ reactions the bot put on one user message."""
    return [c.params.get("name", "") for c in fake.finals() if c.params.get("timestamp") == ts]


def exchanges(session: Session) -> list[tuple[str, str]]:
    """The history as (role, metadata type) pairs, for readable assertion failures."""
    return [(m["role"], m["metadata"]["type"]) for m in session.chat_history]


def user_ts(session: Session) -> list[str]:
    return [m["metadata"]["ts"] for m in session.chat_history if m["role"] == "user"]


def is_complete(session: Session) -> bool:
    """Every user entry is followed by exactly one assistant entry (nothing half-logged)."""
    roles = [m["role"] for m in session.chat_history]
    return len(roles) % 2 == 0 and roles == ["user", "assistant"] * (len(roles) // 2)
