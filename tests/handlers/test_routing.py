"""Which messages are for the bot (PRODUCT.md §3): mentions, DMs, follow-ups in a session's
thread — and nothing else."""

from __future__ import annotations

from tests.conftest import RunningBot, start_thread
from tests.fake_slack import BOT_ID, BOT_USER_ID, FakeSlack
from tests.signed import message, next_ts


async def test_thread_reply_without_mention_continues_the_session(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5")
    await bot.sender.event(message("make it a pie", thread_ts=root))

    await fake_slack.answered(2)
    completes = await fake_slack.wait_for("files.completeUploadExternal", 2)
    assert completes[1].params["thread_ts"] == root
    session = await bot.storage.get(f"T1:C1:{root}")
    assert [m["content"] for m in session.chat_history if m["role"] == "user"] == [
        "bar chart of apples 3, pears 5",
        "make it a pie",
    ]
    last = session.chat_history[-1]["metadata"]
    assert last["chart_type"] == "pie"
    assert last["x_labels"] == ["apples", "pears"] and last["y_values"] == [3, 5]


async def test_messages_in_a_thread_without_session_are_ignored(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    await bot.sender.event(message("bar chart of a 1, b 2", thread_ts=next_ts()))
    await bot.sender.event(message("bar chart of a 1, b 2"))  # top level, no mention
    await fake_slack.quiet(0.5)
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
    assert await bot.storage.list() == []


async def test_dm_top_level_message_is_answered_in_a_thread_under_it(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    event = message("bar chart of x 1, y 2", channel="D1", channel_type="im")
    await bot.sender.event(event)
    await fake_slack.answered()
    [complete] = await fake_slack.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D1"
    assert complete.params["thread_ts"] == event["ts"]

    await bot.sender.event(
        message("make it horizontal", channel="D1", channel_type="im", thread_ts=event["ts"])
    )
    await fake_slack.answered(2)
    completes = await fake_slack.wait_for("files.completeUploadExternal", 2)
    assert completes[1].params["thread_ts"] == event["ts"]
    session = await bot.storage.get(f"T1:D1:{event['ts']}")
    assert session.chat_history[-1]["metadata"]["spec"]["options"]["horizontal"] is True


async def test_dm_reply_in_a_new_thread_starts_a_session(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = next_ts()
    await bot.sender.event(
        message("pie chart of cats 2, dogs 3", channel="D1", channel_type="im", thread_ts=root)
    )
    await fake_slack.answered()
    [complete] = await fake_slack.wait_for("files.completeUploadExternal")
    assert complete.params["thread_ts"] == root


async def test_edits_deletions_and_bot_messages_are_ignored(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack)
    before = len(fake_slack.calls)
    edited = message("bar chart of a 5", thread_ts=root, subtype="message_changed")
    edited["message"] = {"text": "bar chart of a 5", "user": "U1", "ts": root}
    deleted = message("", thread_ts=root, subtype="message_deleted", deleted_ts=root)
    other_bot = message("bar chart of a 1", thread_ts=root, bot_id="BOTHER")
    own = message("bar chart of a 1", thread_ts=root, user=BOT_USER_ID, bot_id=BOT_ID)
    joined = message("joined", subtype="channel_join")
    for event in (edited, deleted, other_bot, own, joined):
        status, _ = await bot.sender.event(event)
        assert status == 200  # acknowledged, so Slack does not retry
    await fake_slack.quiet(0.5)
    assert fake_slack.calls[before:] == []
    session = await bot.storage.get(f"T1:C1:{root}")
    assert len(session.chat_history) == 2


async def test_thread_broadcast_counts_as_a_thread_reply(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack)
    await bot.sender.event(message("as a line", thread_ts=root, subtype="thread_broadcast"))
    await fake_slack.answered(2)
    completes = await fake_slack.wait_for("files.completeUploadExternal", 2)
    assert completes[1].params["thread_ts"] == root


async def test_plain_text_replies_stay_in_the_thread(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack)
    await bot.sender.event(message("help", thread_ts=root))
    [post] = await fake_slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == root and post.params["channel"] == "C1"
    assert post.params["text"]
