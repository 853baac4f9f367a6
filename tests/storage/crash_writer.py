"""A writer to kill: ``python -m tests.storage.crash_writer DIR`` imports everything once, then
forks one writer per ``go`` line on stdin (answering with its pid; the writer says
``ready`` when it starts appending) and reaps it on ``reap``.
Forking keeps 100 kill-and-restart rounds down to a few seconds."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys

import storage.json_backend  # noqa: F401 - imported once here, not in every forked writer
from storage import open_storage

KEYS = [f"T1:C1:{n}.0" for n in range(3)]


async def write_forever(root: str) -> None:
    """Append numbered messages to three sessions, each carrying its number in the header too
    (``active_dataset``), and note every acknowledged append in ``acked.log``."""
    storage = await open_storage(root, session_ttl=dt.timedelta(days=1), max_sessions_per_user=9)
    acked = os.open(os.path.join(root, "acked.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    counts = {}
    for key in KEYS:
        session, _ = await storage.get_or_create(key, user_id="U1", history_limit=1)
        history = session.chat_history
        counts[key] = int(history[-1]["content"]) + 1 if history else 0
    os.write(1, b"ready\n")  # the test kills only once appends are under way
    n = os.getpid()  # start with a different session each time
    zygote = os.getppid()
    while os.getppid() == zygote:  # an orphan (the test died mid-round) stops writing
        key = KEYS[n % len(KEYS)]
        seq = counts[key]
        message = {"role": "user", "content": str(seq), "metadata": {"type": "text"}}
        await storage.append(key, message, user_id="U1", active_dataset=f"F{seq}")
        os.write(acked, f"{key} {seq}\n".encode())
        counts[key] += 1
        n += 1


def main() -> None:
    root = sys.argv[1]
    child = 0
    for line in sys.stdin:
        if line.strip() == "go":
            child = os.fork()
            if child == 0:
                try:
                    asyncio.run(write_forever(root))
                finally:
                    os._exit(1)
            print(child, flush=True)
        elif line.strip() == "reap" and child:
            os.waitpid(child, 0)
            print("reaped", flush=True)
            child = 0
    if child:  # the test ended mid-round (a failure or a timeout): no writer outlives it
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


if __name__ == "__main__":
    main()
