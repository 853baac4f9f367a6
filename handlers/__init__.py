"""Bolt listeners: Slack payloads in, calls on the core, replies back. Every subscribed event
has a listener, so each is acknowledged (Bolt answers 404 otherwise and Slack retries)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.messages import handle_mention, handle_message
from handlers.newchat import handle_newchat_command, handle_newchat_shortcut

COMMAND = "/newchat"
SHORTCUT_CALLBACK_ID = "new_chat"


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_newchat_command)
    app.message_shortcut(SHORTCUT_CALLBACK_ID)(handle_newchat_shortcut)
    app.event("app_mention")(handle_mention)
    # Every message event, so each is acknowledged; handle_message drops the subtypes that are
    # not a person's new message (edits, deletions, housekeeping).
    app.event("message")(handle_message)
