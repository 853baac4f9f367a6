"""A click over Socket Mode: the ``interactive`` envelope is acknowledged and answered like one
over HTTP."""

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
from tests.handlers.clicking import button_messages
from tests.signed import block_action, mention


async def test_a_click_over_socket_mode_is_acknowledged_and_answered(
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
        await fake_slack.socket_send(
            "events_api",
            {
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": "EvSOCKETCLICK",
                "event_time": int(time.time()),
                "event": event,
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            },
        )
        await fake_slack.answered()
        [buttons] = button_messages(fake_slack, event["ts"])
        envelope_id = await fake_slack.socket_send(
            "interactive", block_action(buttons, "chart_pie")
        )
        acks = await fake_slack.wait_for("socket_ack", 2)
        assert acks[-1].params["envelope_id"] == envelope_id
        await fake_slack.wait_for("files.completeUploadExternal", 2)
        await fake_slack.quiet(0.3)
        session = await services.storage.get(f"T1:C1:{event['ts']}")
        assert session is not None
        assert session.chat_history[-1]["metadata"]["chart_type"] == "pie"
    finally:
        await handler.close_async()
        await asyncio.sleep(0)
        await services.close()
