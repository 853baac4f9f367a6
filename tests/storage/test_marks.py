"""Marks: short-lived facts (a workspace that refused native charts) shared by every process on
one storage, gone when they expire. Runs on both backends."""

from __future__ import annotations

import asyncio

from storage import Storage
from tests.storage.conftest import MakeStorage


async def test_a_mark_holds_until_it_expires(storage: Storage) -> None:
    assert not await storage.marked("no-native:T1")
    await storage.mark("no-native:T1", 0.4)
    assert await storage.marked("no-native:T1")
    assert not await storage.marked("no-native:T2")  # one workspace's mark only
    await asyncio.sleep(0.6)
    assert not await storage.marked("no-native:T1")


async def test_marking_again_extends_the_mark(storage: Storage) -> None:
    await storage.mark("no-native:T1", 0.3)
    await storage.mark("no-native:T1", 60)
    await asyncio.sleep(0.5)
    assert await storage.marked("no-native:T1")


async def test_a_redis_mark_is_seen_by_another_process(
    backend: str, make_storage: MakeStorage
) -> None:
    first = await make_storage()
    await first.mark("no-native:T1", 60)
    if backend == "redis":  # a second connection: another bot process on the same Redis
        second = await make_storage()
        assert await second.marked("no-native:T1")
    else:  # one bot process owns a JSON directory; a second one is refused at start
        assert await first.marked("no-native:T1")
