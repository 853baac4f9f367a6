"""Helpers both backends share: per-key asyncio locks, safe file names, message preparation."""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from storage.base import isoformat, utcnow

# Fields an ``append(**updates)`` may not change: identity, bookkeeping and the history itself.
PROTECTED_FIELDS = frozenset(
    {"session_id", "team_id", "channel_id", "thread_ts", "started_by", "participants",
     "created_at", "last_used", "chat_history"}
)  # fmt: skip
FIRST_WORDS_CHARS = 80
# Claim states whose work may be taken over once their process is gone ("sent" only by a resumer,
# who looks first for the reply that was on its way); "done" never is.
UNFINISHED = ("working", "sent")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_MAX_NAME = 150


class KeyedLocks:
    """One FIFO ``asyncio.Lock`` per key, forgotten when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, list[Any]] = {}  # key -> [lock, users]

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]


class OrderedTurns:
    """Per-key turns in this process: one holder at a time, lowest ``order`` first among the
    waiters (Slack ts strings order correctly once their integer part is padded). A place can
    be reserved ahead of the wait (``reserve``): a claimed message holds its place in the
    thread from its acknowledgement on, so a later message cannot overtake it."""

    def __init__(self) -> None:
        self._waiting: dict[str, list[tuple[str, str]]] = {}  # key -> heap of (rank, place)
        self._places: dict[str, str] = {}  # place -> key, while it waits
        self._busy: set[str] = set()
        self._changed = asyncio.Condition()
        self._anonymous = itertools.count()

    def reserve(self, key: str, order: str, place: str) -> None:
        """Queue ``place`` (e.g. a claim token) for ``key`` now; ``turn(..., place=)`` waits
        in it, ``forget`` gives it up."""
        if place not in self._places:
            self._places[place] = key
            heapq.heappush(self._waiting.setdefault(key, []), (sortable_ts(order), place))

    async def forget(self, place: str) -> None:
        key = self._places.get(place)
        if key is not None:
            async with self._changed:
                self._leave(key, place)

    @asynccontextmanager
    async def turn(self, key: str, order: str, place: str | None = None) -> AsyncIterator[None]:
        if place is None or self._places.get(place) != key:
            place = place or f"~{next(self._anonymous)}"
            self.reserve(key, order, place)
        async with self._changed:
            try:
                await self._changed.wait_for(
                    lambda: key not in self._busy and self._waiting[key][0][1] == place
                )
            except BaseException:
                self._leave(key, place)
                raise
            heapq.heappop(self._waiting[key])
            del self._places[place]
            self._busy.add(key)
        try:
            yield
        finally:
            async with self._changed:
                self._busy.discard(key)
                self._drop_if_idle(key)
                self._changed.notify_all()

    def _leave(self, key: str, place: str) -> None:
        """Give up a waiting place (the condition's lock held)."""
        self._places.pop(place, None)
        heap = self._waiting[key]
        heap[:] = [entry for entry in heap if entry[1] != place]
        heapq.heapify(heap)
        self._drop_if_idle(key)
        self._changed.notify_all()

    def _drop_if_idle(self, key: str) -> None:
        if key not in self._busy and not self._waiting.get(key, True):
            del self._waiting[key]


def sortable_ts(ts: str) -> str:
    seconds, _, fraction = ts.partition(".")
    return f"{seconds:>012}.{fraction:<06}"


def safe_name(key: str) -> str:
    """A reversible, file-system-safe name for a key (``:`` and ``.`` are escaped);
    very long keys are shortened with a hash so names stay within file-name limits."""
    name = _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), key)
    if len(name) > _MAX_NAME:
        name = name[:100] + "~" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return name


def shard(key: str) -> str:
    """Two hex digits spreading sessions over 256 directories."""
    return hashlib.sha1(key.encode()).hexdigest()[:2]


def prepare_messages(messages: tuple[dict[str, Any], ...], now: str) -> list[dict[str, Any]]:
    """Copies of the messages, each with a timestamp (the given one wins)."""
    return [m if "timestamp" in m else {**m, "timestamp": now} for m in messages]


def check_updates(updates: dict[str, Any]) -> None:
    bad = sorted(PROTECTED_FIELDS & updates.keys())
    if bad:
        raise ValueError(f"append() cannot set {', '.join(bad)}")


def first_words(messages: list[dict[str, Any]]) -> str | None:
    """The start of the first user message, for /newchat confirmations."""
    for message in messages:
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            words = " ".join(message["content"].split())
            if len(words) > FIRST_WORDS_CHARS:
                words = words[: FIRST_WORDS_CHARS - 1].rstrip() + "…"
            return words
    return None


def now_iso() -> tuple[str, float]:
    moment = utcnow()
    return isoformat(moment), moment.timestamp()
