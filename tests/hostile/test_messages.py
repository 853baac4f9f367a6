"""Hostile and odd message text: answered once, in plain words, logged as sent (cut at 4,000
characters), never evaluated — and labels are what the user typed (PRODUCT.md §4, §5, §8)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from bot.conversation import HISTORY_WINDOW
from tests.conftest import RunningBot
from tests.fake_slack import FakeSlack
from tests.hostile.conftest import assert_plain, texts_sent
from tests.signed import mention, message


async def ask(bot: RunningBot, fake: FakeSlack, text: str) -> tuple[str, list[dict[str, Any]]]:
    """Mention the bot with ``text``; wait for the answer; the thread root and its history."""
    event = mention(text)
    status, _ = await bot.sender.event(event)
    assert status == 200
    await fake.answered()
    await fake.quiet(0.2)
    session = await bot.storage.get(f"T1:C1:{event['ts']}")
    assert session is not None
    for said in texts_sent(fake):
        assert_plain(said)
    return event["ts"], session.chat_history


def one_reply(fake: FakeSlack) -> str:
    """The single reply of the thread: a message or a chart comment, never both, never two."""
    posts = fake.text_posts()
    charts = fake.calls_of("files.completeUploadExternal")
    assert len(posts) + len(charts) == 1, [c.method for c in fake.calls]
    return posts[0].params["text"] if posts else charts[0].params["initial_comment"]


def chart_of(history: list[dict[str, Any]]) -> dict[str, Any]:
    meta = history[-1]["metadata"]
    assert meta["type"] == "chart", history[-1]["content"]
    return meta


async def test_forty_thousand_characters_of_prose(bot: RunningBot, fake_slack: FakeSlack) -> None:
    text = ("Please draw something useful for the quarterly review meeting. " * 700)[:40_000]
    _, history = await ask(bot, fake_slack, text)
    reply = one_reply(fake_slack)
    assert len(reply) < 1000 and "quarterly review meeting. Please" not in reply
    user, answer = history
    assert user["content"] == text[:4000]
    assert user["metadata"]["truncated"] is True
    assert answer["role"] == "assistant" and answer["content"] == reply


async def test_forty_thousand_characters_of_inline_data(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    items = [f"item{i} {i}" for i in range(3000)]
    text = "bar chart of " + ", ".join(items)
    assert len(text) > 40_000
    _, history = await ask(bot, fake_slack, text)
    one_reply(fake_slack)
    assert history[0]["content"] == text[:4000] and history[0]["metadata"]["truncated"]
    chart = chart_of(history)
    assert len(chart["x_labels"]) == 3000
    assert chart["x_labels"][-1] == "item2999" and chart["y_values"][-1] == 2999


async def test_control_characters_do_not_change_the_request(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    text = "bar chart of apples 3\x07, pears 5\x00, plums\x1b 2\x7f\x0b"
    _, history = await ask(bot, fake_slack, text)
    one_reply(fake_slack)
    assert "truncated" not in history[0]["metadata"]
    chart = chart_of(history)
    assert chart["x_labels"] == ["apples", "pears", "plums"]
    assert chart["y_values"] == [3, 5, 2]


async def test_bidi_marks_and_combining_accents(bot: RunningBot, fake_slack: FakeSlack) -> None:
    text = (
        "bar chart of \u200fapples\u200e 3, \u202epears\u202c 5, cafe\u0301 2, \u05d0\u05d2\u05e1 4"
    )
    _, history = await ask(bot, fake_slack, text)
    one_reply(fake_slack)
    assert history[0]["content"] == text  # logged as sent
    chart = chart_of(history)
    labels = [unicodedata.normalize("NFC", x) for x in chart["x_labels"]]
    assert labels == ["apples", "pears", "café", "\u05d0\u05d2\u05e1"]
    assert chart["y_values"] == [3, 5, 2, 4]


async def test_zero_width_joiner_inside_a_word_is_invisible(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    """A zero-width character pasted inside a word must not split the label the user sees."""
    _, history = await ask(bot, fake_slack, "bar chart of app\u200dles 3, pe\u200bars 5")
    one_reply(fake_slack)
    chart = chart_of(history)
    assert [x.replace("\u200d", "").replace("\u200b", "") for x in chart["x_labels"]] == [
        "apples",
        "pears",
    ]


async def test_emoji_beside_labels(bot: RunningBot, fake_slack: FakeSlack) -> None:
    _, history = await ask(bot, fake_slack, "bar chart of 🍎 apples 3, pears 🍐 5, 👩‍💻 devs 2")
    one_reply(fake_slack)
    chart = chart_of(history)
    assert [x.strip("🍎🍐👩‍💻 ") for x in chart["x_labels"]] == ["apples", "pears", "devs"]
    assert chart["y_values"] == [3, 5, 2]


async def test_emoji_only_labels_are_not_replaced_by_made_up_ones(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    """Either the emoji are the labels, or the bot says it could not tell: never "1", "2"."""
    _, history = await ask(bot, fake_slack, "bar chart of 🍎 3, 🍐 5, 🍋 2")
    one_reply(fake_slack)
    meta = history[-1]["metadata"]
    if meta["type"] == "chart":
        assert meta["x_labels"] == ["🍎", "🍐", "🍋"]
        assert meta["y_values"] == [3, 5, 2]


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "@SUM(1+1)", '=HYPERLINK("http://x")'])
async def test_formula_text_is_answered_like_any_request(
    bot: RunningBot, fake_slack: FakeSlack, text: str
) -> None:
    _, history = await ask(bot, fake_slack, text)
    reply = one_reply(fake_slack)
    assert fake_slack.finals()[-1].params["name"] in ("white_check_mark", "warning")
    user, answer = history
    assert user["content"] == text and user["metadata"]["type"] == "chart_request"
    assert answer["content"] == reply and answer["metadata"]["type"] in ("text", "error")


async def test_formula_looking_label_stays_text(bot: RunningBot, fake_slack: FakeSlack) -> None:
    _, history = await ask(bot, fake_slack, "bar chart of apples 3, @SUM(1+1) 7, =A1*2 4")
    one_reply(fake_slack)
    meta = history[-1]["metadata"]
    if meta["type"] == "chart":  # drawn: the labels are the text as typed, not results
        assert meta["x_labels"] == ["apples", "@SUM(1+1)", "=A1*2"]
        assert meta["y_values"] == [3, 7, 4]


async def test_slack_markup_noise_is_not_echoed(bot: RunningBot, fake_slack: FakeSlack) -> None:
    text = "<!channel> <!here|here> <#C1|general> <https://evil.example|click> <@U2>"
    _, history = await ask(bot, fake_slack, text)
    reply = one_reply(fake_slack)
    assert "<!" not in reply and "evil.example" not in reply and "<@U2>" not in reply
    assert history[0]["content"] == text


async def test_slack_markup_before_a_request_does_not_change_its_labels(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    """Slack sends "@channel #general … R&D" as markup and escapes; the labels are R&D, Sales."""
    text = "<!channel> <#C1|general> bar chart of R&amp;D 3, Sales 5"
    _, history = await ask(bot, fake_slack, text)
    reply = one_reply(fake_slack)
    assert "<!channel>" not in reply
    chart = chart_of(history)
    assert chart["x_labels"] == ["R&D", "Sales"] and chart["y_values"] == [3, 5]


async def test_message_that_is_only_the_mention(bot: RunningBot, fake_slack: FakeSlack) -> None:
    _, history = await ask(bot, fake_slack, "")
    reply = one_reply(fake_slack)
    assert "bar chart of" in reply  # an example that would work
    assert [m["role"] for m in history] == ["user", "assistant"]


async def test_absurdly_long_number(bot: RunningBot, fake_slack: FakeSlack) -> None:
    """Either drawn with the labels as typed, or refused in plain words: never relabelled."""
    _, history = await ask(bot, fake_slack, "bar chart of a 9" + "9" * 40 + ", b 2")
    one_reply(fake_slack)
    meta = history[-1]["metadata"]
    if meta["type"] == "chart":
        assert meta["x_labels"] == ["a", "b"]
        assert meta["y_values"][1] == 2 and meta["y_values"][0] > 1e40


async def test_thousands_of_messages_in_one_thread(
    bot: RunningBot, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3,000 earlier entries: the next request is answered from the latest chart, the full
    history is kept, and no request loads more than a bounded window of it."""
    storage = bot.storage
    root, _ = await ask(bot, fake_slack, "bar chart of apples 3, pears 5")
    key = f"T1:C1:{root}"
    first_pair = (await storage.get(key)).chat_history
    filler = []
    for i in range(1500):
        filler.append({"role": "user", "content": f"note {i}", "metadata": {"type": "text"}})
        filler.append({"role": "assistant", "content": f"ok {i}", "metadata": {"type": "text"}})
    assert await storage.append(key, *filler, user_id="U1")
    assert await storage.append(key, *first_pair, user_id="U1")  # the latest chart, again

    loaded: list[int] = []
    real_get, real_get_or_create = storage.get, storage.get_or_create

    async def get(k: str, **kwargs: Any):
        session = await real_get(k, **kwargs)
        if k == key and session is not None:
            loaded.append(len(session.chat_history))
        return session

    async def get_or_create(k: str, **kwargs: Any):
        session, created = await real_get_or_create(k, **kwargs)
        if k == key:
            loaded.append(len(session.chat_history))
        return session, created

    monkeypatch.setattr(storage, "get", get)
    monkeypatch.setattr(storage, "get_or_create", get_or_create)
    await bot.sender.event(message("make it a pie", thread_ts=root))
    await fake_slack.answered(2)
    monkeypatch.undo()

    history = (await storage.get(key)).chat_history
    assert len(history) == 2 + 3000 + 2 + 2
    assert history[0]["content"] == "bar chart of apples 3, pears 5"
    assert history[1500]["content"] == "note 749"
    assert history[-2]["content"] == "make it a pie"
    chart = history[-1]["metadata"]
    assert chart["chart_type"] == "pie"
    assert chart["x_labels"] == ["apples", "pears"] and chart["y_values"] == [3, 5]
    assert loaded, "the request never read the session"
    assert max(loaded) <= HISTORY_WINDOW, f"entries loaded per read: {loaded}"
