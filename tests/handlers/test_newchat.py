"""Deleting a thread's session: /newchat (latest, link, all), the message shortcut, typed reset —
only for people who took part, and preferences survive."""

from __future__ import annotations

from tests.conftest import RunningBot, start_thread
from tests.fake_slack import FakeSlack
from tests.signed import message


async def _newchat(bot: RunningBot, fake: FakeSlack, text: str, *, user: str = "U1") -> str:
    count = len(fake.responses)
    status, _ = await bot.sender.command(
        text, user=user, channel="C1", response_url=fake.response_url()
    )
    assert status == 200
    await fake.wait_for("response_url", count + 1)
    response = fake.responses[-1]
    assert response.get("response_type", "ephemeral") == "ephemeral"
    return response["text"]


async def test_newchat_deletes_the_latest_session_of_the_user_here(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    older = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    newer = await start_thread(bot, fake_slack, "pie chart of cats 3, dogs 4")
    text = await _newchat(bot, fake_slack, "")
    assert "Deleted 1 conversation" in text and "pie chart of cats" in text
    assert await bot.storage.get(f"T1:C1:{newer}") is None
    assert await bot.storage.get(f"T1:C1:{older}") is not None


async def test_newchat_with_a_permalink_deletes_that_thread(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    first = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    await start_thread(bot, fake_slack, "bar chart of c 1, d 2")
    reply_ts = "1700009999.000200"
    digits = reply_ts.replace(".", "")
    link = f"<https://acme.slack.com/archives/C1/p{digits}?thread_ts={first}&cid=C1>"
    text = await _newchat(bot, fake_slack, link)
    assert "Deleted 1" in text
    assert await bot.storage.get(f"T1:C1:{first}") is None
    assert len(await bot.storage.list(user="U1")) == 1


async def test_newchat_all_deletes_every_session_of_the_user_here_only(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    await start_thread(bot, fake_slack, "bar chart of c 1, d 2")
    others = await start_thread(bot, fake_slack, "bar chart of e 1, f 2", user="U2")
    text = await _newchat(bot, fake_slack, "all")
    assert "Deleted 2 conversations" in text
    assert [s.key for s in await bot.storage.list()] == [f"T1:C1:{others}"]


async def test_newchat_for_someone_elses_thread_deletes_and_reveals_nothing(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    theirs = await start_thread(bot, fake_slack, "secret plans 1, more plans 2", user="U2")
    digits = theirs.replace(".", "")
    text = await _newchat(
        bot, fake_slack, f"https://acme.slack.com/archives/C1/p{digits}", user="U1"
    )
    assert "Nothing to delete" in text and "secret" not in text
    assert await bot.storage.get(f"T1:C1:{theirs}") is not None


async def test_newchat_with_nothing_to_delete_says_so(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    assert "Nothing to delete" in await _newchat(bot, fake_slack, "")


async def test_command_text_with_the_word_payload_still_works(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    text = await _newchat(bot, fake_slack, "payload")
    assert "/newchat all" in text  # the usage help, not a dropped request


async def test_message_shortcut_deletes_the_thread(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    status, _ = await bot.sender.interaction(
        {
            "type": "message_action",
            "callback_id": "new_chat",
            "trigger_id": "1.2",
            "action_ts": "1.2",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "message_ts": "1700009999.000300",
            "message": {"ts": "1700009999.000300", "thread_ts": root, "text": "make it a pie"},
            "response_url": fake_slack.response_url("shortcut"),
        }
    )
    assert status == 200
    await fake_slack.wait_for("response_url")
    assert "Deleted 1" in fake_slack.responses[-1]["text"]
    assert await bot.storage.get(f"T1:C1:{root}") is None


async def test_typing_new_chat_in_the_thread_deletes_it_and_style_survives(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    await bot.sender.event(message("set my default style to dark", thread_ts=root))
    await fake_slack.answered(2)
    await bot.sender.event(message("new chat", thread_ts=root))
    await fake_slack.answered(3)
    assert "forgot" in fake_slack.posted_texts()[-1]
    assert await bot.storage.get(f"T1:C1:{root}") is None
    assert (await bot.storage.get_preferences("T1", "U1"))["style"] == "dark"

    fresh = await start_thread(bot, fake_slack, "bar chart of c 1, d 2")
    session = await bot.storage.get(f"T1:C1:{fresh}")
    assert session.style == "dark"
    assert session.chat_history[-1]["metadata"]["spec"]["style"] == "dark"


async def test_typed_reset_by_a_non_participant_is_refused(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    await bot.sender.event(message("reset", thread_ts=root, user="U9"))
    await fake_slack.answered(2)
    [post] = fake_slack.text_posts()
    assert "Only people who took part" in post.params["text"]
    await bot.sender.event(message("reset", thread_ts=root, user="U9"))  # asking twice
    await fake_slack.answered(3)
    session = await bot.storage.get(f"T1:C1:{root}")
    assert session is not None and session.participants == ["U1"]
