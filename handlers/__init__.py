"""Bolt listeners: Slack payloads in, calls on the core, replies back. Every subscribed event
has a listener, so each is acknowledged (Bolt answers 404 otherwise and Slack retries)."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.actions import ACTIONS, handle_chart_click
from handlers.messages import answer_taken, take_on
from handlers.newchat import handle_newchat_command, handle_newchat_shortcut

COMMAND = "/newchat"
SHORTCUT_CALLBACK_ID = "new_chat"


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_newchat_command)
    app.message_shortcut(SHORTCUT_CALLBACK_ID)(handle_newchat_shortcut)
    app.action(re.compile(ACTIONS))(handle_chart_click)  # a chart's buttons
    # take_on claims a message for the bot before Bolt acknowledges it; answer_taken answers.
    app.event("app_mention", middleware=[take_on])(answer_taken)
    # Every message event, so each is acknowledged; take_on passes over the subtypes that are
    # not a person's new message (edits, deletions, housekeeping).
    app.event("message", middleware=[take_on])(answer_taken)
