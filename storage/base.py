"""The storage contract: sessions (PRODUCT.md §5), datasets, preferences, and the claim/lock
primitives the Slack layer needs. Both backends implement ``Storage``; one contract test suite
runs against both.
"""

from __future__ import annotations

import builtins
import datetime as dt
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

SESSION_FIELDS = (
    "session_id", "team_id", "channel_id", "thread_ts", "started_by", "participants", "style",
    "created_at", "last_used", "active_dataset", "chat_history",
)  # fmt: skip


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def isoformat(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def session_key(team_id: str, channel_id: str, thread_ts: str) -> str:
    """``TEAM:CHANNEL:THREAD_TS`` (PRODUCT.md §3)."""
    return f"{team_id}:{channel_id}:{thread_ts}"


def split_key(key: str) -> tuple[str, str, str]:
    team, channel, thread_ts = key.split(":", 2)
    return team, channel, thread_ts


@dataclass
class Session:
    """The session document of PRODUCT.md §5; unknown fields ride along in ``extra``."""

    session_id: str
    team_id: str
    channel_id: str
    thread_ts: str
    started_by: str
    participants: list[str] = field(default_factory=list)
    style: str = "default"
    created_at: str = ""
    last_used: str = ""
    active_dataset: str | None = None
    chat_history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        doc = {name: getattr(self, name) for name in SESSION_FIELDS}
        return {**self.extra, **doc}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Session:
        known = {name: doc[name] for name in SESSION_FIELDS if name in doc}
        extra = {k: v for k, v in doc.items() if k not in SESSION_FIELDS}
        return cls(**known, extra=extra)


@dataclass
class SessionSummary:
    """One line of ``sessions list``."""

    key: str
    started_by: str
    created_at: str
    last_used: str
    message_count: int
    participants: list[str] = field(default_factory=list)
    first_words: str = ""  # the first user message, shortened (for /newchat confirmations)


class StorageError(RuntimeError):
    """Storage cannot be used (e.g. another process holds the JSON directory)."""


class Storage(ABC):
    """Async storage for sessions, datasets and preferences.

    Messages are dicts shaped as the entries of ``chat_history`` in §5
    (role, content, timestamp, metadata).
    """

    # --- sessions -------------------------------------------------------------------------
    @abstractmethod
    async def get(self, key: str, *, history_limit: int | None = None) -> Session | None:
        """The session, or None. ``history_limit`` keeps only the newest N history entries
        (what a request needs), so very long threads stay cheap to load."""

    @abstractmethod
    async def get_or_create(
        self, key: str, *, user_id: str, history_limit: int | None = None
    ) -> tuple[Session, bool]:
        """The session and whether it was created now. A new session takes the starter's
        preferred style, and the starter's oldest sessions beyond the per-user cap are deleted.
        ``history_limit`` as in ``get``."""

    @abstractmethod
    async def append(
        self, key: str, *messages: dict[str, Any], user_id: str | None = None, **updates: Any
    ) -> bool:
        """Append messages atomically, touch ``last_used``, add ``user_id`` to participants,
        and set top-level fields given in ``updates`` (e.g. ``active_dataset``, ``style``).
        Messages without a ``timestamp`` get the current time. Returns False (and stores
        nothing) when the session does not exist (any more), e.g. after ``/newchat``."""

    @abstractmethod
    async def delete(self, key: str) -> bool:
        """Delete the session with its datasets; True if it existed."""

    @abstractmethod
    async def list(
        self, *, user: str | None = None, team: str | None = None, channel: str | None = None
    ) -> list[SessionSummary]:
        """Sessions (a user's: those they took part in), most recently used first."""

    @abstractmethod
    async def purge(self, older_than: dt.timedelta) -> builtins.list[str]:
        """Delete sessions whose ``last_used`` is older than ``older_than``; their keys."""

    @abstractmethod
    async def enforce_cap(self, team: str, user: str, max_sessions: int) -> builtins.list[str]:
        """Delete the user's least recently used sessions beyond ``max_sessions`` (the
        sessions the user started in that team); their keys."""

    # --- datasets (opaque bytes, deleted with their session) -------------------------------
    @abstractmethod
    async def put_dataset(self, key: str, dataset_id: str, data: bytes) -> None: ...

    @abstractmethod
    async def get_dataset(self, key: str, dataset_id: str) -> bytes | None: ...

    @abstractmethod
    async def list_datasets(self, key: str) -> builtins.list[str]: ...

    # --- preferences (persistent memory, per TEAM:USER; never deleted with sessions) -------
    @abstractmethod
    async def get_preferences(self, team: str, user: str) -> dict[str, Any]: ...

    @abstractmethod
    async def set_preferences(self, team: str, user: str, **prefs: Any) -> None: ...

    # --- marks: short-lived facts the bot's processes share ------------------------------
    @abstractmethod
    async def mark(self, name: str, seconds: float) -> None:
        """Remember ``name`` for ``seconds`` (e.g. that a workspace refused a kind of
        message), for every process on this storage."""

    @abstractmethod
    async def marked(self, name: str) -> bool:
        """Whether ``name`` was marked and has not expired yet."""

    # --- primitives for the Slack layer --------------------------------------------------
    @abstractmethod
    async def claim(
        self,
        token: str,
        ttl_seconds: float,
        note: dict[str, Any] | None = None,
        *,
        resume: bool = False,
        thread: str | None = None,
        order: str | None = None,
    ) -> bool:
        """True the first time ``token`` is claimed within ``ttl_seconds`` (across processes
        sharing this storage); False afterwards, while the claim's work is in progress in a
        live process or finished. A claim left unfinished by a process that died (a crash or
        a restart) before ``settle`` may be taken over, so a retry of that work is still
        answered; a settled one only with ``resume`` (by whoever checks first whether its
        reply arrived). A ``note`` (JSON values) saying what the work is stays with the claim
        until ``finish`` or ``release``: ``unfinished`` hands it to whoever resumes the work.
        With ``thread`` and ``order`` (a Slack ts), a claim taken also takes its place in that
        thread's turns, in the same step: from then on a later message of the thread, in any
        process, waits for it in ``thread_lock(thread, order, claim=token)``. The place lasts
        until that turn is taken or the claim is finished, released or expires; a process
        dying keeps it for whoever resumes the claim."""

    @abstractmethod
    async def renote(self, token: str, note: dict[str, Any]) -> None:
        """Replace the note of this process's unfinished claim, its state unchanged (e.g. to
        say that the work has started)."""

    @abstractmethod
    async def settle(self, token: str, note: dict[str, Any]) -> None:
        """A reply is on its way: from here on, redoing the work could repeat it. ``note``
        replaces the claim's note and must say how to tell whether the reply arrived."""

    @abstractmethod
    async def unfinished(self) -> builtins.list[tuple[str, dict[str, Any]]]:
        """(token, note) of the noted claims whose process died before finishing them, settled
        or not; ``claim(token, ..., resume=True)`` takes one over."""

    @abstractmethod
    async def finish(self, token: str) -> None:
        """Mark a claim's work as done: it is never taken over, even after a restart."""

    @abstractmethod
    async def release(self, token: str) -> None:
        """Forget a claim (work that never started may be claimed again by a retry)."""

    @abstractmethod
    def thread_lock(
        self, key: str, order: str | None = None, claim: str | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Mutual exclusion per thread (across processes on Redis). Waiters that give an
        ``order`` (a Slack ts) get their turns lowest first among those waiting; a ``claim``
        that reserved its place (see ``claim``) waits there."""

    async def close(self) -> None:  # noqa: B027 - backends override when they hold resources
        """Release files, locks and connections."""
