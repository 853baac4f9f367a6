"""Two bot processes on one Redis (PRODUCT.md §3, §7): one is killed while it works on a message
it has acknowledged. Slack will not deliver that message again, so the live process answers it
once the dead one's heartbeat is gone, exactly once, with the session complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.work import RESUME_EVERY_SECONDS
from storage.redis_backend import HEARTBEAT_MS
from tests.e2e.conftest import (
    exchanges,
    final_reactions,
    reading,
    uploaded_titles,
    wait_until,
)
from tests.fake_slack import TEAM_ID, FakeSlack
from tests.processes import BotProcess
from tests.redis_server import RedisServer
from tests.signed import SlackSender, mention


@pytest.mark.timeout(180)
async def test_the_live_process_answers_what_a_killed_one_acknowledged(
    redis_server: RedisServer, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    channel = "CTAKEOVER"
    event = mention("bar chart of a 3, b 4 title: Taken over", channel=channel)
    bots = [
        await BotProcess.start(
            storage_url=redis_server.url, api_url=fake_slack.api_url, workdir=tmp_path / name
        )
        for name in ("doomed", "survivor")
    ]
    doomed, survivor = bots
    try:
        fake_slack.fail("reactions.add", delay=60)  # the 👀: the doomed one is mid-work
        sender = SlackSender(doomed.events_url)
        assert (await sender.event(event, event_id="EvTakeover"))[0] == 200
        await sender.close()
        await fake_slack.wait_for("reactions.add")
        await doomed.kill()

        await wait_until(
            lambda: uploaded_titles(fake_slack)["Taken over"] > 0,
            timeout=HEARTBEAT_MS / 1000 + RESUME_EVERY_SECONDS + 30,
            what="the survivor answering the killed process's message",
        )
        await fake_slack.quiet(0.5)
    finally:
        for bot in bots:
            await bot.stop()

    assert uploaded_titles(fake_slack)["Taken over"] == 1
    assert final_reactions(fake_slack, event["ts"]) == ["white_check_mark"]
    assert "resuming message" in survivor.stderr()
    async with reading(redis_server.url) as storage:
        session = await storage.get(f"{TEAM_ID}:{channel}:{event['ts']}")
        assert session is not None
        assert exchanges(session) == [("user", "chart_request"), ("assistant", "chart")]
