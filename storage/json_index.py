"""The JSON backend's session header format and its in-memory index (list, purge, cap)."""

from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson


class Corrupt(Exception):
    """A session's files do not make a valid document (or changed under a lock-free read)."""


@dataclass(slots=True)
class IndexEntry:
    started_by: str
    created_at: str
    last_used: str
    last_used_ts: float
    message_count: int
    participants: list[str]
    first_words: str


@dataclass
class SessionIndex:
    """What list/purge/cap need, kept in memory: built once by a scan, then kept current by
    this process's own writes (entries deleted by another process are dropped when seen)."""

    entries: dict[str, IndexEntry] = field(default_factory=dict)
    by_user: dict[str, set[str]] = field(default_factory=dict)

    def put(self, key: str, header: dict[str, Any]) -> None:
        self.drop(key)
        doc = header["doc"]
        entry = IndexEntry(
            started_by=doc.get("started_by", ""),
            created_at=doc.get("created_at", ""),
            last_used=doc.get("last_used", ""),
            last_used_ts=timestamp(doc.get("last_used", "")),
            message_count=header["history_count"],
            participants=list(doc.get("participants", [])),
            first_words=header.get("first_words", ""),
        )
        self.entries[key] = entry
        for user in entry.participants:
            self.by_user.setdefault(user, set()).add(key)

    def drop(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        for user in entry.participants if entry else ():
            keys = self.by_user.get(user)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_user[user]


def timestamp(iso: str) -> float:
    try:
        return dt.datetime.fromisoformat(iso).timestamp()
    except (TypeError, ValueError):
        return 0.0


def parse_header(raw: bytes, key: str) -> dict[str, Any]:
    try:
        header = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Corrupt("header is not JSON") from exc
    return check_header(header, key)


def check_header(header: Any, key: str) -> dict[str, Any]:
    ok = (
        isinstance(header, dict)
        and isinstance(header.get("doc"), dict)
        and header["doc"].get("session_id") == key
        and isinstance(header.get("history_bytes"), int)
        and isinstance(header.get("history_count"), int)
    )
    if not ok:
        raise Corrupt("header lacks the session fields")
    return header


def scan_sessions(sessions_dir: Path) -> SessionIndex:
    """Read every header once (in a worker thread); leftovers of crashed writes go."""
    index = SessionIndex()
    stale_tmp = time.time() - 3600
    for shard_dir in sorted(path for path in sessions_dir.iterdir() if path.is_dir()):
        for entry in os.scandir(shard_dir):
            if entry.name.startswith("."):
                # Writes go on while the index is built: a fresh .tmp may be renamed away.
                with suppress(OSError):
                    if entry.name.endswith(".tmp") and entry.stat().st_mtime < stale_tmp:
                        os.unlink(entry.path)
                continue
            if not entry.name.endswith(".json"):
                continue
            try:
                header = orjson.loads(Path(entry.path).read_bytes())
                key = header["doc"]["session_id"]
                index.put(key, check_header(header, key))
            except (OSError, orjson.JSONDecodeError, KeyError, TypeError, Corrupt):
                continue  # vanished, or corrupt: moved aside when next accessed
    return index
