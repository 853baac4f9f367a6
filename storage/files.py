"""File steps of the JSON backend, each run as one call on aiofiles' executor.

aiofiles hands every call (open, write, flush, fsync, close …) to a worker thread, ~0.1 ms each
on a small machine; doing a whole step (e.g. write + fsync + rename) in one hand-off keeps an
append at three hops instead of fifteen. A new claim is the exception: written inline, before
Slack's acknowledgement, where a burst of hops would queue behind each other.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path
from typing import IO

import aiofiles.os

CHUNK = 64 * 1024


def _create(path: Path, mode: str) -> IO[bytes]:
    """Open a new file for writing, making its directory on first use (directories are made
    lazily: a fresh store costs no up-front work)."""
    try:
        return open(path, mode)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, mode)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_atomic(path: Path, data: bytes, fsync: bool) -> None:
    """Temporary file (+ fsync) + os.replace: readers see the old or the new content, never a
    torn one, even if the process dies mid-write."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with _create(tmp, "wb") as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``; False if it already exists (the first creator wins)."""
    try:
        with _create(path, "xb") as f:
            f.write(data)
    except FileExistsError:
        return False
    return True


def _append_lines(path: Path, committed: int, lines: bytes, fsync: bool) -> bool:
    """Append after the first ``committed`` bytes, dropping any uncommitted tail a crash left.
    False if the file is shorter than ``committed`` (it was damaged)."""
    with open(path, "ab") as f:
        size = os.fstat(f.fileno()).st_size
        if size < committed:
            return False
        if size > committed:
            f.truncate(committed)
        f.write(lines)
        f.flush()
        if fsync:
            os.fdatasync(f.fileno())
    return True


def _read_lines(path: Path, size: int, limit: int | None) -> list[bytes] | None:
    """The complete lines within the first ``size`` bytes; only the last ``limit`` of them if
    given (read backwards in chunks, so a long history is not read whole). None if the file is
    missing or shorter than ``size``."""
    try:
        with open(path, "rb") as f:
            if limit is None:
                buf = f.read(size)
                if len(buf) != size:
                    return None
            else:
                buf, pos = b"", size
                while pos > 0 and buf.count(b"\n") <= limit:
                    step = min(CHUNK, pos)
                    pos -= step
                    f.seek(pos)
                    chunk = f.read(step)
                    if len(chunk) != step:
                        return None
                    buf = chunk + buf
    except FileNotFoundError:
        return None
    lines = buf.split(b"\n")
    if lines[-1] != b"":
        return None
    return lines[:-1] if limit is None else lines[-limit - 1 : -1]


read_bytes = aiofiles.os.wrap(_read_bytes)
write_atomic = aiofiles.os.wrap(_write_atomic)
create_exclusive_now = _create_exclusive  # inline: a write too small to be worth the hop
append_lines = aiofiles.os.wrap(_append_lines)
read_lines = aiofiles.os.wrap(_read_lines)
