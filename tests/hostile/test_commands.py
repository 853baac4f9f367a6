"""/newchat and the "New chat" shortcut aimed at other people's threads, or fed garbage: nothing
is deleted that the user did not take part in, and nothing about it is revealed (PRODUCT.md §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningBot
from tests.fake_slack import FakeSlack
from tests.hostile.conftest import assert_plain

SECRET = "secret merger numbers acme 1, globex 2"
THEIRS = "1700000500.000100"  # U2's thread in C1
OTHER_CHANNEL = "1700000600.000200"  # U2's thread in C2
MINE = "1700000700.000300"  # U1's own thread in C1


async def seed(bot: RunningBot, channel: str, ts: str, user: str, text: str) -> str:
    """A session with one exchange and a dataset, as if ``user`` had started it."""
    key = f"T1:{channel}:{ts}"
    await bot.storage.get_or_create(key, user_id=user)
    user_entry = {"role": "user", "content": text, "metadata": {"type": "chart_request"}}
    answer = {"role": "assistant", "content": "Here is a chart", "metadata": {"type": "text"}}
    assert await bot.storage.append(key, user_entry, answer, user_id=user, active_dataset="F9")
    await bot.storage.put_dataset(key, "F9", b"dataset bytes")
    return key


@pytest.fixture
async def threads(bot: RunningBot) -> dict[str, str]:
    return {
        "theirs": await seed(bot, "C1", THEIRS, "U2", SECRET),
        "other_channel": await seed(bot, "C2", OTHER_CHANNEL, "U2", SECRET),
        "mine": await seed(bot, "C1", MINE, "U1", "bar chart of a 1, b 2"),
    }


async def untouched(bot: RunningBot, threads: dict[str, str]) -> None:
    for key in threads.values():
        session = await bot.storage.get(key)
        assert session is not None, f"{key} was deleted"
        assert len(session.chat_history) == 2
        assert await bot.storage.get_dataset(key, "F9") == b"dataset bytes"


def revealed_nothing(text: str) -> None:
    assert_plain(text)
    for hint in ("secret", "merger", "acme", "globex", "U2", THEIRS, OTHER_CHANNEL, "Deleted"):
        assert hint not in text, text


async def newchat(bot: RunningBot, fake: FakeSlack, text: str, user: str = "U1") -> str:
    count = len(fake.responses)
    status, body = await bot.sender.command(
        text, user=user, channel="C1", response_url=fake.response_url()
    )
    assert status == 200 and "Traceback" not in body
    await fake.wait_for("response_url", count + 1)
    await fake.quiet(0.2)
    assert len(fake.responses) == count + 1
    response = fake.responses[-1]
    assert response.get("response_type", "ephemeral") == "ephemeral"
    return response["text"]


def permalink(channel: str, ts: str, query: str = "") -> str:
    return f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}{query}"


@pytest.mark.parametrize(
    "link",
    [
        permalink("C1", THEIRS),
        f"<{permalink('C1', '1700000999.000900', f'?thread_ts={THEIRS}&cid=C1')}>",
        f"<{permalink('C2', OTHER_CHANNEL)}|look at this>",
    ],
    ids=["raw", "reply-in-thread", "other-channel"],
)
async def test_newchat_link_to_someone_elses_thread(
    bot: RunningBot, fake_slack: FakeSlack, threads: dict[str, str], link: str
) -> None:
    text = await newchat(bot, fake_slack, link)
    assert "Nothing to delete" in text
    revealed_nothing(text)
    await untouched(bot, threads)


@pytest.mark.parametrize(
    "garbage",
    [
        "'; DROP TABLE sessions; --",
        "../../../../etc/passwd",
        "<!channel> *everything* please",
        "ALL ALL ALL",
        "\x00\u202e\u200d",
    ],
    ids=["sql", "path", "markup", "all-shouting", "control"],
)
async def test_newchat_with_garbage_deletes_nothing(
    bot: RunningBot, fake_slack: FakeSlack, threads: dict[str, str], garbage: str
) -> None:
    text = await newchat(bot, fake_slack, garbage)
    assert "/newchat all" in text  # how to use it
    revealed_nothing(text)
    await untouched(bot, threads)


def files_under(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


async def test_newchat_with_a_path_in_the_link(
    bot: RunningBot, fake_slack: FakeSlack, threads: dict[str, str], tmp_path: Path
) -> None:
    before = files_under(tmp_path)
    link = permalink("C1", MINE, "?thread_ts=../../../../sessions&cid=C1")
    text = await newchat(bot, fake_slack, link)
    assert "Nothing to delete" in text
    revealed_nothing(text)
    await untouched(bot, threads)
    after = set(files_under(tmp_path))
    assert [p for p in before if p not in after and "locks" not in p.parts] == []


async def test_very_long_command_text(
    bot: RunningBot, fake_slack: FakeSlack, threads: dict[str, str]
) -> None:
    text = await newchat(bot, fake_slack, "please forget " * 3000 + permalink("C1", THEIRS))
    assert len(text) < 1000
    revealed_nothing(text)
    await untouched(bot, threads)


def shortcut(message: dict[str, Any], fake: FakeSlack, user: str = "U1") -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "new_chat",
        "trigger_id": "1.2",
        "action_ts": "1.2",
        "team": {"id": "T1"},
        "user": {"id": user},
        "channel": {"id": "C1"},
        "message_ts": message["ts"],
        "message": message,
        "response_url": fake.response_url("shortcut"),
    }


@pytest.mark.parametrize(
    "msg",
    [
        {"ts": THEIRS, "text": SECRET},  # the thread's first message
        {"ts": "1700000999.000900", "thread_ts": THEIRS, "text": "a reply"},
        {"ts": "1700000999.000901", "thread_ts": "../../../locks", "text": "crafted"},
    ],
    ids=["root", "reply", "crafted-ts"],
)
async def test_shortcut_on_someone_elses_thread(
    bot: RunningBot, fake_slack: FakeSlack, threads: dict[str, str], msg: dict[str, Any]
) -> None:
    status, _ = await bot.sender.interaction(shortcut(msg, fake_slack))
    assert status == 200
    await fake_slack.wait_for("response_url")
    await fake_slack.quiet(0.2)
    [response] = fake_slack.responses
    assert "Nothing to delete" in response["text"]
    revealed_nothing(response["text"])
    await untouched(bot, threads)
