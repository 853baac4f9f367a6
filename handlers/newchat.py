"""``/newchat`` and the "New chat" message shortcut: delete a thread's session.

Routing: Slack allows custom slash commands only at the top level of a channel or DM, so
``/newchat`` works on the user's sessions in that conversation (latest, a linked thread, or
``all``); the message shortcut works from any message of the thread itself. Both answer
ephemerally. Typing "new chat" in the thread is handled by the conversation core.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.forget import ALL, forget, forgot_text

_PERMALINK = re.compile(r"/archives/([A-Z0-9]+)/p(\d{7,})")


def parse_permalink(text: str) -> tuple[str, str] | None:
    """``(channel, thread_ts)`` of a Slack message link, raw or wrapped as ``<url|label>``."""
    url = text.strip().strip("<>").split("|", 1)[0]
    match = _PERMALINK.search(url)
    if not match:
        return None
    channel, digits = match.groups()
    ts = f"{digits[:-6]}.{digits[-6:]}"
    thread_ts = parse_qs(urlsplit(url).query).get("thread_ts", [ts])[0]
    return channel, thread_ts


async def handle_newchat_command(
    ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    await ack()
    storage = context["services"].storage
    text = (command.get("text") or "").strip()
    channel, thread_ts = command["channel_id"], None
    if text and text.lower() != ALL:
        link = parse_permalink(text)
        if link is None:
            await respond(
                "Use `/newchat` for your latest conversation here, `/newchat all` for all of "
                "them, or `/newchat <link to a message of the thread>`. Inside a thread, type "
                "`new chat` or use the message shortcut “New chat”."
            )
            return
        channel, thread_ts = link
    deleted = await forget(
        storage,
        team=command["team_id"],
        channel=channel,
        user=command["user_id"],
        thread_ts=thread_ts,
        everything=text.lower() == ALL,
    )
    await respond(forgot_text(deleted, asked_for_thread=thread_ts is not None))


async def handle_newchat_shortcut(
    ack: AsyncAck, shortcut: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    await ack()
    message = shortcut.get("message", {})
    thread_ts = message.get("thread_ts") or message.get("ts") or shortcut["message_ts"]
    deleted = await forget(
        context["services"].storage,
        team=shortcut["team"]["id"],
        channel=shortcut["channel"]["id"],
        user=shortcut["user"]["id"],
        thread_ts=thread_ts,
    )
    await respond(forgot_text(deleted, asked_for_thread=True))
