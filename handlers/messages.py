"""Mentions, DMs and follow-ups in a session's thread.

Routing (PRODUCT.md §3):
- an ``app_mention`` (top level or in a thread) is always for the bot;
- a ``message`` is for the bot in a DM, when it mentions the bot (the twin of an ``app_mention``:
  the claim de-duplicates the pair), or in a thread that already has a session;
- only new messages, file shares and thread broadcasts count; edits, deletions, other bots and
  our own messages (Bolt drops those) are ignored.

A message for the bot is claimed by ``take_on``, a listener middleware: Bolt runs it before it
acknowledges the event (over HTTP and Socket Mode alike), so nothing Slack stops re-delivering
is lost, and its place in the thread is held from then on. The listener answers it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.work import Job, answer, new_job, take
from storage.base import session_key

ACCEPTED_SUBTYPES = (None, "file_share", "thread_broadcast")


def _strip_mention(text: str, bot_user_id: str | None) -> str:
    return re.sub(rf"<@{re.escape(bot_user_id or 'U')}(\|[^>]*)?>", " ", text or "").strip()


def _is_from_person(event: dict[str, Any]) -> bool:
    return event.get("subtype") in ACCEPTED_SUBTYPES and "bot_id" not in event and "user" in event


async def take_on(
    event: dict[str, Any],
    body: dict[str, Any],
    context: AsyncBoltContext,
    next: Callable[[], Awaitable[None]],  # Bolt passes it by this name
) -> None:
    """Before the ack: claim the event's message if it is for the bot."""
    job = await _job_for_bot(event, body, context)
    if job is not None:
        context["job"] = job
        context["taken"] = await take(context["services"], job)
    await next()


async def answer_taken(context: AsyncBoltContext, client: AsyncWebClient) -> None:
    """After the ack: answer what ``take_on`` claimed."""
    job = context.get("job")
    if job is not None:
        await answer(context["services"], client, job, context["taken"])


async def _job_for_bot(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> Job | None:
    if not _is_from_person(event):
        return None
    team_id = context.team_id or body.get("team_id", "")
    thread_ts = event.get("thread_ts") or event["ts"]
    if event.get("type") == "message":
        mentioned = f"<@{context.bot_user_id}" in (event.get("text") or "")
        if not (event.get("channel_type") == "im" or mentioned):
            in_thread = "thread_ts" in event and event["thread_ts"] != event["ts"]
            key = session_key(team_id, event["channel"], thread_ts)
            storage = context["services"].storage
            if not in_thread or await storage.get(key, history_limit=0) is None:
                return None
    return new_job(
        team_id=team_id,
        channel=event["channel"],
        thread_ts=thread_ts,
        event=event,
        event_id=body.get("event_id"),
        text=_strip_mention(event.get("text", ""), context.bot_user_id),
    )
