"""The long-lived parts of a running bot: storage, the worker pool, the conversation core, and
the retention task. Every mode (Slack socket/http, local console) starts the same services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.config import Settings
from bot.conversation import Chartbot
from bot.intake import Limits
from bot.workers import WorkerPool
from storage import open_storage
from storage.base import Storage

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 30.0  # sessions past SESSION_TTL go within a minute of expiring
API_TIMEOUT_SECONDS = 30.0  # a Web API call slower than this fails (and the user is told)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    pool: WorkerPool
    chartbot: Chartbot
    http: aiohttp.ClientSession | None = None  # shared by the Slack client and downloads
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _answering: set[asyncio.Task[Any]] = field(default_factory=set)
    _owns_pool: bool = True

    @classmethod
    async def start(cls, settings: Settings, *, pool: WorkerPool | None = None) -> Services:
        """Open storage and start the workers; a ``pool`` passed in stays the caller's."""
        storage = await open_storage(
            settings.storage_url,
            session_ttl=settings.session_ttl,
            max_sessions_per_user=settings.max_sessions_per_user,
        )
        owns_pool = pool is None
        if pool is None:
            pool = WorkerPool(preload=("bot.jobs",))  # workers start with the core imported
            await pool.start()
        limits = Limits(max_bytes=settings.max_upload_mb * 1024 * 1024)
        services = cls(settings, storage, pool, Chartbot(storage, pool, limits))
        services.http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_SECONDS)
        )
        services._owns_pool = owns_pool
        services.background(services._purge_forever())
        return services

    def background(self, job: Coroutine[Any, Any, None]) -> None:
        """Run ``job`` until the services close."""
        self._tasks.append(asyncio.create_task(job))

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Mark the current task as answering a user: ``drain`` lets it finish."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._answering.add(task)
        try:
            yield
        finally:
            self._answering.discard(task)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the answers in progress (a stop asked for)."""
        if self._answering:
            log.info("stopping: finishing %d answer(s) in progress", len(self._answering))
            await asyncio.wait(set(self._answering), timeout=timeout)

    async def _purge_forever(self) -> None:
        interval = min(PURGE_EVERY_SECONDS, self.settings.session_ttl.total_seconds() / 2)
        while True:
            await asyncio.sleep(interval)
            try:
                purged = await self.storage.purge(self.settings.session_ttl)
                if purged:
                    log.info("purged %d expired session(s)", len(purged))
            except Exception:
                log.exception("purging expired sessions failed")

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.http is not None:
            await self.http.close()
        if self._owns_pool:
            await self.pool.close()
        await self.storage.close()
