"""One user message, one reply: retries, the mention twin, in-flight retries, ordering, 429s."""

from __future__ import annotations

import asyncio

from tests.conftest import RunningBot
from tests.fake_slack import BOT_USER_ID, FakeSlack
from tests.signed import mention, message, next_ts


async def test_retry_with_the_same_event_id_posts_one_chart(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    event = mention("bar chart of a 1, b 2")
    await bot.sender.event(event, event_id="EvSAME")
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")
    status, _ = await bot.sender.event(event, event_id="EvSAME", retry_num=1)
    assert status == 200
    await fake_slack.quiet(0.5)
    assert len(fake_slack.calls_of("files.completeUploadExternal")) == 1


async def test_mention_twin_is_answered_once(bot: RunningBot, fake_slack: FakeSlack) -> None:
    twin_ts = next_ts()
    app_mention = mention("bar chart of a 1, b 2", ts=twin_ts)
    as_message = message(f"<@{BOT_USER_ID}> bar chart of a 1, b 2", ts=twin_ts)
    await asyncio.gather(bot.sender.event(as_message), bot.sender.event(app_mention))
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")
    await fake_slack.quiet(0.5)
    assert len(fake_slack.calls_of("files.completeUploadExternal")) == 1
    session = await bot.storage.get(f"T1:C1:{twin_ts}")
    assert [m["role"] for m in session.chat_history] == ["user", "assistant"]


async def test_retry_arriving_while_the_first_is_still_working_posts_once(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("files.getUploadURLExternal", delay=1.0)  # the first attempt is slow
    event = mention("bar chart of a 1, b 2")
    await bot.sender.event(event, event_id="EvSLOW")
    await fake_slack.wait_for("reactions.add")  # work has started
    status, _ = await bot.sender.event(event, event_id="EvSLOW", retry_num=1)
    assert status == 200
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")
    await fake_slack.quiet(0.5)
    assert len(fake_slack.calls_of("files.completeUploadExternal")) == 1


async def test_messages_of_one_thread_are_handled_in_ts_order(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = next_ts()
    fake_slack.fail("files.getUploadURLExternal", delay=0.8)  # hold the thread busy
    await bot.sender.event(mention("bar chart of a 1, b 2, c 3", ts=root))
    await fake_slack.wait_for("reactions.add")
    first, second, third = next_ts(), next_ts(), next_ts()
    await asyncio.gather(
        bot.sender.event(message("title: third", thread_ts=root, ts=third)),
        bot.sender.event(message("make it a pie", thread_ts=root, ts=first)),
        bot.sender.event(message("title: second", thread_ts=root, ts=second)),
    )
    await fake_slack.answered(4)
    await fake_slack.wait_for("files.completeUploadExternal", 4)
    session = await bot.storage.get(f"T1:C1:{root}")
    asked = [m["metadata"]["ts"] for m in session.chat_history if m["role"] == "user"]
    assert asked == [root, first, second, third]
    titles = [m["metadata"]["title"] for m in session.chat_history if m["role"] == "assistant"]
    assert titles[2:] == ["second", "third"]
    assert session.chat_history[-1]["metadata"]["chart_type"] == "pie"


async def test_rate_limited_upload_is_retried_after_retry_after(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("files.completeUploadExternal", status=429, retry_after=1)
    event = mention("bar chart of a 1, b 2")
    await bot.sender.event(event)
    await fake_slack.answered()
    calls = await fake_slack.wait_for("files.completeUploadExternal", 2)
    assert calls[1].at - calls[0].at >= 1.0
    await fake_slack.wait_for("reactions.add", 2)
    assert fake_slack.calls_of("reactions.add")[-1].params["name"] == "white_check_mark"
    session = await bot.storage.get(f"T1:C1:{event['ts']}")
    assert session.chat_history[-1]["metadata"]["type"] == "chart"
