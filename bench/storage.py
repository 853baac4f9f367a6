"""Storage benchmark: does an append stay flat as sessions pile up (PRODUCT.md §7)?

    .venv/bin/python bench/storage.py [--quick]

Median append latency with 1,000, 10,000 and 100,000 existing sessions on each backend (the
sizes are measured in interleaved rounds, so drift hits all alike), the naive design (every
session in one sessions.json: load all, modify, save all; same serializer, same atomic write)
at 1,000 and 10,000 as the floor to beat, and the messages lost by 50 sessions × 20 concurrent
appends. The last line is the summary the issue asks for.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiofiles
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage import Storage, open_storage
from storage.base import isoformat, utcnow
from storage.json_backend import JsonStorage
from storage.redis_backend import RedisStorage
from tests.redis_server import RedisServer

TTL = dt.timedelta(days=7)
HISTORY = 6  # messages already in every session


def history(key: str) -> list[dict[str, Any]]:
    now = isoformat(utcnow())
    return [
        {
            "role": "user" if n % 2 == 0 else "assistant",
            "content": f"message {n} of {key}: bar chart of revenue by region for 2024",
            "timestamp": now,
            "metadata": {"type": "text", "user_id": "U1", "ts": f"{n}.000100"},
        }
        for n in range(HISTORY)
    ]


def document(key: str, user: str) -> dict[str, Any]:
    team, channel, thread_ts = key.split(":", 2)
    now = isoformat(utcnow())
    return {
        "session_id": key, "team_id": team, "channel_id": channel, "thread_ts": thread_ts,
        "started_by": user, "participants": [user], "style": "default", "created_at": now,
        "last_used": now, "active_dataset": None,
    }  # fmt: skip


def keys_for(count: int) -> list[tuple[str, str]]:
    """(key, starter): a workspace grows by users and channels, ~20 sessions per user (under
    the default cap of 50) and ~100 per channel, whatever the total."""
    users, channels = max(1, count // 20), max(1, count // 100)
    return [(f"T1:C{n % channels}:{1700000000 + n}.000100", f"U{n % users}") for n in range(count)]


# --- seeding: written directly, in bulk (the benchmark measures appends, not set-up) --------
async def seed_json(root: Path, count: int) -> None:
    setup = JsonStorage(root, session_ttl=TTL, max_sessions_per_user=10**9, exclusive=False)
    for key, user in keys_for(count):
        lines = b"".join(orjson.dumps(m) + b"\n" for m in history(key))
        setup._history_path(key).parent.mkdir(exist_ok=True)
        setup._history_path(key).write_bytes(lines)
        header = {"v": 1, "doc": document(key, user), "history_bytes": len(lines)}
        header |= {"history_count": HISTORY, "first_words": "bar chart"}
        setup._header_path(key).write_bytes(orjson.dumps(header))
    await setup.close()


async def seed_redis(url: str, count: int) -> None:
    storage = await open_storage(url, session_ttl=TTL, max_sessions_per_user=10**9)
    assert isinstance(storage, RedisStorage)
    await storage.client.flushdb()
    batch = 1000
    pairs = keys_for(count)
    for start in range(0, count, batch):
        pipe = storage.client.pipeline(transaction=False)
        for key, user in pairs[start : start + batch]:
            p = storage.prefix
            score = time.time()
            fields = {f"f:{name}": orjson.dumps(v) for name, v in document(key, user).items()}
            fields |= {"m:starter": user, "m:start_index": f"{p}i:start:T1:{user}"}
            pipe.hset(f"{p}s:{key}", mapping=fields)
            pipe.rpush(f"{p}p:{key}", user)
            pipe.rpush(f"{p}h:{key}", *(orjson.dumps(m) for m in history(key)))
            for name in (f"{p}s:{key}", f"{p}p:{key}", f"{p}h:{key}"):
                pipe.pexpire(name, int(TTL.total_seconds() * 1000))
            pipe.zadd(f"{p}i:all", {key: score})
            for index in (f"i:chan:T1:{key.split(':')[1]}", f"i:start:T1:{user}", f"i:user:{user}"):
                pipe.sadd(f"{p}{index}", key)
        await pipe.execute()
    await storage.close()


# --- the naive design -----------------------------------------------------------------------
class NaiveSessions:
    """All sessions in one sessions.json: load all, modify, save all (under one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = asyncio.Lock()

    def seed(self, count: int) -> None:
        sessions = {
            key: {**document(key, user), "chat_history": history(key)}
            for key, user in keys_for(count)
        }
        self.path.write_bytes(orjson.dumps(sessions))

    async def append(self, key: str, message: dict[str, Any]) -> None:
        async with self.lock:
            async with aiofiles.open(self.path, "rb") as f:
                sessions = orjson.loads(await f.read())
            session = sessions[key]
            session["chat_history"].append({**message, "timestamp": isoformat(utcnow())})
            session["last_used"] = isoformat(utcnow())
            tmp = self.path.with_suffix(".tmp")
            async with aiofiles.open(tmp, "wb") as f:
                await f.write(orjson.dumps(sessions))
                await f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)


# --- measuring ------------------------------------------------------------------------------
async def timed(append: Callable[[str], Awaitable[Any]], keys: list[str]) -> list[float]:
    samples = []
    for key in keys:
        start = time.perf_counter()
        await append(key)
        samples.append(time.perf_counter() - start)
    return samples


def message(n: int) -> dict[str, Any]:
    return {"role": "user", "content": f"benchmark append {n}", "metadata": {"type": "text"}}


async def interleaved(
    stores: dict[int, Storage], appends: int, rng: random.Random
) -> dict[int, float]:
    """Median append latency per store size. The sizes take turns append by append (in a
    shuffled order each turn), so the disk's and the machine's moods hit all sizes alike."""
    samples: dict[int, list[float]] = {size: [] for size in stores}
    keys = {size: [key for key, _ in rng.choices(keys_for(size), k=appends)] for size in stores}
    for n in range(appends):
        for size in rng.sample(sorted(stores), len(stores)):
            start = time.perf_counter()
            await stores[size].append(keys[size][n], message(n))
            samples[size].append(time.perf_counter() - start)
    return {size: statistics.median(values) for size, values in samples.items()}


async def lost_messages(storage: Storage) -> tuple[int, int]:
    """50 sessions × 20 concurrent appends: (messages missing afterwards, messages sent)."""
    keys = [f"T9:C{n}:1.0" for n in range(50)]
    for key in keys:
        await storage.get_or_create(key, user_id="U1")
    await asyncio.gather(*(storage.append(key, message(i)) for i in range(20) for key in keys))
    kept = [len((await storage.get(key)).chat_history) for key in keys]
    return 1000 - sum(kept), 1000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--redis", help="use this Redis URL (db 1-3 are flushed)")
    args = parser.parse_args()
    sizes = [100, 1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    small, mid, large = sizes
    rng = random.Random(7)
    workdir = Path(tempfile.mkdtemp(prefix="chartbot-bench-"))
    server = None if args.redis else RedisServer().start()
    base = (args.redis or server.url).rsplit("/", 1)[0]
    print(f"storage benchmark in {workdir} (2 cores; medians; sizes {sizes})")

    json_stores: dict[int, Storage] = {}
    redis_stores: dict[int, Storage] = {}
    for n, size in enumerate(sizes, start=1):
        started = time.perf_counter()
        await seed_json(workdir / f"json-{size}", size)
        await seed_redis(f"{base}/{n}", size)
        print(f"seeded {size:>7,} sessions per backend in {time.perf_counter() - started:.1f} s")
        json_stores[size] = await open_storage(
            str(workdir / f"json-{size}"), session_ttl=TTL, max_sessions_per_user=10**9
        )
        redis_stores[size] = await open_storage(
            f"{base}/{n}", session_ttl=TTL, max_sessions_per_user=10**9
        )

    json_p50 = await interleaved(json_stores, appends=400, rng=rng)
    redis_p50 = await interleaved(redis_stores, appends=400, rng=rng)
    for size in sizes:
        print(f"json  p50 append, {size:>7,} sessions: {ms(json_p50[size])}")
    for size in sizes:
        print(f"redis p50 append, {size:>7,} sessions: {ms(redis_p50[size])}")

    naive_p50 = {}
    for size, appends in ((small, 40), (mid, 12)):
        naive = NaiveSessions(workdir / f"naive-{size}.json")
        naive.seed(size)
        keys = [key for key, _ in rng.sample(keys_for(size), appends)]
        naive_p50[size] = statistics.median(
            await timed(lambda k, store=naive: store.append(k, message(0)), keys)
        )
        print(f"naive p50 append, {size:>7,} sessions: {ms(naive_p50[size])} (one sessions.json)")

    lost = sent = 0
    for store in (json_stores[small], redis_stores[small]):
        missing, total = await lost_messages(store)
        lost, sent = lost + missing, sent + total
    print(f"concurrent appends (50 sessions × 20, per backend): lost {lost} of {sent}")

    for store in [*json_stores.values(), *redis_stores.values()]:
        await store.close()
    if server:
        server.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    r1 = json_p50[large] / json_p50[small]
    r2 = redis_p50[large] / redis_p50[small]
    r3 = naive_p50[mid] / json_p50[mid]
    big, few, some = (f"{size / 1000:g}k" for size in (large, small, mid))
    print(
        f"storage: json p50 append {big}/{few} = {r1:.2f}, redis {big}/{few} = {r2:.2f}, "
        f"naive {some}/json {some} = {r3:.0f}, lost {lost} of {sent}"
    )


if __name__ == "__main__":
    asyncio.run(main())
