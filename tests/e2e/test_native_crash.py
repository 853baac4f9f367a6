"""Crash safety with CHART_FORMAT=native: a native chart is known by its message metadata before
it reaches the thread, so a bot killed while Slack takes it finds it after the restart (logged
once, as a native chart) or, if it never arrived, posts it again: once either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import final_reactions, reading, restart_until_quiet
from tests.fake_slack import FakeSlack
from tests.processes import BotProcess
from tests.signed import SlackSender, mention


@pytest.mark.timeout(120)
@pytest.mark.parametrize("arrived", [True, False], ids=["reply-arrived", "reply-lost"])
async def test_a_native_chart_on_its_way_at_the_kill_is_looked_for_then_sent_once(
    fake_slack: FakeSlack, tmp_path: Path, arrived: bool
) -> None:
    data = tmp_path / "data"
    event = mention("bar chart of a 1, b 2 title: On its way")
    if arrived:  # Slack takes the chart, but its answer never reaches the bot
        fake_slack.fail("chat.postMessage", hold_reply=60)
    else:  # the call never takes effect
        fake_slack.fail("chat.postMessage", delay=60, error="internal_error")
    start = {"storage_url": data, "api_url": fake_slack.api_url, "workdir": tmp_path}
    bot = await BotProcess.start(**start, CHART_FORMAT="native")
    try:
        sender = SlackSender(bot.events_url)
        assert (await sender.event(event, event_id="EvNativeOnItsWay"))[0] == 200
        await sender.close()
        await fake_slack.wait_for("chat.postMessage")
    finally:
        await bot.kill()
    assert len(_replies(fake_slack, event)) == int(arrived)

    await restart_until_quiet(fake_slack, **start, CHART_FORMAT="native")
    [reply] = _replies(fake_slack, event)
    assert reply["blocks"][0]["type"] == "data_visualization"
    assert reply["blocks"][0]["title"] == "On its way"
    assert not fake_slack.calls_of("files.getUploadURLExternal")
    assert final_reactions(fake_slack, event["ts"]) == ["white_check_mark"]
    assert len(fake_slack.calls_of("chat.postMessage")) == 1 + (not arrived)
    async with reading(data) as storage:
        session = await storage.get(f"T1:{event['channel']}:{event['ts']}")
    assert session is not None
    user, logged = session.chat_history  # logged once, from the claim's note if found
    assert user["metadata"]["ts"] == event["ts"]
    assert logged["metadata"]["format"] == "native" and logged["metadata"]["title"] == "On its way"
    assert logged["content"] == reply["text"]


def _replies(fake: FakeSlack, event: dict) -> list[dict]:
    return [m for m in fake.messages[event["channel"]] if m.get("thread_ts") == event["ts"]]
