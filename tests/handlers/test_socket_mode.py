"""Socket Mode smoke test: the bot connects to a local server speaking Slack's envelope protocol
and answers a mention."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_app
from bot.services import Services
from bot.workers import WorkerPool
from tests.conftest import bot_settings
from tests.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.signed import mention


async def test_socket_mode_answers_a_mention(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    settings = replace(
        bot_settings(fake_slack, tmp_path / "data"), app_token="xapp-test", signing_secret=None
    )
    services = await Services.start(settings, pool=pool)
    handler = AsyncSocketModeHandler(build_app(services), settings.app_token)
    await handler.connect_async()
    try:
        await fake_slack.wait_for_socket()
        event = mention("bar chart of a 1, b 2")
        envelope_id = await fake_slack.socket_send(
            "events_api",
            {
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": "EvSOCKET",
                "event_time": int(time.time()),
                "event": event,
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            },
        )
        [complete] = await fake_slack.wait_for("files.completeUploadExternal")
        assert complete.params["thread_ts"] == event["ts"]
        acks = await fake_slack.wait_for("socket_ack")
        assert acks[0].params["envelope_id"] == envelope_id
    finally:
        await handler.close_async()
        await asyncio.sleep(0)
        await services.close()
