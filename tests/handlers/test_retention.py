"""Sessions past SESSION_TTL are purged by the running bot, datasets with them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.workers import WorkerPool
from tests.conftest import running_bot
from tests.fake_slack import FakeSlack
from tests.signed import mention


async def test_expired_sessions_are_purged_while_the_bot_runs(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    import datetime as dt

    async with running_bot(
        fake_slack, pool, tmp_path / "data", session_ttl=dt.timedelta(seconds=1)
    ) as bot:
        event = mention("bar chart of a 1, b 2")
        await bot.sender.event(event)
        await fake_slack.answered()
        await fake_slack.wait_for("files.completeUploadExternal")
        key = f"T1:C1:{event['ts']}"
        for _ in range(50):
            if not await bot.storage.list():
                break
            await asyncio.sleep(0.1)
        assert await bot.storage.list() == []
        assert await bot.storage.get(key) is None


async def test_per_user_cap_drops_the_least_recently_used_session(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    async with running_bot(fake_slack, pool, tmp_path / "data", max_sessions_per_user=2) as bot:
        keys = []
        for n in range(3):
            event = mention(f"bar chart of a {n + 1}, b 2")
            await bot.sender.event(event)
            await fake_slack.answered(n + 1)
            await fake_slack.wait_for("files.completeUploadExternal", n + 1)
            keys.append(f"T1:C1:{event['ts']}")
        remaining = {s.key for s in await bot.storage.list(user="U1")}
        assert remaining == set(keys[1:])
