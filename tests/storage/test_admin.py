"""``python -m bot sessions …`` on both backends, next to a running bot's storage."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json

import pytest

from bot.admin import add_sessions_parser, run_sessions
from storage import Storage

TTL = dt.timedelta(days=7)


def parse(*argv: str) -> argparse.Namespace:
    root = argparse.ArgumentParser(prog="python -m bot")
    add_sessions_parser(root.add_subparsers(dest="command"))
    return root.parse_args(["sessions", *argv])


async def admin(url: str, *argv: str) -> int:
    return await run_sessions(parse(*argv), url, session_ttl=TTL, max_sessions_per_user=50)


@pytest.fixture
async def bot(storage: Storage) -> Storage:
    """The bot's storage, open (and for JSON holding the directory) while the admin works."""
    await storage.get_or_create("T1:C1:1.0", user_id="U1")
    await storage.append(
        "T1:C1:1.0",
        {"role": "user", "content": "bar chart of a 1, b 2", "metadata": {"type": "chart_request"}},
        {"role": "assistant", "content": "Here it is", "metadata": {"type": "chart"}},
        user_id="U1",
        active_dataset="F123",
    )
    await asyncio.sleep(0.01)
    await storage.get_or_create("T1:C2:2.0", user_id="U2")
    return storage


async def test_list_prints_one_json_line_per_session(
    bot: Storage, storage_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await admin(storage_url, "list") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["key"] for line in lines] == ["T1:C2:2.0", "T1:C1:1.0"]
    assert set(lines[1]) == {"key", "started_by", "created_at", "last_used", "message_count"}
    assert (lines[1]["started_by"], lines[1]["message_count"]) == ("U1", 2)

    assert await admin(storage_url, "list", "--user", "U1") == 0
    assert [json.loads(x)["key"] for x in capsys.readouterr().out.splitlines()] == ["T1:C1:1.0"]
    assert await admin(storage_url, "list", "--channel", "C2") == 0
    assert [json.loads(x)["key"] for x in capsys.readouterr().out.splitlines()] == ["T1:C2:2.0"]


async def test_show_prints_the_session_document(
    bot: Storage, storage_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await admin(storage_url, "show", "T1:C1:1.0") == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc)[:3] == ["session_id", "team_id", "channel_id"]
    assert (doc["session_id"], doc["active_dataset"], doc["participants"]) == (
        "T1:C1:1.0",
        "F123",
        ["U1"],
    )
    assert [m["metadata"]["type"] for m in doc["chat_history"]] == ["chart_request", "chart"]
    assert doc == (await bot.get("T1:C1:1.0")).to_dict()


async def test_show_of_an_absent_session_exits_1(
    bot: Storage, storage_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await admin(storage_url, "show", "T1:C1:9.9") == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no session T1:C1:9.9" in captured.err


async def test_delete_removes_the_session_from_under_the_bot(
    bot: Storage, storage_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await bot.put_dataset("T1:C1:1.0", "F123", b"table")
    assert await admin(storage_url, "delete", "T1:C1:1.0") == 0
    assert json.loads(capsys.readouterr().out) == {"deleted": "T1:C1:1.0"}
    assert await bot.get("T1:C1:1.0") is None
    assert await bot.get_dataset("T1:C1:1.0", "F123") is None
    assert [s.key for s in await bot.list()] == ["T1:C2:2.0"]
    assert await admin(storage_url, "delete", "T1:C1:1.0") == 1
    assert await admin(storage_url, "delete", "not-a-key") == 1
    assert "no session not-a-key" in capsys.readouterr().err


async def test_purge_prints_what_it_deleted(
    bot: Storage, storage_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.sleep(0.8)
    await bot.append("T1:C2:2.0", {"role": "user", "content": "still busy"})
    assert await admin(storage_url, "purge", "--older-than", "0.4") == 0
    captured = capsys.readouterr()
    assert [json.loads(x) for x in captured.out.splitlines()] == [{"deleted": "T1:C1:1.0"}]
    assert "purged 1 session" in captured.err
    assert [s.key for s in await bot.list()] == ["T1:C2:2.0"]
    assert await admin(storage_url, "purge", "--older-than", "24h") == 0
    assert capsys.readouterr().out == ""


def test_purge_needs_a_real_duration(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse("purge", "--older-than", "soon")
    assert exit_info.value.code == 2
    assert "not a duration" in capsys.readouterr().err


async def test_unreachable_redis_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await admin("redis://127.0.0.1:1/0", "list") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach Redis at redis://127.0.0.1:1/0")
    assert len(err.strip().splitlines()) == 1
