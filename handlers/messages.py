"""Mentions, DMs and follow-ups in a session's thread.

Routing (PRODUCT.md §3):
- an ``app_mention`` (top level or in a thread) is always for the bot;
- a ``message`` is for the bot in a DM, when it mentions the bot (the twin of an ``app_mention``:
  ``answer`` de-duplicates the pair), or in a thread that already has a session;
- only new messages, file shares and thread broadcasts count; edits, deletions, other bots and
  our own messages (Bolt drops those) are ignored.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.work import answer
from storage.base import session_key

ACCEPTED_SUBTYPES = (None, "file_share", "thread_broadcast")


def _strip_mention(text: str, bot_user_id: str | None) -> str:
    return re.sub(rf"<@{re.escape(bot_user_id or 'U')}(\|[^>]*)?>", " ", text or "").strip()


def _is_from_person(event: dict[str, Any]) -> bool:
    return event.get("subtype") in ACCEPTED_SUBTYPES and "bot_id" not in event and "user" in event


async def handle_mention(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if not _is_from_person(event):
        return
    await answer(
        context["services"],
        client,
        team_id=context.team_id or body.get("team_id", ""),
        channel=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        event=event,
        event_id=body.get("event_id"),
        text=_strip_mention(event.get("text", ""), context.bot_user_id),
    )


async def handle_message(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if not _is_from_person(event):
        return
    services = context["services"]
    team_id = context.team_id or body.get("team_id", "")
    thread_ts = event.get("thread_ts") or event["ts"]
    mentioned = f"<@{context.bot_user_id}" in (event.get("text") or "")
    in_dm = event.get("channel_type") == "im"
    if not (in_dm or mentioned):
        in_thread = "thread_ts" in event and event["thread_ts"] != event["ts"]
        key = session_key(team_id, event["channel"], thread_ts)
        if not in_thread or await services.storage.get(key, history_limit=0) is None:
            return
    await answer(
        services,
        client,
        team_id=team_id,
        channel=event["channel"],
        thread_ts=thread_ts,
        event=event,
        event_id=body.get("event_id"),
        text=_strip_mention(event.get("text", ""), context.bot_user_id),
    )
