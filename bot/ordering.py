"""Per-thread turns: messages of one thread run one at a time, lowest Slack ``ts`` first among
those waiting; different threads run concurrently. (Across processes, the storage's thread lock
adds mutual exclusion on top.)"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ThreadTurns:
    def __init__(self) -> None:
        self._waiting: dict[str, list[str]] = {}
        self._busy: set[str] = set()
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def turn(self, thread: str, ts: str) -> AsyncIterator[None]:
        order = _sortable(ts)
        async with self._changed:
            heapq.heappush(self._waiting.setdefault(thread, []), order)
            await self._changed.wait_for(
                lambda: thread not in self._busy and self._waiting[thread][0] == order
            )
            heapq.heappop(self._waiting[thread])
            self._busy.add(thread)
        try:
            yield
        finally:
            async with self._changed:
                self._busy.discard(thread)
                if not self._waiting[thread]:
                    del self._waiting[thread]
                self._changed.notify_all()

    def waiting(self, thread: str) -> int:
        return len(self._waiting.get(thread, ()))


def _sortable(ts: str) -> str:
    """Slack ts strings compare correctly once the integer part is padded."""
    seconds, _, fraction = ts.partition(".")
    return f"{seconds:>012}.{fraction:<06}"
