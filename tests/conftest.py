"""Fixtures shared by the whole suite: a fake Slack Web API on loopback, the real bot app served
over HTTP against it, and a sender of signed Slack requests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import build_app, web_app
from bot.config import Settings
from bot.services import Services
from bot.workers import WorkerPool
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.signed import SIGNING_SECRET, SlackSender, mention

# Proxy variables would route loopback calls elsewhere (slack_sdk ignores NO_PROXY).
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
async def pool() -> AsyncIterator[WorkerPool]:
    """One warm worker pool for the suite: starting processes per test would dominate its time."""
    workers = WorkerPool(2)
    await workers.start()
    yield workers
    await workers.close()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@dataclass
class RunningBot:
    services: Services
    url: str
    sender: SlackSender

    @property
    def storage(self):
        return self.services.storage


def bot_settings(fake: FakeSlack, storage_url: str | Path, **overrides: object) -> Settings:
    base = Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=fake.api_url,
        storage_url=str(storage_url),
    )
    return replace(base, **overrides)


async def serve(settings: Settings, pool: WorkerPool) -> tuple[Services, web.AppRunner, str]:
    services = await Services.start(settings, pool=pool)
    runner = web.AppRunner(web_app(build_app(services)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return services, runner, f"http://127.0.0.1:{port}/slack/events"


@asynccontextmanager
async def running_bot(
    fake: FakeSlack, pool: WorkerPool, storage_url: str | Path, **overrides: object
) -> AsyncIterator[RunningBot]:
    """The real app in HTTP mode on a free loopback port, talking to ``fake``."""
    services, runner, url = await serve(bot_settings(fake, storage_url, **overrides), pool)
    sender = SlackSender(url)
    try:
        yield RunningBot(services, url, sender)
    finally:
        await sender.close()
        await runner.cleanup()
        await services.close()


@pytest.fixture
async def bot(fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The real app in HTTP mode, JSON storage in a temporary directory."""
    async with running_bot(fake_slack, pool, tmp_path / "data") as running:
        yield running


async def start_thread(
    bot: RunningBot, fake: FakeSlack, text: str = "bar chart of a 1, b 2", **event: object
) -> str:
    """Mention the bot at top level and wait until the chart is posted and logged; the thread's
    root ts."""
    answers, uploads = len(fake.finals()), len(fake.calls_of("files.completeUploadExternal"))
    first = mention(text, **event)
    await bot.sender.event(first)
    await fake.answered(answers + 1)
    await fake.wait_for("files.completeUploadExternal", uploads + 1)
    assert fake.finals()[-1].params["name"] == "white_check_mark"
    return first["ts"]
