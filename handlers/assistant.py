"""Assistant threads (the app's pane and Messages tab in Slack's AI app surface).

Opening one sets a title and requests that work on typed data; a file shared there later
replaces them with requests on its columns (``bot.conversation`` says so through the outbox).
The thread's messages are ordinary DM messages: ``handlers.messages`` claims and answers them,
so they are answered once, in order, and logged like any thread's. Plain listeners rather than
Bolt's ``AsyncAssistant``, which would take those messages past that claim.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import texts
from bot.understand.answers import starter_requests
from handlers.status import ThreadStatus

log = logging.getLogger(__name__)


async def handle_thread_started(event: dict[str, Any], client: AsyncWebClient) -> None:
    thread = event.get("assistant_thread") or {}
    channel, thread_ts = thread.get("channel_id"), thread.get("thread_ts")
    if not (channel and thread_ts):
        log.warning("assistant_thread_started without a thread: %r", thread)
        return
    status = ThreadStatus(client, channel=channel, thread_ts=thread_ts, assistant=True)
    await status.suggest(starter_requests(), texts.NEW_THREAD_TOPIC)


async def handle_context_changed(event: dict[str, Any]) -> None:
    """The user looked at another channel with the pane open. Charts come from the thread's
    own messages and files, so there is nothing to change; the listener acknowledges it."""
    thread = event.get("assistant_thread") or {}
    log.debug("assistant thread %s now viewed from %s", thread.get("thread_ts"),
              (thread.get("context") or {}).get("channel_id"))  # fmt: skip
