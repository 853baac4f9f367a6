"""kill -9 at random points never leaves a torn session: every session loads and holds a prefix
of what was written, including everything whose append had returned."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from storage import open_storage
from tests.storage.crash_writer import KEYS

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 100


def test_sigkill_mid_append_leaves_a_prefix(tmp_path: Path) -> None:
    zygote = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", str(tmp_path)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(1234)
    try:
        for _ in range(ROUNDS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            replies = {zygote.stdout.readline().strip() for _ in range(2)}  # pid and "ready"
            replies.discard("ready")
            pid = int(replies.pop())
            time.sleep(rng.uniform(0, 0.03))
            os.kill(pid, signal.SIGKILL)
            zygote.stdin.write("reap\n")
            zygote.stdin.flush()
            assert zygote.stdout.readline().strip() == "reaped"
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)

    acked: dict[str, int] = dict.fromkeys(KEYS, -1)
    for line in (tmp_path / "acked.log").read_text().splitlines():
        key, _, seq = line.partition(" ")
        if key in acked and seq.isdigit():  # the last line may be torn by the kill
            acked[key] = max(acked[key], int(seq))
    assert all(seq >= 0 for seq in acked.values())  # the writer made progress between kills

    import asyncio

    async def check() -> None:
        storage = await open_storage(
            str(tmp_path), session_ttl=dt.timedelta(days=1), max_sessions_per_user=9
        )
        try:
            for key in KEYS:
                session = await storage.get(key)
                assert session is not None
                contents = [m["content"] for m in session.chat_history]
                assert contents == [str(n) for n in range(len(contents))]
                assert len(contents) > acked[key]
                assert session.active_dataset == f"F{len(contents) - 1}"
        finally:
            await storage.close()

    asyncio.run(check())
    assert list(tmp_path.glob("sessions/*/*.corrupt")) == []
