"""Session, dataset and preference storage (PRODUCT.md §5, §7): ``open_storage(STORAGE_URL)``."""

from __future__ import annotations

import datetime as dt

from storage.base import Session, SessionSummary, Storage, StorageError, session_key

__all__ = ["Session", "SessionSummary", "Storage", "StorageError", "open_storage", "session_key"]

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


async def open_storage(
    url: str,
    *,
    session_ttl: dt.timedelta,
    max_sessions_per_user: int,
    exclusive: bool = True,
) -> Storage:
    """The backend ``url`` names: ``redis://host:port/db`` → Redis, anything else is a directory
    for the JSON backend. ``exclusive`` is the bot process: the JSON directory is locked against a
    second bot; the admin CLI passes False and shares the directory safely.

    Raises StorageError with one readable line when the storage cannot be used.
    """
    if not url or not url.strip():
        raise StorageError("STORAGE_URL is empty: give a directory or redis://host:port/db")
    if url.startswith(_REDIS_SCHEMES):
        from storage.redis_backend import RedisStorage

        return await RedisStorage.connect(
            url, session_ttl=session_ttl, max_sessions_per_user=max_sessions_per_user
        )
    from storage.json_backend import JsonStorage

    path = url.removeprefix("file://")
    return JsonStorage(
        path,
        session_ttl=session_ttl,
        max_sessions_per_user=max_sessions_per_user,
        exclusive=exclusive,
    )
