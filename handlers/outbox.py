"""Replies into a Slack thread, and shared files fetched from Slack: the core's ``Outbox``."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import DeliveryError, Reply
from bot.intake import FileRef, Limits, download

SLACK_ERRORS = (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError)
MESSAGE_LIMIT = 3900  # Slack truncates long messages; stay well inside its ~4,000 advice
MAX_PARTS = 4  # a longer answer is trimmed with a note instead of flooding the thread
TRIMMED_NOTE = "_(trimmed: the full answer was too long for Slack)_"


def split_text(text: str, *, limit: int = MESSAGE_LIMIT, max_parts: int = MAX_PARTS) -> list[str]:
    """Cut ``text`` into messages under ``limit`` characters, at line breaks where possible,
    keeping ``` code blocks balanced; beyond ``max_parts`` the rest is dropped with a note."""
    parts: list[str] = []
    rest = text
    while rest:
        if len(rest) <= limit:
            parts.append(rest)
            break
        cut = rest.rfind("\n", 0, limit - 4)
        if cut < limit // 2:
            cut = limit - 4
        head, rest = rest[:cut], rest[cut:].lstrip("\n")
        if head.count("```") % 2:
            head += "\n```"
            rest = "```\n" + rest
        parts.append(head)
    if len(parts) > max_parts:
        parts = parts[:max_parts]
        parts[-1] = parts[-1][: limit - len(TRIMMED_NOTE) - 8] + "\n" + TRIMMED_NOTE
        if parts[-1].count("```") % 2:
            parts[-1] = parts[-1].replace("\n" + TRIMMED_NOTE, "\n```\n" + TRIMMED_NOTE)
    return parts or [""]


def file_ref(file: dict[str, Any]) -> FileRef:
    return FileRef(
        id=file["id"],
        name=file.get("name") or file.get("title") or file["id"],
        size=file.get("size"),
        url=file.get("url_private_download") or file.get("url_private"),
        filetype=file.get("filetype", ""),
        mimetype=file.get("mimetype", ""),
    )


def chart_filename(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    return f"{slug or 'chart'}.png"


class SlackOutbox:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        thread_ts: str,
        token: str,
        api_url: str,
        http: aiohttp.ClientSession | None = None,
        on_posting: Callable[[], Awaitable[None]] | None = None,
        on_delivered: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.token, self.api_url, self.http = token, api_url, http
        self.on_posting, self.on_delivered = on_posting, on_delivered

    async def fetch(self, ref: FileRef, limits: Limits) -> bytes:
        if not ref.url:  # a partial file object (e.g. Slack Connect): ask for the full one
            info = await self.client.files_info(file=ref.id)
            ref = file_ref(info["file"])
        return await download(
            ref, token=self.token, api_url=self.api_url, limits=limits, session=self.http
        )

    async def post(self, reply: Reply) -> str | None:
        if self.on_posting is not None:  # said once, before anything reaches the thread
            callback, self.on_posting = self.on_posting, None
            await callback()
        try:
            file_id = await self._post(reply)
        except SLACK_ERRORS as exc:
            raise DeliveryError(type(exc).__name__) from exc
        if self.on_delivered is not None:
            # Said as soon as Slack has the reply: the narrowest window for a crash to leave
            # a delivered answer looking unanswered (and answered again after a restart).
            callback, self.on_delivered = self.on_delivered, None
            await callback()
        return file_id

    async def _post(self, reply: Reply) -> str | None:
        if reply.chart is not None:
            chart = reply.chart
            response = await self.client.files_upload_v2(
                channel=self.channel,
                thread_ts=self.thread_ts,
                file=chart.png,
                filename=chart_filename(chart.title),
                title=chart.title,
                alt_txt=chart.alt_text[:1000],
                initial_comment=split_text(reply.text, max_parts=1)[0],
            )
            return response["file"]["id"]
        for part in split_text(reply.text):
            await self.client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, text=part
            )
        return None
