"""Redis backend (``redis.asyncio``): the same document as the JSON backend, shared by several
bot processes.

Keys (prefix ``chartbot:``)::

    s:KEY               hash: "f:<field>" → JSON value of a §5 field; "m:…" bookkeeping
    h:KEY               list: chat_history entries (JSON)
    p:KEY               list: participants, in order of arrival
    d:KEY               hash: dataset id → bytes
    i:all               zset: every session, scored by last_used (purge, ordering)
    i:chan:TEAM:CHAN    set: sessions of a channel
    i:user:USER         set: sessions a user took part in (list --user, /newchat)
    i:start:TEAM:USER   set: sessions a user started (the per-user cap)
    prefs:TEAM:USER     hash: preference → JSON value (no expiry)
    claim:TOKEN         dedupe claims (SET NX PX);  lock:KEY  thread locks ("OWNER.TOKEN")
    q:KEY               zset: a thread's turns by Slack ts (claimed messages and waiters)
    note:TOKEN          a claim's note (JSON), until done;  notes  set: tokens with one

Every write that changes a session is one Lua script, so it is atomic and refreshes the expiry
of all the session's keys together. An append touches one index (i:all, O(log n)); the
membership sets change only when a session starts, gains a participant or goes. Index entries
of sessions Redis expired are removed when a listing, the cap or purge() comes across them.
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import logging
import secrets
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from storage.base import Session, SessionSummary, Storage, StorageError, split_key
from storage.common import (
    UNFINISHED,
    KeyedLocks,
    check_updates,
    first_words,
    now_iso,
    prepare_messages,
)

log = logging.getLogger(__name__)

PREFIX = "chartbot:"
LOCK_LEASE_MS = 30_000  # a crashed holder blocks its thread at most this long
LOCK_REFRESH_S = 10.0
HEARTBEAT_MS = 15_000  # a dead process's claims and queued turns are taken over after this

_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'm:starter', ARGV[4], 'm:start_index', KEYS[7], unpack(ARGV, 5))
redis.call('RPUSH', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
for k = 6, 8 do redis.call('SADD', KEYS[k], ARGV[1]) end
return 1
"""

_APPEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local prefix, key, score, ttl, uid = ARGV[1], ARGV[2], ARGV[4], ARGV[5], ARGV[6]
redis.call('HSET', KEYS[1], 'f:last_used', ARGV[3])
if uid ~= '' and not redis.call('LPOS', KEYS[3], uid) then
  redis.call('RPUSH', KEYS[3], uid)
  redis.call('SADD', prefix .. 'i:user:' .. uid, key)
end
if ARGV[7] ~= '' then redis.call('HSETNX', KEYS[1], 'm:first_words', ARGV[7]) end
local i = 9
for _ = 1, tonumber(ARGV[8]) do
  redis.call('HSET', KEYS[1], 'f:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
for j = i, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[j]) end
for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], ttl) end
redis.call('ZADD', KEYS[5], score, key)
return 1
"""

_DELETE = """
if ARGV[3] ~= '' then
  local score = redis.call('ZSCORE', KEYS[5], ARGV[2])
  if score and tonumber(score) >= tonumber(ARGV[3]) then return 0 end
end
local existed = redis.call('EXISTS', KEYS[1])
local start = redis.call('HGET', KEYS[1], 'm:start_index')
if start then redis.call('SREM', start, ARGV[2]) end
for _, user in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
  redis.call('SREM', ARGV[1] .. 'i:user:' .. user, ARGV[2])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('SREM', KEYS[6], ARGV[2])
return existed
"""

_PUT_DATASET = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


# Claims hold "OWNER STATE" (working, sent, done). An unfinished claim whose owner's heartbeat key
# is gone was left by a process that died: it is taken over (its state kept), so Slack's retry of
# that message is still answered; a "sent" one only by a resumer (ARGV[6]), who looks first for
# the reply that was on its way.
_CLAIM = """
local state = 'working'
local current = redis.call('GET', KEYS[1])
if current then
  local owner, held = string.match(current, '^(%S+) (%S+)$')
  if not (held == 'working' or (held == 'sent' and ARGV[6] == '1'))
      or owner == ARGV[1] or redis.call('EXISTS', ARGV[3] .. owner) == 1 then
    return 0
  end
  state = held
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. state, 'PX', ARGV[2])
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[5])
end
if ARGV[7] ~= '' then
  redis.call('ZADD', KEYS[4], ARGV[7], 'c:' .. ARGV[5])
  if redis.call('PTTL', KEYS[4]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[4], ARGV[2])
  end
end
return 1
"""

_SETTLE = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ' sent', 'PX', ttl)
redis.call('SET', KEYS[2], ARGV[3], 'PX', ttl)
redis.call('SADD', KEYS[3], ARGV[2])
return 1
"""

_RENOTE = """
local current = redis.call('GET', KEYS[1])
if not current or string.match(current, '^(%S+) ') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
return 1
"""

_FINISH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[1], ARGV[1] .. ' done', 'KEEPTTL')
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 0
"""

# Ordered turns across processes: waiters sit in a sorted set by Slack ts; the lowest live one
# may take the lock. "c:TOKEN" is a claim's place, taken with the claim (before Slack's ack): it
# lives while the claim is unfinished, whoever holds it, so a message whose process died keeps
# its place for its resumer. "w:OWNER:…" is a plain waiter, dropped once its process died. A
# lock whose holder's process died is taken over at once, not after its lease.
_TAKE_TURN = """
local function live(member)
  local token = string.match(member, '^c:(.*)$')
  if token then
    local current = redis.call('GET', ARGV[5] .. token)
    local state = current and string.match(current, ' (%S+)$')
    return state == 'working' or state == 'sent'
  end
  return redis.call('EXISTS', ARGV[4] .. string.match(member, '^w:([^:]+):')) == 1
end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
while head ~= ARGV[1] and not live(head) do
  redis.call('ZREM', KEYS[1], head)
  head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
end
if head ~= ARGV[1] then return 0 end
local holder = redis.call('GET', KEYS[2])
if holder then
  local owner = string.match(holder, '^(%x+)%.')
  if not owner or redis.call('EXISTS', ARGV[4] .. owner) == 1 then return 0 end
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""

# A turn ends: the lock goes and the waiter leaves the queue (it stays there while it holds the
# turn, so a holder that dies keeps the thread for whoever resumes its claim).
_LEAVE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[2])
return 0
"""


def _ts_score(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0


def _redacted(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else ""
    )
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


class RedisStorage(Storage):
    def __init__(
        self,
        client: aioredis.Redis,
        *,
        session_ttl: dt.timedelta,
        max_sessions_per_user: int,
        prefix: str = PREFIX,
    ) -> None:
        self.client = client
        self.session_ttl = session_ttl
        self.max_sessions_per_user = max_sessions_per_user
        self.prefix = prefix
        self._ttl_ms = max(1, int(session_ttl.total_seconds() * 1000))
        self._local = KeyedLocks()  # keeps this process's appends to one session in call order
        self._thread_local = KeyedLocks()  # queues this process's waiters for a thread lock
        self._create = client.register_script(_CREATE)
        self._append = client.register_script(_APPEND)
        self._delete = client.register_script(_DELETE)
        self._put_dataset = client.register_script(_PUT_DATASET)
        self._unlock = client.register_script(_UNLOCK)
        self._refresh = client.register_script(_REFRESH)
        self._claim = client.register_script(_CLAIM)
        self._finish = client.register_script(_FINISH)
        self._settle = client.register_script(_SETTLE)
        self._renote = client.register_script(_RENOTE)
        self._take_turn = client.register_script(_TAKE_TURN)
        self._leave = client.register_script(_LEAVE)
        self._owner = secrets.token_hex(8)
        self._heartbeat: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls, url: str, *, session_ttl: dt.timedelta, max_sessions_per_user: int
    ) -> RedisStorage:
        try:
            client = aioredis.Redis.from_url(url)
        except ValueError as exc:
            raise StorageError(f"STORAGE_URL {_redacted(url)} is not a Redis URL: {exc}") from None
        try:
            await client.ping()
        except (RedisError, OSError) as exc:
            await client.aclose()
            raise StorageError(f"cannot reach Redis at {_redacted(url)}: {exc}") from None
        return cls(client, session_ttl=session_ttl, max_sessions_per_user=max_sessions_per_user)

    # --- key names ------------------------------------------------------------------------
    def _session_keys(self, key: str) -> list[str]:
        p = self.prefix
        return [f"{p}s:{key}", f"{p}h:{key}", f"{p}p:{key}", f"{p}d:{key}"]

    def _chan_index(self, key: str) -> str:
        team, channel, _ = split_key(key)
        return f"{self.prefix}i:chan:{team}:{channel}"

    # --- sessions -------------------------------------------------------------------------
    async def get(self, key: str, *, history_limit: int | None = None) -> Session | None:
        s, h, p, _ = self._session_keys(key)
        pipe = self.client.pipeline(transaction=True)  # one consistent snapshot
        pipe.hgetall(s)
        pipe.lrange(p, 0, -1)
        if history_limit is None:
            pipe.lrange(h, 0, -1)
        elif history_limit > 0:
            pipe.lrange(h, -history_limit, -1)
        fields, participants, *history = await pipe.execute()
        if not fields:
            return None
        try:
            doc = {
                name[2:].decode(): orjson.loads(value)
                for name, value in fields.items()
                if name.startswith(b"f:")
            }
            doc["participants"] = [user.decode() for user in participants]
            doc["chat_history"] = [orjson.loads(entry) for entry in (history or [[]])[0]]
            return Session.from_dict(doc)
        except (orjson.JSONDecodeError, UnicodeDecodeError, TypeError):
            log.warning("session %s in Redis is corrupt; treating it as absent", key)
            return None

    async def get_or_create(
        self, key: str, *, user_id: str, history_limit: int | None = None
    ) -> tuple[Session, bool]:
        team, channel, thread_ts = split_key(key)
        session = await self.get(key, history_limit=history_limit)
        if session is not None:
            return session, False
        prefs = await self.get_preferences(team, user_id)
        now, score = now_iso()
        doc = {
            "session_id": key, "team_id": team, "channel_id": channel, "thread_ts": thread_ts,
            "started_by": user_id, "style": prefs.get("style") or "default",
            "created_at": now, "last_used": now, "active_dataset": None,
        }  # fmt: skip
        pairs = [item for name, value in doc.items() for item in (f"f:{name}", orjson.dumps(value))]
        start_index = f"{self.prefix}i:start:{team}:{user_id}"
        keys = [
            *self._session_keys(key), f"{self.prefix}i:all", self._chan_index(key),
            start_index, f"{self.prefix}i:user:{user_id}",
        ]  # fmt: skip
        created = await self._create(keys=keys, args=[key, score, self._ttl_ms, user_id, *pairs])
        if not created:  # another process was quicker
            session = await self.get(key, history_limit=history_limit)
            if session is not None:
                return session, False
            return await self.get_or_create(key, user_id=user_id, history_limit=history_limit)
        await self.enforce_cap(team, user_id, max(1, self.max_sessions_per_user))
        return Session.from_dict({**doc, "participants": [user_id], "chat_history": []}), True

    async def append(
        self, key: str, *messages: dict[str, Any], user_id: str | None = None, **updates: Any
    ) -> bool:
        check_updates(updates)
        now, score = now_iso()
        entries = prepare_messages(messages, now)
        args: list[Any] = [
            self.prefix, key, orjson.dumps(now), score, self._ttl_ms, user_id or "",
            first_words(entries) or "", len(updates),
        ]  # fmt: skip
        for name, value in updates.items():
            args += [name, orjson.dumps(value)]
        args += [orjson.dumps(entry) for entry in entries]
        keys = [*self._session_keys(key), f"{self.prefix}i:all"]
        async with self._local.hold(key):
            return bool(await self._append(keys=keys, args=args))

    async def delete(self, key: str) -> bool:
        return await self._delete_if(key, None)

    async def _delete_if(self, key: str, cutoff: float | None) -> bool:
        if key.count(":") < 2:  # not TEAM:CHANNEL:THREAD_TS, so never stored
            return False
        keys = [*self._session_keys(key), f"{self.prefix}i:all", self._chan_index(key)]
        args = [self.prefix, key, "" if cutoff is None else repr(cutoff)]
        return bool(await self._delete(keys=keys, args=args))

    async def _last_used(self, keys: list[str]) -> dict[str, float]:
        """Each live session's last_used (epoch seconds); keys without one are gone."""
        if not keys:
            return {}
        scores = await self.client.zmscore(f"{self.prefix}i:all", keys)
        return {key: score for key, score in zip(keys, scores, strict=True) if score is not None}

    async def list(
        self, *, user: str | None = None, team: str | None = None, channel: str | None = None
    ) -> list[SessionSummary]:
        members = None  # the membership set the candidates come from
        if user is not None:
            members = f"{self.prefix}i:user:{user}"
        elif team and channel:
            members = f"{self.prefix}i:chan:{team}:{channel}"
        if members:
            keys = [key.decode() for key in await self.client.smembers(members)]
        else:
            keys = [key.decode() for key in await self.client.zrange(f"{self.prefix}i:all", 0, -1)]
        keys = [
            key
            for key in keys
            if (not team or split_key(key)[0] == team)
            and (not channel or split_key(key)[1] == channel)
        ]
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            s, h, p, _ = self._session_keys(key)
            pipe.hmget(s, "f:started_by", "f:created_at", "f:last_used", "m:first_words")
            pipe.llen(h)
            pipe.lrange(p, 0, -1)
        replies = await pipe.execute()
        found, gone = [], []
        for n, key in enumerate(keys):
            fields, count, participants = replies[3 * n : 3 * n + 3]
            if fields[0] is None:
                gone.append(key)
                continue
            started_by, created_at, last_used = (orjson.loads(v) for v in fields[:3])
            summary = SessionSummary(
                key=key, started_by=started_by, created_at=created_at, last_used=last_used,
                message_count=count, participants=[u.decode() for u in participants],
                first_words=(fields[3] or b"").decode(),
            )  # fmt: skip
            found.append((dt.datetime.fromisoformat(last_used), summary))
        if gone and members:  # sessions Redis expired: forget them here too
            await self.client.srem(members, *gone)
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [summary for _, summary in found]

    async def purge(self, older_than: dt.timedelta) -> builtins.list[str]:
        cutoff = time.time() - older_than.total_seconds()
        stale = await self.client.zrangebyscore(f"{self.prefix}i:all", "-inf", f"({cutoff!r}")
        deleted = []
        for raw in stale:
            key = raw.decode()
            if await self._delete_if(key, cutoff):
                deleted.append(key)
        return deleted

    async def enforce_cap(self, team: str, user: str, max_sessions: int) -> builtins.list[str]:
        started = f"{self.prefix}i:start:{team}:{user}"
        keys = [key.decode() for key in await self.client.smembers(started)]
        if len(keys) <= max_sessions:
            return []
        last_used = await self._last_used(keys)
        gone = [key for key in keys if key not in last_used]
        if gone:
            await self.client.srem(started, *gone)
        newest_first = sorted(last_used, key=last_used.__getitem__, reverse=True)
        return [key for key in newest_first[max(0, max_sessions) :] if await self.delete(key)]

    # --- datasets -------------------------------------------------------------------------
    async def put_dataset(self, key: str, dataset_id: str, data: bytes) -> None:
        """Store a dataset of an existing session (ignored if the session is gone); it
        expires with the session."""
        s, _, _, d = self._session_keys(key)
        await self._put_dataset(keys=[s, d], args=[dataset_id, data])

    async def get_dataset(self, key: str, dataset_id: str) -> bytes | None:
        return await self.client.hget(f"{self.prefix}d:{key}", dataset_id)

    async def list_datasets(self, key: str) -> builtins.list[str]:
        return sorted(name.decode() for name in await self.client.hkeys(f"{self.prefix}d:{key}"))

    # --- preferences ----------------------------------------------------------------------
    async def get_preferences(self, team: str, user: str) -> dict[str, Any]:
        raw = await self.client.hgetall(f"{self.prefix}prefs:{team}:{user}")
        return {name.decode(): orjson.loads(value) for name, value in raw.items()}

    async def set_preferences(self, team: str, user: str, **prefs: Any) -> None:
        """Merge ``prefs`` into the user's preferences; a value of None removes that key."""
        name = f"{self.prefix}prefs:{team}:{user}"
        pipe = self.client.pipeline(transaction=True)
        removed = [pref for pref, value in prefs.items() if value is None]
        kept = {pref: orjson.dumps(value) for pref, value in prefs.items() if value is not None}
        if removed:
            pipe.hdel(name, *removed)
        if kept:
            pipe.hset(name, mapping=kept)
        await pipe.execute()

    # --- claims and thread locks ----------------------------------------------------------
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
        await self._beat()
        ttl_ms = max(1, int(ttl_seconds * 1000))
        noted = b"" if note is None else orjson.dumps(note)
        queued = thread is not None and order is not None
        args = [
            self._owner, ttl_ms, self._alive_prefix, noted, token, "1" if resume else "0",
            repr(_ts_score(order)) if queued else "",
        ]  # fmt: skip
        keys = [*self._claim_keys(token), self._queue(thread or "")]
        return bool(await self._claim(keys=keys, args=args))

    async def finish(self, token: str) -> None:
        await self._finish(keys=self._claim_keys(token), args=[self._owner, token])

    async def settle(self, token: str, note: dict[str, Any]) -> None:
        args = [self._owner, token, orjson.dumps(note)]
        await self._settle(keys=self._claim_keys(token), args=args)

    async def renote(self, token: str, note: dict[str, Any]) -> None:
        claim_key, note_key, _ = self._claim_keys(token)
        await self._renote(keys=[claim_key, note_key], args=[self._owner, orjson.dumps(note)])

    async def unfinished(self) -> builtins.list[tuple[str, dict[str, Any]]]:
        found, notes = [], f"{self.prefix}notes"
        for raw in await self.client.smembers(notes):
            token = raw.decode()
            claim_key, note_key, _ = self._claim_keys(token)
            current, note = await self.client.mget(claim_key, note_key)
            if current is None or note is None:  # expired
                await self.client.srem(notes, token)
                continue
            owner, _, state = current.decode().partition(" ")
            if state not in UNFINISHED or owner == self._owner:
                continue
            if not await self.client.exists(self._alive_prefix + owner):
                found.append((token, orjson.loads(note)))
        return found

    def _queue(self, key: str) -> str:
        return f"{self.prefix}q:{key}"

    def _claim_keys(self, token: str) -> builtins.list[str]:
        return [f"{self.prefix}claim:{token}", f"{self.prefix}note:{token}", f"{self.prefix}notes"]

    @property
    def _alive_prefix(self) -> str:
        return f"{self.prefix}alive:"

    async def _beat(self) -> None:
        """Keep this process's heartbeat key alive: others take over its claims and turns
        only once it is gone."""
        if self._heartbeat is None or self._heartbeat.done():
            await self.client.set(self._alive_prefix + self._owner, 1, px=HEARTBEAT_MS)
            self._heartbeat = asyncio.create_task(self._beat_forever())

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_MS / 3000)
            try:
                await self.client.set(self._alive_prefix + self._owner, 1, px=HEARTBEAT_MS)
            except (RedisError, OSError):
                log.warning("Redis heartbeat failed; retrying")

    async def mark(self, name: str, seconds: float) -> None:
        await self.client.set(f"{self.prefix}mark:{name}", b"1", px=max(1, int(seconds * 1000)))

    async def marked(self, name: str) -> bool:
        return bool(await self.client.exists(f"{self.prefix}mark:{name}"))

    async def release(self, token: str) -> None:
        claim_key, note_key, notes = self._claim_keys(token)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(claim_key, note_key)
        pipe.srem(notes, token)
        await pipe.execute()

    @asynccontextmanager
    async def thread_lock(
        self, key: str, order: str | None = None, claim: str | None = None
    ) -> AsyncIterator[None]:
        """A lease (SET NX PX) renewed while held and released only by its owner. Without
        ``order``, waiters in this process queue in call order and other processes poll; with
        it, every waiter (any process) joins one queue by Slack ts and the lowest goes first,
        a ``claim`` in the place its claim took."""
        name, token = f"{self.prefix}lock:{key}", f"{self._owner}.{secrets.token_hex(16)}"
        if order is None:
            async with self._thread_local.hold(key):
                await self._wait(lambda: self.client.set(name, token, nx=True, px=LOCK_LEASE_MS))
                async with self._holding(name, token):
                    yield
            return
        await self._beat()
        queue = self._queue(key)
        member = f"c:{claim}" if claim else f"w:{self._owner}:{order}:{token}"
        keys = [queue, name]
        args = [
            member, token, LOCK_LEASE_MS, self._alive_prefix, f"{self.prefix}claim:",
            repr(_ts_score(order)),
        ]  # fmt: skip
        if claim is None:
            await self.client.zadd(queue, {member: _ts_score(order)})
            await self.client.pexpire(queue, LOCK_LEASE_MS * 10)
        try:
            await self._wait(lambda: self._take_turn(keys=keys, args=args))
        except BaseException:
            if claim is None:  # a claim's place stays for whoever resumes it
                await self.client.zrem(queue, member)
            raise
        # Stopped mid-turn (a shutdown), a claim keeps its place: it is unfinished, resumable.
        async with self._holding(name, token, queue, member, keep_place=claim is not None):
            yield

    @staticmethod
    async def _wait(attempt: Callable[[], Awaitable[Any]]) -> None:
        delay = 0.002
        task = asyncio.current_task()
        while not await attempt():
            if task is not None and task.cancelling():
                # The client swallowed our cancellation mid-command: honour it here, or a
                # cancelled wait (a shutdown, a timeout) would poll for ever.
                raise asyncio.CancelledError
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.05)

    @asynccontextmanager
    async def _holding(
        self,
        name: str,
        token: str,
        queue: str | None = None,
        member: str | None = None,
        *,
        keep_place: bool = False,
    ) -> AsyncIterator[None]:
        """Hold the lock (renewed) for the block; then leave the ``queue`` too, unless the
        block was stopped and ``keep_place`` says to stay."""
        keeper = asyncio.create_task(self._keep_lock(name, token))
        stopped = True
        try:
            yield
            stopped = False
        finally:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper
            if queue is None or (stopped and keep_place):
                await self._unlock(keys=[name], args=[token])
            else:
                await self._leave(keys=[name, queue], args=[token, member])

    async def _keep_lock(self, name: str, token: str) -> None:
        while True:
            await asyncio.sleep(LOCK_REFRESH_S)
            if not await self._refresh(keys=[name], args=[token, LOCK_LEASE_MS]):
                log.warning("thread lock %s expired while held", name)
                return

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with suppress(asyncio.CancelledError):
                await self._heartbeat
            with suppress(RedisError, OSError):
                await self.client.delete(self._alive_prefix + self._owner)
        await self.client.aclose()
