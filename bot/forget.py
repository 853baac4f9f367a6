"""Deleting sessions on a user's request (PRODUCT.md §3 "/newchat and friends").

A user may only delete sessions they took part in; asking for any other thread deletes nothing
and reveals nothing about it.
"""

from __future__ import annotations

from storage.base import SessionSummary, Storage, session_key

ALL = "all"


async def forget(
    storage: Storage, *, team: str, channel: str, user: str, thread_ts: str | None = None,
    everything: bool = False,
) -> list[SessionSummary]:  # fmt: skip
    """Delete the user's sessions in ``channel``: one thread (``thread_ts``), all of them
    (``everything``), or else the most recently used one. Returns what was deleted."""
    mine = await storage.list(user=user, team=team, channel=channel)  # most recent first
    if thread_ts is not None:
        key = session_key(team, channel, thread_ts)
        chosen = [s for s in mine if s.key == key]
    elif everything:
        chosen = mine
    else:
        chosen = mine[:1]
    deleted = []
    for summary in chosen:
        if await storage.delete(summary.key):
            deleted.append(summary)
    return deleted


def forgot_text(deleted: list[SessionSummary], *, asked_for_thread: bool = False) -> str:
    if not deleted:
        if asked_for_thread:
            return (
                "Nothing to delete: I have no conversation of yours in that thread. "
                "Only threads you took part in can be reset."
            )
        return "Nothing to delete: you have no chart conversation with me here."
    lines = [f"Deleted {len(deleted)} conversation{'s' if len(deleted) != 1 else ''} and its data:"]
    if len(deleted) != 1:
        lines[0] = lines[0].replace("its data", "their data")
    for summary in deleted[:20]:
        words = summary.first_words or "(no text)"
        lines.append(f"• “{words}”")
    if len(deleted) > 20:
        lines.append(f"…and {len(deleted) - 20} more.")
    return "\n".join(lines)
