"""Faults around the bot: Slack errors and slowness, a dying render worker, storage that fills
up, turns read-only or restarts. Each time the user gets an answer or a clear error in the
thread, history stays consistent, and the next request works."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import bot.services
from bot import texts
from bot.workers import WorkerPool
from tests.conftest import RunningBot, running_bot, start_thread
from tests.fake_slack import FakeSlack
from tests.redis_server import RedisServer, _ping, redis_server_binary
from tests.signed import mention, message


def assert_consistent(history: list[dict]) -> None:
    """Every user message is followed by exactly one assistant entry."""
    roles = [m["role"] for m in history]
    assert roles == ["user", "assistant"] * (len(roles) // 2), roles


async def test_server_errors_from_slack_are_retried(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = await start_thread(bot, fake_slack)
    fake_slack.fail("chat.postMessage", status=500)
    await bot.sender.event(message("help", thread_ts=root))
    await fake_slack.answered(2)
    posts = fake_slack.calls_of("chat.postMessage")[1:]  # after the chart's buttons
    assert len(posts) == 2 and posts[0].params == posts[1].params  # the same message, retried
    session = await bot.storage.get(f"T1:C1:{root}")
    assert_consistent(session.chat_history)


async def test_failing_upload_is_explained_and_logged_as_an_error(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("files.completeUploadExternal", error="internal_error")
    event = mention("bar chart of a 1, b 2")
    await bot.sender.event(event)
    [final] = await fake_slack.answered()
    assert final.params["name"] == "warning"
    assert fake_slack.posted_texts() == [texts.DELIVERY_FAILED]
    session = await bot.storage.get(f"T1:C1:{event['ts']}")
    assert_consistent(session.chat_history)
    assert session.chat_history[-1]["metadata"]["type"] == "error"

    await bot.sender.event(message("bar chart of c 3, d 4", thread_ts=event["ts"]))
    await fake_slack.answered(2)
    [chart] = fake_slack.chart_uploads()
    assert chart.completed is not None and chart.completed["thread_ts"] == event["ts"]


async def test_slack_slower_than_the_client_timeout(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.services, "API_TIMEOUT_SECONDS", 1.0)
    async with running_bot(fake_slack, pool, tmp_path / "data") as running:
        fake_slack.fail("files.completeUploadExternal", delay=2.5)
        event = mention("bar chart of a 1, b 2")
        await running.sender.event(event)
        [final] = await fake_slack.answered(timeout=30)
        assert final.params["name"] == "warning"
        assert texts.DELIVERY_FAILED in fake_slack.posted_texts()
        session = await running.storage.get(f"T1:C1:{event['ts']}")
        assert_consistent(session.chat_history)
        await start_thread(running, fake_slack)


async def test_a_killed_render_worker_is_replaced(fake_slack: FakeSlack, tmp_path: Path) -> None:
    async with WorkerPool(1) as own_pool, running_bot(fake_slack, own_pool, tmp_path / "d") as bot_:
        for pid in own_pool.pids:
            os.kill(pid, signal.SIGKILL)
        event = mention("bar chart of a 1, b 2")
        await bot_.sender.event(event)
        await fake_slack.answered()
        session = await bot_.storage.get(f"T1:C1:{event['ts']}")
        assert_consistent(session.chat_history)
        reply = session.chat_history[-1]
        assert reply["metadata"]["type"] == "chart" or reply["content"] == texts.CHART_FAILED
        await start_thread(bot_, fake_slack)


def _mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)])
    if result.returncode != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")


def _read_only_over(path: Path) -> None:
    """A read-only view of ``path`` on top of it (files already open stay writable, as they
    would when a volume is remounted read-only under a running process)."""
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)


def _fill(disk: Path) -> None:
    subprocess.run(["dd", "if=/dev/zero", f"of={disk / 'filler'}", "bs=64k"], capture_output=True)


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _ping(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


def _writable_again(disk: Path) -> None:
    subprocess.run(["umount", "-l", str(disk)], check=True)


STORAGE_FAULTS = {
    "full": (_fill, lambda disk: (disk / "filler").unlink()),
    "read-only": (_read_only_over, _writable_again),
}


@pytest.mark.parametrize("fault", STORAGE_FAULTS)
async def test_storage_fault(
    fault: str, fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    breaks, mends = STORAGE_FAULTS[fault]
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "4m")
    try:
        async with running_bot(fake_slack, pool, disk / "data") as running:
            root = await start_thread(running, fake_slack)
            await asyncio.to_thread(breaks, disk)
            await running.sender.event(message("make it a pie", thread_ts=root))
            [_, final] = await fake_slack.answered(2)
            assert final.params["name"] == "warning"
            assert fake_slack.posted_texts()[-1] == texts.BUSY

            await asyncio.to_thread(mends, disk)
            await running.sender.event(message("as a line", thread_ts=root))
            await fake_slack.answered(3)
            assert fake_slack.finals()[-1].params["name"] == "white_check_mark"
            session = await running.storage.get(f"T1:C1:{root}")
            assert_consistent(session.chat_history)
            assert [m["metadata"].get("chart_type") for m in session.chat_history[1::2]] == [
                "bar", "line",
            ]  # fmt: skip
    finally:
        for _ in range(2):  # a read-only view if still there, then the tmpfs
            await asyncio.to_thread(subprocess.run, ["umount", "-l", str(disk)])


async def test_a_reply_on_its_way_is_not_sent_again_when_the_apology_fails_too(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    """The chart reaches the thread, then the disk fills (logging it fails) and Slack refuses
    the apology: the claim still names the chart, so Slack's retry does not chart it again."""
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "4m")
    try:
        async with running_bot(fake_slack, pool, disk / "data") as running:
            event = mention("bar chart of a 1, b 2 title: Once")
            fake_slack.fail("files.completeUploadExternal", hold_reply=1.0)  # the chart is in
            # Neither the chart's buttons nor the apology get through.
            fake_slack.fail("chat.postMessage", error="internal_error", times=2)
            await running.sender.event(event, event_id="EvOnce")
            await fake_slack.wait_for("files.completeUploadExternal")
            await asyncio.to_thread(_fill, disk)
            [final] = await fake_slack.answered()
            assert final.params["name"] == "warning"
            assert fake_slack.calls_of("chat.postMessage")  # the apology was tried

            (disk / "filler").unlink()
            await running.sender.event(event, event_id="EvOnce", retry_num=1)
            await fake_slack.quiet(0.5)
            assert [u.completed is not None for u in fake_slack.uploads.values()] == [True]
            assert len(fake_slack.finals()) == 1
    finally:
        await asyncio.to_thread(subprocess.run, ["umount", "-l", str(disk)])


async def test_redis_restarted_mid_run(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> None:
    server = RedisServer().start()
    port, replacement = server.port, None
    try:
        async with running_bot(fake_slack, pool, server.url) as running:
            await start_thread(running, fake_slack)
            server._kill()  # the server goes away (its data with it: no persistence)
            await running.sender.event(mention("bar chart of c 1, d 2"))
            [_, final] = await fake_slack.answered(2)
            assert final.params["name"] == "warning"
            assert fake_slack.posted_texts()[-1] == texts.BUSY

            replacement = await asyncio.to_thread(_start_redis, port)
            root = await start_thread(running, fake_slack)
            session = await running.storage.get(f"T1:C1:{root}")
            assert_consistent(session.chat_history)
    finally:
        if replacement is not None:
            replacement.terminate()
            replacement.wait()
        server.stop()
