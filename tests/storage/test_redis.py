"""What only the Redis backend has: several bot processes on one store, Redis expiry."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from storage import open_storage, redis_backend
from storage.redis_backend import RedisStorage
from tests.redis_server import RedisServer

KEY = "T1:C1:1700000000.000100"


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[tuple[RedisStorage, RedisStorage]]:
    """Two bot processes' storages on one Redis database."""
    stores = [
        await open_storage(
            redis_server.url, session_ttl=dt.timedelta(hours=1), max_sessions_per_user=50
        )
        for _ in range(2)
    ]
    await stores[0].client.flushdb()
    yield stores[0], stores[1]
    for store in stores:
        await store.close()


async def test_a_claim_holds_across_processes(pair: tuple[RedisStorage, RedisStorage]) -> None:
    one, two = pair
    assert await one.claim("C1:1700000000.000100", 600)
    assert not await two.claim("C1:1700000000.000100", 600)
    ttl = await one.client.pttl("chartbot:claim:C1:1700000000.000100")
    assert 590_000 < ttl <= 600_000


async def test_work_of_a_live_process_is_not_handed_over(
    pair: tuple[RedisStorage, RedisStorage],
) -> None:
    one, two = pair
    assert await one.claim("Ev1", 600, {"text": "revenue by region"})
    assert await two.unfinished() == []  # one is alive (its heartbeat key is there)
    await one.client.delete(one._alive_prefix + one._owner)  # one's heartbeat stops: it died
    assert await two.unfinished() == [("Ev1", {"text": "revenue by region"})]
    await two.client.delete("chartbot:claim:Ev1")  # the claim expired: forgotten
    assert await two.unfinished() == []
    assert await two.client.smembers("chartbot:notes") == set()


async def test_thread_lock_excludes_the_other_process(
    pair: tuple[RedisStorage, RedisStorage],
) -> None:
    one, two = pair
    order: list[str] = []
    held = asyncio.Event()

    async def first() -> None:
        async with one.thread_lock(KEY):
            held.set()
            order.append("one in")
            await asyncio.sleep(0.1)
            order.append("one out")

    async def second() -> None:
        await held.wait()
        async with two.thread_lock(KEY):
            order.append("two in")

    await asyncio.gather(first(), second())
    assert order == ["one in", "one out", "two in"]
    assert await one.client.exists("chartbot:lock:" + KEY) == 0  # released by its owner


async def test_lock_of_a_crashed_holder_expires(pair: tuple[RedisStorage, RedisStorage]) -> None:
    one, _ = pair
    await one.client.set("chartbot:lock:" + KEY, "token of a dead process", px=200)
    await asyncio.wait_for(_hold(one, KEY), timeout=10)


async def test_a_held_lock_is_renewed_and_not_stolen(
    pair: tuple[RedisStorage, RedisStorage], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_backend, "LOCK_LEASE_MS", 600)
    monkeypatch.setattr(redis_backend, "LOCK_REFRESH_S", 0.1)
    one, two = pair
    async with one.thread_lock(KEY):
        # The other process waits three leases long: only renewal keeps the lock. (Its wait is
        # not cancelled mid-command: the same waiter gets the lock once it is released.)
        waiting = asyncio.create_task(_hold(two, KEY))
        await asyncio.sleep(1.8)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=10)


async def test_a_lock_wait_stops_when_cancelled_even_if_a_call_swallows_it() -> None:
    """A client call that eats the CancelledError (and reports 'not yet') must not leave the
    wait polling for ever."""

    async def swallowing() -> bool:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.01)
        return False

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(RedisStorage._wait(swallowing), timeout=0.2)


async def _hold(storage: RedisStorage, key: str) -> None:
    async with storage.thread_lock(key):
        pass


async def test_one_of_two_processes_creates_the_session(
    pair: tuple[RedisStorage, RedisStorage],
) -> None:
    one, two = pair
    results = await asyncio.gather(
        *(store.get_or_create(KEY, user_id=user) for store, user in ((one, "U1"), (two, "U2")))
    )
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].started_by == results[1][0].started_by


async def test_session_keys_expire_together(pair: tuple[RedisStorage, RedisStorage]) -> None:
    one, two = pair
    await one.set_preferences("T1", "U1", style="dark")
    await one.get_or_create(KEY, user_id="U1")
    await one.put_dataset(KEY, "F1", b"data")
    await two.append(KEY, {"role": "user", "content": "hi"}, user_id="U2")
    for kind in ("s", "h", "p", "d"):
        ttl = await one.client.pttl(f"chartbot:{kind}:{KEY}")
        assert 3_590_000 < ttl <= 3_600_000, kind
    assert await one.client.pttl("chartbot:prefs:T1:U1") == -1  # preferences never expire


async def test_index_forgets_sessions_redis_expired(
    pair: tuple[RedisStorage, RedisStorage],
) -> None:
    one, _ = pair
    await one.get_or_create(KEY, user_id="U1")
    await one.get_or_create("T1:C1:2.0", user_id="U1")
    await one.client.delete(*(f"chartbot:{kind}:{KEY}" for kind in "shpd"))  # as expiry does
    assert [s.key for s in await one.list(user="U1")] == ["T1:C1:2.0"]
    assert await one.client.smembers("chartbot:i:user:U1") == {b"T1:C1:2.0"}
    assert await one.purge(dt.timedelta(0)) == ["T1:C1:2.0"]
    assert await one.client.zcard("chartbot:i:all") == 0


async def test_a_claim_of_a_dead_process_keeps_its_place_for_its_resumer(
    pair: tuple[RedisStorage, RedisStorage], redis_server: RedisServer
) -> None:
    """Process one claims a message and dies holding the thread's lock; process two's later
    message of the thread waits until a third process has resumed and answered the first."""
    one, two = pair
    early, late = "1700000001.000100", "1700000002.000100"
    served: list[str] = []
    assert await one.claim(f"m:{early}", 600, {"ts": early}, thread=KEY, order=early)
    held = asyncio.Event()

    async def crash() -> None:
        async with one.thread_lock(KEY, order=early, claim=f"m:{early}"):
            held.set()
            await asyncio.sleep(3600)  # stopped here by the crash

    crashed = asyncio.create_task(crash())
    await held.wait()
    crashed.cancel()  # the lease stays behind, as after SIGKILL
    with contextlib.suppress(asyncio.CancelledError):
        await crashed
    await one.client.set("chartbot:lock:" + KEY, f"{one._owner}.stale", px=30_000)
    one._heartbeat.cancel()
    await one.client.delete(one._alive_prefix + one._owner)  # one is gone

    assert await two.claim(f"m:{late}", 600, {"ts": late}, thread=KEY, order=late)

    async def answer(store: RedisStorage, ts: str) -> None:
        async with store.thread_lock(KEY, order=ts, claim=f"m:{ts}"):
            served.append(ts)
        await store.finish(f"m:{ts}")

    later = asyncio.create_task(answer(two, late))
    await asyncio.sleep(0.5)
    assert served == []  # the dead process's message keeps its place
    third = await open_storage(
        redis_server.url, session_ttl=dt.timedelta(hours=1), max_sessions_per_user=50
    )
    try:
        assert await third.unfinished() == [(f"m:{early}", {"ts": early})]
        assert await third.claim(
            f"m:{early}", 600, {"ts": early}, resume=True, thread=KEY, order=early
        )
        # The dead holder's lease does not hold the resumer up (it would for 30 s).
        await asyncio.wait_for(answer(third, early), 5)
        await asyncio.wait_for(later, 5)
    finally:
        await third.close()
    assert served == [early, late]
    assert await two.client.zcard("chartbot:q:" + KEY) == 0
