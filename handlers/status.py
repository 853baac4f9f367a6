"""A thread's status line ("Chartbot is reading sales.xlsx…") and, in assistant threads, its
title and suggested prompts (``assistant.threads.*``). All of it is a courtesy: a refusal or a
failure goes to the log and never delays or breaks the answer."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from handlers.outbox import SLACK_ERRORS

log = logging.getLogger(__name__)

MAX_PROMPTS = 4  # assistant.threads.setSuggestedPrompts takes up to four
PROMPTS_TITLE = "Try asking"
SLACK_TIMEOUT = 3.0  # seconds: a slow call here must not hold up the answer


def is_assistant_message(event: dict[str, Any]) -> bool:
    """A person's message in an assistant thread (the app's pane or Messages tab). Slack marks
    it with ``assistant_thread``; Bolt counts every threaded DM message as one, so do we."""
    if "assistant_thread" in event:
        return True
    return event.get("channel_type") == "im" and event.get("thread_ts") is not None


def prompts(requests: list[str]) -> list[dict[str, str]]:
    return [{"title": r, "message": r} for r in requests[:MAX_PROMPTS]]


class ThreadStatus:
    """What one thread shows besides replies. ``show`` says whether the status line is up:
    where Slack refuses it (not an assistant thread, a workspace without the feature), the
    caller shows progress another way, and later calls are not tried again. ``tell`` does not
    wait for Slack, so the work goes on meanwhile; ``settle`` waits before a reply is posted,
    since a status set after the reply would stay up for minutes."""

    def __init__(
        self, client: AsyncWebClient, *, channel: str, thread_ts: str, assistant: bool
    ) -> None:
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.assistant = assistant
        self.shown = False  # a status is up that no reply has cleared yet
        self.refused = False
        self._pending: asyncio.Task[None] | None = None  # the last status call on its way

    async def show(self, doing: str) -> bool:
        await self.settle()
        await self._show(doing)
        return self.shown

    def tell(self, doing: str) -> None:
        if not self.refused:
            self._pending = asyncio.create_task(self._after(self._pending, doing))

    async def settle(self) -> None:
        pending = self._pending
        if pending is not None:
            await pending  # never raises: see _after
            if self._pending is pending:
                self._pending = None

    async def _after(self, previous: asyncio.Task[None] | None, doing: str) -> None:
        try:
            if previous is not None:
                await previous
            await self._show(doing)
        except Exception:
            log.exception("setting the thread's status failed")

    async def _show(self, doing: str) -> None:
        if self.refused:
            return
        if await self._set_status(f"is {doing}"):
            self.shown = True
        else:
            self.refused = True

    def posted(self) -> None:
        """A reply reached the thread: Slack has cleared the status line."""
        self.shown = False

    async def clear(self) -> None:
        """Take the status line down when a request ends without a reply to clear it."""
        await self.settle()
        if self.shown and await self._set_status(""):
            self.shown = False

    async def suggest(self, requests: list[str], topic: str) -> None:
        if not self.assistant or not requests:
            return
        where = {"channel_id": self.channel, "thread_ts": self.thread_ts}
        try:
            await asyncio.wait_for(
                self.client.assistant_threads_setTitle(**where, title=topic), SLACK_TIMEOUT
            )
            await asyncio.wait_for(
                self.client.assistant_threads_setSuggestedPrompts(
                    **where, prompts=prompts(requests), title=PROMPTS_TITLE
                ),
                SLACK_TIMEOUT,
            )
        except SLACK_ERRORS as exc:
            log.info("could not set the assistant thread's title or prompts: %r", exc)

    async def _set_status(self, status: str) -> bool:
        try:
            await asyncio.wait_for(
                self.client.assistant_threads_setStatus(
                    channel_id=self.channel, thread_ts=self.thread_ts, status=status
                ),
                SLACK_TIMEOUT,
            )
        except SLACK_ERRORS as exc:
            log.debug("assistant.threads.setStatus refused in %s: %r", self.channel, exc)
            return False
        return True
