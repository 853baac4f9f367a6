"""Fixtures for the storage contract suite: every test runs on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import redis

from storage import Storage, open_storage
from tests.redis_server import RedisServer

MakeStorage = Callable[..., Awaitable[Storage]]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(params=["json", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def storage_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "json":
        return str(tmp_path / "data")
    server: RedisServer = request.getfixturevalue("redis_server")
    with redis.Redis.from_url(server.url) as client:
        client.flushdb()  # a fresh database for every test
    return server.url


@pytest.fixture
async def make_storage(storage_url: str) -> AsyncIterator[MakeStorage]:
    """Open (more) storages on this test's URL; all are closed afterwards."""
    opened: list[Storage] = []

    async def make(
        *,
        session_ttl: dt.timedelta = dt.timedelta(days=7),
        max_sessions_per_user: int = 50,
        exclusive: bool = True,
    ) -> Storage:
        storage = await open_storage(
            storage_url,
            session_ttl=session_ttl,
            max_sessions_per_user=max_sessions_per_user,
            exclusive=exclusive,
        )
        opened.append(storage)
        return storage

    yield make
    for storage in opened:
        await storage.close()


@pytest.fixture
async def storage(make_storage: MakeStorage) -> Storage:
    return await make_storage()
