"""JSON backend: files under one directory, written with aiofiles.

Every file step runs on aiofiles' executor (storage/files.py), but a new claim's one small write.
Layout (``<sh>`` spreads keys over 256 directories, ``<name>`` is ``safe_name(key)``)::

    chartbot.lock                      flock held by the bot process (holds its pid)
    sessions/<sh>/<name>.json          header: the §5 document without chat_history, plus
                                       how many history bytes/entries are committed
    sessions/<sh>/<name>.jsonl         chat_history, one JSON entry per line, append-only
    locks/<sh>/<name>.lock             per-session flock (bot and admin CLI both take it)
    datasets/<sh>/<name>/<id>.bin      datasets of the session
    preferences/<TEAM:USER>.json       persistent memory, never deleted with sessions
    claims/<sha256>                    dedupe claims: "EXPIRES OWNER STATE" (working, sent,
                                       done), then the note (the job, until done); pruned by
                                       purge()

Why a header plus an append-only history: an append costs the size of the new messages, not of
the whole thread. The header is the commit point: it is replaced atomically (temp + fsync +
os.replace) after the new lines are written and synced, and readers only read as many history
bytes as the header records, so a crash mid-append leaves the previous state; the next append
first truncates any uncommitted tail.
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import errno
import fcntl
import hashlib
import logging
import os
import secrets
import shutil
import time
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiofiles
import aiofiles.os
import orjson

from storage import files
from storage.base import Session, SessionSummary, Storage, StorageError, split_key
from storage.common import (
    UNFINISHED,
    KeyedLocks,
    OrderedTurns,
    check_updates,
    first_words,
    now_iso,
    prepare_messages,
    safe_name,
    shard,
)
from storage.json_index import (
    Corrupt,
    SessionIndex,
    parse_header,
    scan_sessions,
    timestamp,
)

log = logging.getLogger(__name__)

LOCK_FILE = "chartbot.lock"
_rmtree = aiofiles.os.wrap(shutil.rmtree)


class JsonStorage(Storage):
    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        session_ttl: dt.timedelta,
        max_sessions_per_user: int,
        exclusive: bool = True,
        fsync: bool = True,
    ) -> None:
        self.root = Path(root)
        self.session_ttl = session_ttl
        self.max_sessions_per_user = max_sessions_per_user
        self.fsync = fsync
        self._locks = KeyedLocks()  # guards files, in this process
        self._thread_locks = KeyedLocks()  # thread_lock(): one process, so asyncio is enough
        self._turns = OrderedTurns()  # thread_lock(order=ts): the same, lowest ts first
        self._owner = secrets.token_hex(8)  # this process's claims, told apart after a restart
        self._index: SessionIndex | None = None
        self._index_task: asyncio.Future[SessionIndex] | None = None
        self._dirty: set[str] = set()
        self._claims_scanned = False
        self._marks: dict[str, float] = {}  # name → expiry (monotonic): see mark()
        try:  # shard directories are made when first written to
            for part in ("sessions", "locks", "datasets", "preferences", "claims"):
                (self.root / part).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot use {self.root} for storage: {exc.strerror}") from exc
        self._dir_lock = self._lock_directory() if exclusive else None

    # --- paths ----------------------------------------------------------------------------
    def _header_path(self, key: str) -> Path:
        return self.root / "sessions" / shard(key) / f"{safe_name(key)}.json"

    def _history_path(self, key: str) -> Path:
        return self.root / "sessions" / shard(key) / f"{safe_name(key)}.jsonl"

    def _lock_path(self, key: str) -> Path:
        return self.root / "locks" / shard(key) / f"{safe_name(key)}.lock"

    def _datasets_dir(self, key: str) -> Path:
        return self.root / "datasets" / shard(key) / safe_name(key)

    # --- locking --------------------------------------------------------------------------
    def _lock_directory(self) -> int:
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            pid = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise StorageError(f"cannot lock {self.root}: {exc.strerror}") from exc
            raise StorageError(
                f"{self.root} is in use by another Chartbot process (pid {pid}); "
                "use Redis (STORAGE_URL=redis://…) to run several"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd

    @asynccontextmanager
    async def _file_lock(self, path: Path, *, forget: list[bool]) -> AsyncIterator[None]:
        """In-process FIFO lock, then an flock on ``path`` for other processes (the admin CLI).
        Set ``forget[0]`` to unlink the lock file before release (the session is gone)."""
        async with self._locks.hold(str(path)):
            fd = await _flock(path)
            try:
                yield
                if forget[0]:
                    with suppress(FileNotFoundError):
                        os.unlink(path)
            finally:
                os.close(fd)

    def _session_lock(self, key: str, forget: list[bool]) -> AbstractAsyncContextManager[None]:
        return self._file_lock(self._lock_path(key), forget=forget)

    # --- low-level file helpers -----------------------------------------------------------
    async def _write_atomic(self, path: Path, data: bytes) -> None:
        await files.write_atomic(path, data, self.fsync)

    async def _read_header(self, key: str) -> dict[str, Any] | None:
        raw = await files.read_bytes(self._header_path(key))
        return None if raw is None else parse_header(raw, key)

    async def _read_history(
        self, key: str, header: dict[str, Any], limit: int | None
    ) -> list[dict[str, Any]]:
        size, count = header["history_bytes"], header["history_count"]
        if size == 0 or limit == 0:
            return []
        whole = limit is None or limit >= count
        lines = await files.read_lines(self._history_path(key), size, None if whole else limit)
        if lines is None:
            raise Corrupt("history shorter than its header says")
        try:
            entries = [orjson.loads(line) for line in lines]
        except orjson.JSONDecodeError as exc:
            raise Corrupt("history line is not JSON") from exc
        if whole and len(entries) != count:
            raise Corrupt("history entry count differs from its header")
        return entries

    def _expired(self, header: dict[str, Any]) -> bool:
        last_used = timestamp(header["doc"].get("last_used", ""))
        return last_used < time.time() - self.session_ttl.total_seconds()

    async def _move_aside(self, key: str) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for path in (self._header_path(key), self._history_path(key)):
            target = path.with_name(f"{path.name}.{stamp}.corrupt")
            with suppress(FileNotFoundError):
                await aiofiles.os.replace(path, target)
                log.warning("corrupt session file %s moved aside to %s", path, target.name)
        self._index_note(key, None)

    async def _read_header_locked(self, key: str) -> dict[str, Any] | None:
        """The header under the session lock: a corrupt one is moved aside, an expired one
        deleted; either way the session counts as absent."""
        try:
            header = await self._read_header(key)
        except Corrupt:
            await self._move_aside(key)
            return None
        if header is not None and self._expired(header):
            await self._remove_files(key)
            return None
        return header

    async def _remove_files(self, key: str) -> bool:
        """Remove a session's files (caller holds its lock); the header goes first, so readers
        see the session vanish at once. True if it existed."""
        existed = True
        try:
            await aiofiles.os.remove(self._header_path(key))
        except FileNotFoundError:
            existed = False
        with suppress(FileNotFoundError):
            await aiofiles.os.remove(self._history_path(key))
        if await aiofiles.os.path.isdir(self._datasets_dir(key)):
            await _rmtree(self._datasets_dir(key), ignore_errors=True)
        self._index_note(key, None)
        return existed

    # --- sessions -------------------------------------------------------------------------
    async def get(self, key: str, *, history_limit: int | None = None) -> Session | None:
        try:  # lock-free: the header says how much history is committed
            header = await self._read_header(key)
            if header is None or self._expired(header):
                return None
            history = await self._read_history(key, header, history_limit)
        except Corrupt:  # or a write raced us: look again under the lock
            forget = [False]
            async with self._session_lock(key, forget):
                return await self._load_locked(key, history_limit, forget)
        return Session.from_dict({**header["doc"], "chat_history": history})

    async def _load_locked(
        self, key: str, history_limit: int | None, forget: list[bool]
    ) -> Session | None:
        header = await self._read_header_locked(key)
        if header is not None:
            try:
                history = await self._read_history(key, header, history_limit)
                return Session.from_dict({**header["doc"], "chat_history": history})
            except Corrupt:
                await self._move_aside(key)
        forget[0] = True
        return None

    async def get_or_create(
        self, key: str, *, user_id: str, history_limit: int | None = None
    ) -> tuple[Session, bool]:
        team, channel, thread_ts = split_key(key)
        forget = [False]
        async with self._session_lock(key, forget):
            session = await self._load_locked(key, history_limit, forget)
            if session is not None:
                forget[0] = False
                return session, False
            forget[0] = False
            prefs = await self.get_preferences(team, user_id)
            now, _ = now_iso()
            doc = {
                "session_id": key, "team_id": team, "channel_id": channel,
                "thread_ts": thread_ts, "started_by": user_id, "participants": [user_id],
                "style": prefs.get("style") or "default", "created_at": now, "last_used": now,
                "active_dataset": None,
            }  # fmt: skip
            header = {"v": 1, "doc": doc, "history_bytes": 0, "history_count": 0}
            await self._remove_files(key)  # leftovers of a crashed delete must not leak in
            await self._write_atomic(self._header_path(key), orjson.dumps(header))
            self._index_note(key, header)
        await self.enforce_cap(team, user_id, max(1, self.max_sessions_per_user))
        return Session.from_dict({**doc, "chat_history": []}), True

    async def append(
        self, key: str, *messages: dict[str, Any], user_id: str | None = None, **updates: Any
    ) -> bool:
        check_updates(updates)
        now, _ = now_iso()
        entries = prepare_messages(messages, now)
        lines = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        forget = [False]
        async with self._session_lock(key, forget):
            header = await self._read_header_locked(key)
            if header is None:
                forget[0] = True
                return False
            size = header["history_bytes"]
            # new lines go after the committed bytes (a crash's uncommitted tail is dropped)
            if lines and not await files.append_lines(
                self._history_path(key), size, lines, self.fsync
            ):
                await self._move_aside(key)
                forget[0] = True
                return False
            doc = header["doc"]
            doc.update(updates)
            doc["last_used"] = now
            if user_id and user_id not in doc.setdefault("participants", []):
                doc["participants"].append(user_id)
            header["history_bytes"] = size + len(lines)
            header["history_count"] += len(entries)
            if not header.get("first_words"):
                header["first_words"] = first_words(entries) or ""
            await self._write_atomic(self._header_path(key), orjson.dumps(header))
            self._index_note(key, header)
        return True

    async def delete(self, key: str) -> bool:
        forget = [True]
        async with self._session_lock(key, forget):
            return await self._remove_files(key)

    async def _delete_if(self, key: str, cutoff: float | None) -> bool:
        """Delete unless touched at or after ``cutoff`` (checked under the lock)."""
        forget = [False]
        async with self._session_lock(key, forget):
            header = await self._read_header_locked(key)
            if header is None:  # already gone (e.g. deleted by the admin CLI)
                self._index_note(key, None)
                forget[0] = True
                return False
            if cutoff is not None and timestamp(header["doc"].get("last_used", "")) >= cutoff:
                return False
            forget[0] = True
            return await self._remove_files(key)

    async def list(
        self, *, user: str | None = None, team: str | None = None, channel: str | None = None
    ) -> list[SessionSummary]:
        index = await self._ensure_index()
        keys = index.by_user.get(user, set()) if user is not None else index.entries.keys()
        oldest = time.time() - self.session_ttl.total_seconds()
        found: list[tuple[float, SessionSummary]] = []
        for key in list(keys):
            key_team, key_channel, _ = split_key(key)
            if (team and key_team != team) or (channel and key_channel != channel):
                continue
            entry = index.entries[key]
            if entry.last_used_ts < oldest:
                continue
            if not self._header_path(key).exists():  # deleted by another process
                index.drop(key)
                continue
            summary = SessionSummary(
                key=key, started_by=entry.started_by, created_at=entry.created_at,
                last_used=entry.last_used, message_count=entry.message_count,
                participants=list(entry.participants), first_words=entry.first_words,
            )  # fmt: skip
            found.append((entry.last_used_ts, summary))
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [summary for _, summary in found]

    async def purge(self, older_than: dt.timedelta) -> builtins.list[str]:
        cutoff = time.time() - older_than.total_seconds()
        index = await self._ensure_index()
        stale = [key for key, entry in index.entries.items() if entry.last_used_ts < cutoff]
        deleted = [key for key in stale if await self._delete_if(key, cutoff)]
        await self._prune_claims()
        return deleted

    async def enforce_cap(self, team: str, user: str, max_sessions: int) -> builtins.list[str]:
        index = await self._ensure_index()
        mine = [
            (index.entries[key].last_used_ts, key)
            for key in index.by_user.get(user, ())
            if key.startswith(f"{team}:") and index.entries[key].started_by == user
        ]
        mine.sort(reverse=True)
        return [key for _, key in mine[max(0, max_sessions) :] if await self.delete(key)]

    # --- the in-memory index ----------------------------------------------------------------
    def _index_note(self, key: str, header: dict[str, Any] | None) -> None:
        if self._index is not None:
            if header is None:
                self._index.drop(key)
            else:
                self._index.put(key, header)
        elif self._index_task is not None:
            self._dirty.add(key)  # the scan may have read an older state: re-read it after

    async def _ensure_index(self) -> SessionIndex:
        if self._index is not None:
            return self._index
        if self._index_task is None:
            self._dirty = set()
            self._index_task = asyncio.ensure_future(self._build_index())
        task = self._index_task
        try:
            return await asyncio.shield(task)
        except Exception:
            if task.done() and self._index_task is task:
                self._index_task = None  # a failed scan is tried again by the next caller
            raise

    async def _build_index(self) -> SessionIndex:
        index = await asyncio.to_thread(scan_sessions, self.root / "sessions")
        for key in self._dirty:
            try:
                header = parse_header(self._header_path(key).read_bytes(), key)
                index.put(key, header)
            except (FileNotFoundError, Corrupt):
                index.drop(key)
        self._index, self._dirty = index, set()
        return index

    # --- datasets -------------------------------------------------------------------------
    async def put_dataset(self, key: str, dataset_id: str, data: bytes) -> None:
        """Store a dataset of an existing session (ignored if the session is gone)."""
        forget = [False]
        async with self._session_lock(key, forget):
            if await self._read_header_locked(key) is None:
                forget[0] = True
                return
            folder = self._datasets_dir(key)
            await aiofiles.os.makedirs(folder, exist_ok=True)
            await self._write_atomic(folder / f"{safe_name(dataset_id)}.bin", data)

    async def get_dataset(self, key: str, dataset_id: str) -> bytes | None:
        if not await self._session_alive(key):
            return None
        return await files.read_bytes(self._datasets_dir(key) / f"{safe_name(dataset_id)}.bin")

    async def list_datasets(self, key: str) -> builtins.list[str]:
        if not await self._session_alive(key):
            return []
        try:
            names = await aiofiles.os.listdir(self._datasets_dir(key))
        except FileNotFoundError:
            return []
        return sorted(
            urllib.parse.unquote(name[: -len(".bin")]) for name in names if name.endswith(".bin")
        )

    async def _session_alive(self, key: str) -> bool:
        try:
            header = await self._read_header(key)
        except Corrupt:
            return False
        return header is not None and not self._expired(header)

    # --- preferences ----------------------------------------------------------------------
    def _prefs_path(self, team: str, user: str) -> Path:
        return self.root / "preferences" / f"{safe_name(f'{team}:{user}')}.json"

    async def get_preferences(self, team: str, user: str) -> dict[str, Any]:
        path = self._prefs_path(team, user)
        raw = await files.read_bytes(path)
        if raw is None:
            return {}
        try:
            prefs = orjson.loads(raw)
        except orjson.JSONDecodeError:
            prefs = None
        if not isinstance(prefs, dict):
            target = path.with_name(f"{path.name}.{time.strftime('%Y%m%dT%H%M%S')}.corrupt")
            with suppress(FileNotFoundError):
                await aiofiles.os.replace(path, target)
                log.warning("corrupt preferences file %s moved aside to %s", path, target.name)
            return {}
        return prefs

    async def set_preferences(self, team: str, user: str, **prefs: Any) -> None:
        """Merge ``prefs`` into the user's preferences; a value of None removes that key."""
        path = self._prefs_path(team, user)
        async with self._file_lock(path.with_suffix(".lock"), forget=[False]):
            merged = {**await self.get_preferences(team, user), **prefs}
            merged = {name: value for name, value in merged.items() if value is not None}
            await self._write_atomic(path, orjson.dumps(merged))

    # --- claims and thread locks ----------------------------------------------------------
    def _claim_path(self, token: str) -> Path:
        return self.root / "claims" / hashlib.sha256(token.encode()).hexdigest()[:40]

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
        """Claim files hold ``EXPIRES OWNER STATE``, then the note on a second line. One bot
        process owns the directory, so an unfinished claim of another owner was left by a
        process that is gone: take it over (keeping its state). A new claim is written inline:
        it is taken before Slack's acknowledgement, and one small write costs less than the
        executor hop (a burst of them would queue there, behind each other)."""
        path, expires = self._claim_path(token), time.time() + ttl_seconds
        taken = files.create_exclusive_now(path, self._claim_file(token, expires, "working", note))
        if not taken:
            taken = await self._take_over(token, path, expires, note, resume)
        if taken and thread is not None and order is not None:
            self._turns.reserve(thread, order, token)
        return taken

    async def _take_over(
        self, token: str, path: Path, expires: float, note: dict[str, Any] | None, resume: bool
    ) -> bool:
        takeable = UNFINISHED if resume else ("working",)
        async with self._locks.hold(f"claim:{token}"):  # two deliveries, one takeover
            until, owner, state = await _read_claim(path)
            if until > time.time():
                if owner in ("", self._owner) or state not in takeable:
                    return False
            else:
                state = "working"
            await self._write_atomic(path, self._claim_file(token, expires, state, note))
            return True

    async def finish(self, token: str) -> None:
        await self._restate(token, "done")
        await self._turns.forget(token)

    async def settle(self, token: str, note: dict[str, Any]) -> None:
        await self._restate(token, "sent", note)

    async def renote(self, token: str, note: dict[str, Any]) -> None:
        path = self._claim_path(token)
        expires, owner, state = await _read_claim(path)  # read once: state and expiry kept
        if expires and owner == self._owner and state in UNFINISHED:
            await self._write_atomic(path, self._claim_file(token, expires, state, note))

    async def _restate(self, token: str, state: str, note: dict[str, Any] | None = None) -> None:
        """Rewrite this process's claim with ``state`` and ``note``."""
        path = self._claim_path(token)
        expires, _, _ = await _read_claim(path)
        if expires:
            await self._write_atomic(path, self._claim_file(token, expires, state, note))

    def _claim_file(
        self, token: str, expires: float, state: str, note: dict[str, Any] | None
    ) -> bytes:
        head = f"{expires:.3f} {self._owner} {state}".encode()
        if note is None:
            return head
        return head + b"\n" + orjson.dumps({"token": token, "note": note})

    async def unfinished(self) -> builtins.list[tuple[str, dict[str, Any]]]:
        if self._claims_scanned:  # only this process has written claims here since
            return []
        found, now = [], time.time()
        for name in await aiofiles.os.listdir(self.root / "claims"):
            if name.startswith("."):
                continue
            parts, noted = _claim_fields(await files.read_bytes(self.root / "claims" / name))
            unfinished = len(parts) == 3 and parts[2] in UNFINISHED
            if not noted or not unfinished or parts[1] == self._owner:
                continue
            try:
                if float(parts[0]) <= now:
                    continue
                saved = orjson.loads(noted)
                found.append((saved["token"], saved["note"]))
            except (ValueError, KeyError, TypeError):
                log.warning("unreadable note in claim file %s: its work is not resumed", name)
        self._claims_scanned = self._dir_lock is not None
        return found

    async def release(self, token: str) -> None:
        with suppress(FileNotFoundError):
            await aiofiles.os.remove(self._claim_path(token))
        await self._turns.forget(token)

    async def _prune_claims(self) -> None:
        now = time.time()
        for name in await aiofiles.os.listdir(self.root / "claims"):
            path = self.root / "claims" / name
            with suppress(FileNotFoundError):
                if name.startswith("."):  # a temporary file: only if a crash left it behind
                    expired = (await aiofiles.os.stat(path)).st_mtime < now - 3600
                else:
                    expired = await _claim_expiry(path) <= now
                if expired:
                    await aiofiles.os.remove(path)

    async def mark(self, name: str, seconds: float) -> None:
        """Held in memory: one bot process owns a JSON directory, so it is every process on
        this storage (a restart forgets the marks)."""
        self._marks[name] = time.monotonic() + seconds

    async def marked(self, name: str) -> bool:
        expiry = self._marks.get(name)
        if expiry is not None and expiry <= time.monotonic():
            del self._marks[name]
            expiry = None
        return expiry is not None

    def thread_lock(
        self, key: str, order: str | None = None, claim: str | None = None
    ) -> AbstractAsyncContextManager[None]:
        if order is not None:
            return self._turns.turn(key, order, place=claim)
        return self._thread_locks.hold(key)

    async def close(self) -> None:
        if self._index_task is not None and not self._index_task.done():
            self._index_task.cancel()
        if self._dir_lock is not None:
            os.close(self._dir_lock)
            self._dir_lock = None


async def _flock(path: Path) -> int:
    """An exclusive flock on ``path``, polled so the event loop never blocks. The file may be
    unlinked by a holder deleting the session: then it is not the lock any more, so retry."""
    delay = 0.0005
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # the shard directory's first use
            path.parent.mkdir(parents=True, exist_ok=True)
            continue
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 0.02)
            try:
                current = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
        except BaseException:
            os.close(fd)
            raise
        if current:
            return fd
        os.close(fd)


async def _claim_expiry(path: Path) -> float:
    return (await _read_claim(path))[0]


async def _read_claim(path: Path) -> tuple[float, str, str]:
    """(expires, owner, state) of a claim file; one being written right now (empty) counts as
    fresh and in progress here; a missing one as expired."""
    raw = await files.read_bytes(path)
    if raw is None:
        return 0.0, "", ""
    parts, _ = _claim_fields(raw)
    try:
        expires = float(parts[0]) if parts else time.time() + 600
    except ValueError:
        try:
            expires = (await aiofiles.os.stat(path)).st_mtime + 600
        except FileNotFoundError:
            return 0.0, "", ""
    owner = parts[1] if len(parts) > 1 else ""
    state = parts[2] if len(parts) > 2 else "working"
    return expires, owner, state


def _claim_fields(raw: bytes | None) -> tuple[list[str], bytes]:
    """A claim file's first line as its fields (``EXPIRES OWNER STATE``), and its note."""
    head, _, note = (raw or b"").partition(b"\n")
    return head.decode(errors="replace").split(), note
