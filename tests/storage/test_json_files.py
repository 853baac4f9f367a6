"""What only the JSON backend has: files on disk, the directory lock, corrupt files, restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import orjson
import pytest

from storage import StorageError, open_storage
from storage.json_backend import JsonStorage

KEY = "T1:C1:1700000000.000100"
REPO = Path(__file__).resolve().parents[2]


async def open_json(root: Path, *, exclusive: bool = True, **kwargs: object) -> JsonStorage:
    settings = {"session_ttl": dt.timedelta(days=7), "max_sessions_per_user": 50, **kwargs}
    storage = await open_storage(str(root), exclusive=exclusive, **settings)  # type: ignore[arg-type]
    assert isinstance(storage, JsonStorage)
    return storage


@pytest.fixture
async def bot(tmp_path: Path):
    storage = await open_json(tmp_path)
    yield storage
    await storage.close()


def files(root: Path, pattern: str) -> list[Path]:
    return sorted(root.glob(pattern))


async def test_one_file_per_session_with_safe_names(bot: JsonStorage, tmp_path: Path) -> None:
    long_key = "local:console:" + "thread ✓/../" * 40
    for key in (KEY, long_key):
        await bot.get_or_create(key, user_id="U1")
        await bot.append(key, {"role": "user", "content": "hi"})
        await bot.put_dataset(key, "F1", b"x")
        assert (await bot.get(key)).chat_history[0]["content"] == "hi"
    headers = files(tmp_path, "sessions/*/*.json")
    assert len(headers) == 2
    every_name = [p.name for p in files(tmp_path, "**/*")]
    assert all(":" not in name and "/" not in name and len(name) < 200 for name in every_name)
    assert {orjson.loads(p.read_bytes())["doc"]["session_id"] for p in headers} == {KEY, long_key}


async def test_second_bot_process_is_refused(bot: JsonStorage, tmp_path: Path) -> None:
    code = (
        "import asyncio, datetime as dt, sys\n"
        "from storage import open_storage, StorageError\n"
        "try:\n"
        f"    asyncio.run(open_storage({str(tmp_path)!r}, session_ttl=dt.timedelta(days=1),"
        " max_sessions_per_user=5))\n"
        "except StorageError as exc:\n"
        "    print(exc); sys.exit(3)\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=REPO, stdout=PIPE, stderr=PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 3, stderr.decode()
    assert stdout.decode().strip() == (
        f"{tmp_path} is in use by another Chartbot process (pid {os.getpid()}); "
        "use Redis (STORAGE_URL=redis://…) to run several"
    )


async def test_directory_is_free_again_after_close(tmp_path: Path) -> None:
    first = await open_json(tmp_path)
    with pytest.raises(StorageError, match="in use by another Chartbot process"):
        await open_json(tmp_path)
    await first.close()
    second = await open_json(tmp_path)
    await second.close()


async def test_admin_reads_and_deletes_while_the_bot_runs(bot: JsonStorage, tmp_path: Path) -> None:
    admin = await open_json(tmp_path, exclusive=False)
    await bot.get_or_create(KEY, user_id="U1")
    await bot.put_dataset(KEY, "F1", b"data")
    await bot.append(KEY, {"role": "user", "content": "hello"}, user_id="U1")
    assert [s.key for s in await bot.list(user="U1")] == [KEY]
    assert (await admin.get(KEY)).chat_history[0]["content"] == "hello"
    assert [s.key for s in await admin.list()] == [KEY]
    async with bot._session_lock(KEY, [False]):  # the bot is mid-write: admin reads anyway
        assert (await admin.get(KEY)) is not None
    assert await admin.delete(KEY)
    assert await bot.get(KEY) is None
    assert await bot.get_dataset(KEY, "F1") is None
    assert not await bot.append(KEY, {"role": "assistant", "content": "late reply"})
    assert await bot.list(user="U1") == []  # the bot's index notices the deletion
    assert files(tmp_path, "sessions/*/*.json*") == []
    await admin.close()


async def test_corrupt_header_is_moved_aside(
    bot: JsonStorage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.get_or_create(KEY, user_id="U1")
    await bot.append(KEY, {"role": "user", "content": "hello"})
    [header] = files(tmp_path, "sessions/*/*.json")
    header.write_bytes(b'{"doc": {"session_id": "T1:C1:17')  # torn by hand
    with caplog.at_level(logging.WARNING):
        assert await bot.get(KEY) is None
    assert "corrupt session file" in caplog.text
    assert [p.name.endswith(".corrupt") for p in files(tmp_path, "sessions/*/*.corrupt")] == [
        True,
        True,
    ]
    session, created = await bot.get_or_create(KEY, user_id="U2")  # the bot carries on
    assert created and session.chat_history == []
    assert await bot.append(KEY, {"role": "user", "content": "again"})
    assert [m["content"] for m in (await bot.get(KEY)).chat_history] == ["again"]


async def test_corrupt_history_is_moved_aside(bot: JsonStorage, tmp_path: Path) -> None:
    await bot.get_or_create(KEY, user_id="U1")
    await bot.append(KEY, {"role": "user", "content": "hello"})
    [history] = files(tmp_path, "sessions/*/*.jsonl")
    history.write_bytes(b"#" * history.stat().st_size)
    assert await bot.get(KEY) is None
    assert len(files(tmp_path, "sessions/*/*.corrupt")) == 2
    assert not await bot.append(KEY, {"role": "user", "content": "lost thread"})


async def test_uncommitted_tail_is_ignored_then_replaced(bot: JsonStorage, tmp_path: Path) -> None:
    await bot.get_or_create(KEY, user_id="U1")
    await bot.append(KEY, {"role": "user", "content": "one"})
    [history] = files(tmp_path, "sessions/*/*.jsonl")
    with history.open("ab") as f:  # a writer killed after the history, before the header
        f.write(b'{"role": "user", "content": "tw')
    assert [m["content"] for m in (await bot.get(KEY)).chat_history] == ["one"]
    await bot.append(KEY, {"role": "user", "content": "two"})
    assert [m["content"] for m in (await bot.get(KEY)).chat_history] == ["one", "two"]
    assert history.read_bytes().count(b"\n") == 2


async def test_fields_written_by_a_newer_version_survive(bot: JsonStorage, tmp_path: Path) -> None:
    await bot.get_or_create(KEY, user_id="U1")
    [header] = files(tmp_path, "sessions/*/*.json")
    stored = orjson.loads(header.read_bytes())
    stored["doc"]["labels"] = {"pinned": True}
    stored["written_by"] = "chartbot 2.0"
    header.write_bytes(orjson.dumps(stored))
    await bot.append(KEY, {"role": "user", "content": "hi"}, active_dataset="F1")
    assert (await bot.get(KEY)).extra == {"labels": {"pinned": True}}
    assert orjson.loads(header.read_bytes())["written_by"] == "chartbot 2.0"


async def test_claims_survive_a_restart_and_expired_ones_are_pruned(tmp_path: Path) -> None:
    first = await open_json(tmp_path)
    assert await first.claim("Ev1", 600)
    await first.finish("Ev1")
    assert await first.claim("Ev2", 0.001)
    assert await first.claim("Ev3", 600)  # left unfinished: the process dies mid-work
    await first.close()
    second = await open_json(tmp_path)
    assert not await second.claim("Ev1", 600)  # answered before the restart: never again
    assert await second.claim("Ev3", 600)  # never answered: a retry may take it over
    assert not await second.claim("Ev3", 600)  # ...once
    await asyncio.sleep(0.05)  # Ev2 has expired by now
    await second.purge(dt.timedelta(days=1))
    assert len(files(tmp_path, "claims/*")) == 2
    assert await second.claim("Ev2", 600)
    await second.close()


async def test_restarted_bot_lists_and_purges_existing_sessions(tmp_path: Path) -> None:
    first = await open_json(tmp_path)
    for n in range(5):
        await first.get_or_create(f"T1:C1:{n}.0", user_id="U1")
    await first.close()
    second = await open_json(tmp_path, session_ttl=dt.timedelta(days=7))
    assert len(await second.list(user="U1")) == 5
    assert len(await second.purge(dt.timedelta(seconds=0))) == 5
    assert files(tmp_path, "sessions/*/*") == []
    await second.close()


async def test_admin_process_deletes_a_session_the_bot_is_writing(
    bot: JsonStorage, tmp_path: Path
) -> None:
    await bot.get_or_create(KEY, user_id="U1")
    code = (
        "import argparse, asyncio, datetime as dt, sys\n"
        "from bot.admin import run_sessions\n"
        f"args = argparse.Namespace(sessions_command='delete', key={KEY!r})\n"
        f"sys.exit(asyncio.run(run_sessions(args, {str(tmp_path)!r},"
        " session_ttl=dt.timedelta(days=7), max_sessions_per_user=50)))\n"
    )
    admin = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=REPO, stdout=PIPE, stderr=PIPE
    )
    stored = []
    while admin.returncode is None:
        n = len(stored)
        stored.append(await bot.append(KEY, {"role": "user", "content": str(n)}))
        await asyncio.sleep(0)
        if len(stored) > 20_000:
            break
    stdout, stderr = await asyncio.wait_for(admin.communicate(), timeout=60)
    assert admin.returncode == 0, stderr.decode()
    assert orjson.loads(stdout) == {"deleted": KEY}
    cut = stored.index(False)  # every append before the deletion stored, none after
    assert stored == [True] * cut + [False] * (len(stored) - cut)
    assert await bot.get(KEY) is None
    assert files(tmp_path, "sessions/*/*") == files(tmp_path, "locks/*/*") == []


async def test_index_scan_survives_writes_renaming_files_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restarted bot builds its index while new sessions are written: a writer's .tmp file can
    be renamed away between the directory listing and its stat. The scan skips it; and a scan
    that fails outright is tried again by the next call instead of failing every call after."""
    first = await open_json(tmp_path)
    await first.get_or_create(KEY, user_id="U1")
    await first.close()
    shard = files(tmp_path, "sessions/*/*.json")[0].parent
    (shard / ".in-flight.json.1.tmp").write_bytes(b"{}")

    real_scandir, scans = os.scandir, []

    def racing_scandir(path):
        scans.append(path)
        if len(scans) == 1:
            raise OSError(5, "I/O error")  # the first scan fails as a whole
        entries = list(real_scandir(path))
        for entry in entries:
            if entry.name.endswith(".tmp"):
                os.unlink(entry.path)  # the writer renamed it after the listing
        return iter(entries)

    monkeypatch.setattr("storage.json_index.os.scandir", racing_scandir)
    second = await open_json(tmp_path)
    try:
        with pytest.raises(OSError):
            await second.list(user="U1")
        assert [s.key for s in await second.list(user="U1")] == [KEY]
        assert len(scans) == 2
        await second.get_or_create("T1:C1:1700000000.000200", user_id="U1")
        assert len(await second.list(user="U1")) == 2
    finally:
        await second.close()
