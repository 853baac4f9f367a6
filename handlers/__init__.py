"""Bolt listeners: Slack payloads in, calls on the core, replies back. Registered specific first,
catch-alls last, so every subscribed event is acknowledged (Bolt answers 404 otherwise and Slack
retries)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.messages import handle_mention, handle_message
from handlers.newchat import handle_newchat_command, handle_newchat_shortcut

COMMAND = "/newchat"
SHORTCUT_CALLBACK_ID = "new_chat"


async def ignore() -> None:
    """Acknowledge and drop (edits, deletions, housekeeping events)."""


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_newchat_command)
    app.message_shortcut(SHORTCUT_CALLBACK_ID)(handle_newchat_shortcut)
    app.event("app_mention")(handle_mention)
    app.event({"type": "message", "subtype": None})(handle_message)
    app.event({"type": "message", "subtype": "file_share"})(handle_message)
    app.event({"type": "message", "subtype": "thread_broadcast"})(handle_message)
    app.event("message")(ignore)
