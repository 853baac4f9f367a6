"""Replies into a Slack thread, and shared files fetched from Slack: the core's ``Outbox``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Controls
from bot.conversation import Attachment, DeliveryError, Reply
from bot.export.names import chart_filename
from bot.intake import FileRef, Limits, download
from bot.jobs import Drawn
from handlers.buttons import button_blocks, buttons_text, table_blocks, table_text
from handlers.native import NativeCharts

if TYPE_CHECKING:
    from handlers.status import ThreadStatus

log = logging.getLogger(__name__)
SLACK_ERRORS = (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError)
MESSAGE_LIMIT = 3900  # Slack truncates long messages; stay well inside its ~4,000 advice
MAX_PARTS = 4  # a longer answer is trimmed with a note instead of flooding the thread
TRIMMED_NOTE = "_(trimmed: the full answer was too long for Slack)_"
Sent = dict[str, Any]  # what a reply on its way is known by: {"file": id} or text's metadata


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


REPLY_EVENT = "chartbot_reply"  # message metadata naming the user message a text reply answers


BUTTONS_EVENT = "chartbot_buttons"  # the message of a chart's buttons, right under the chart


def reply_metadata(answers: str) -> dict[str, Any]:
    return {"event_type": REPLY_EVENT, "event_payload": {"answers": answers}}


def buttons_metadata(answers: str, chart_id: str) -> dict[str, Any]:
    return {"event_type": BUTTONS_EVENT, "event_payload": {"answers": answers, "chart": chart_id}}


class SlackOutbox:
    """Posts the replies to one user message (``answers``, its ts). Each reply carries its
    identity before it can reach the thread, the uploaded file's id or ``reply_metadata``, and
    ``on_posting`` hears it, with the exchange the reply completes: after a crash,
    ``reply_arrived`` tells whether Slack has it, and the exchange is what to log if so."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        thread_ts: str,
        answers: str,
        token: str,
        api_url: str,
        http: aiohttp.ClientSession | None = None,
        on_posting: Callable[[Sent], Awaitable[None]] | None = None,
        native: NativeCharts | None = None,
        user: str | None = None,
        status: ThreadStatus | None = None,
    ) -> None:
        self.client, self.channel, self.thread_ts = client, channel, thread_ts
        self.answers, self.token, self.api_url, self.http = answers, token, api_url, http
        self.on_posting = on_posting
        self.native = native  # CHART_FORMAT=native: charts Slack draws, where it can
        self.user = user  # who asked: a private reply is shown to them only
        self.status = status  # the thread's status line, title and prompts, where Slack has them
        self.sent: Sent | None = None  # the first reply put on its way, by its identity

    async def fetch(self, ref: FileRef, limits: Limits) -> bytes:
        if not ref.url:  # a partial file object (e.g. Slack Connect): ask for the full one
            info = await self.client.files_info(file=ref.id)
            ref = file_ref(info["file"])
        return await download(
            ref, token=self.token, api_url=self.api_url, limits=limits, session=self.http
        )

    async def post(self, reply: Reply) -> str | None:
        try:
            if reply.private:
                if self.user is None:
                    raise DeliveryError("a private reply needs the user it is for")
                file_id: str | None = None
                await self.client.chat_postEphemeral(
                    channel=self.channel, user=self.user, thread_ts=self.thread_ts, text=reply.text
                )
            elif reply.chart is not None:
                file_id = None
                if not await self._post_native(reply):
                    file_id = await self._chart(reply, reply.chart)
            elif reply.table is not None or reply.attachment is not None:
                file_id = await self._data(reply)
            else:
                file_id = None
                await self._posting(reply, {"failed": reply.failed})
                await self._status_settled()
                for part in split_text(reply.text):
                    await self._post_text(part)
        except SLACK_ERRORS as exc:
            raise DeliveryError(type(exc).__name__) from exc
        if self.status is not None:
            self.status.posted()
        return file_id

    async def progress(self, doing: str) -> None:
        if self.status is not None:
            self.status.tell(doing)  # the work goes on while Slack hears it

    async def _status_settled(self) -> None:
        """Before a reply reaches the thread: a status set after it would stay up."""
        if self.status is not None:
            await self.status.settle()

    async def suggest(self, requests: list[str], topic: str) -> None:
        if self.status is not None:
            await self.status.suggest(requests, topic)

    async def _post_native(self, reply: Reply) -> bool:
        """Post the chart as a block Slack draws itself, its buttons in the same message;
        False: the PNG is to go instead (no block for this chart, or the workspace lacks it,
        now or lately)."""
        message = await self.native.message(reply) if self.native else None
        if message is None:
            return False
        first = self.sent is None
        reply.native = True
        await self._posting(reply, {"failed": reply.failed})
        await self._status_settled()
        try:
            await self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                metadata=reply_metadata(self.answers),
                **message,
            )
        except SlackApiError as exc:
            if self.native is None or not await self.native.refused(exc):
                raise
            reply.native = False
            if first:  # nothing reached the thread: the PNG is known by its file id instead
                self.sent = None
            return False
        return True

    async def _chart(self, reply: Reply, chart: Drawn) -> str:
        """The chart as an uploaded PNG with its description, then its buttons in a message
        right under it: an ``image`` block may not reference a file Slack is still processing,
        and the upload keeps the reply known by its file id before it reaches the thread."""
        file = Attachment(chart_filename(chart.title), chart.png, chart.title)
        file_id = await self._upload(reply, file, alt_txt=chart.alt_text[:1000])
        if reply.controls is not None:
            await self.post_buttons(reply.controls)
        return file_id

    async def post_buttons(self, controls: Controls) -> None:
        """The chart's buttons under it. A chart without them still stands: typed edits work."""
        try:
            await self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                text=buttons_text(controls),
                blocks=button_blocks(controls),
                metadata=buttons_metadata(self.answers, controls.chart_id),
            )
        except SLACK_ERRORS:
            log.warning("could not post the buttons of chart %s", controls.chart_id, exc_info=True)

    async def _data(self, reply: Reply) -> str | None:
        """A table (known by its metadata) and then its file, or a file alone."""
        if reply.table is None:
            assert reply.attachment is not None
            alt_txt = (reply.attachment.alt_text or "")[:1000] or None
            return await self._upload(reply, reply.attachment, alt_txt=alt_txt)
        await self._posting(reply, {"failed": reply.failed})
        text = table_text(reply.text, reply.table, MESSAGE_LIMIT)
        await self._status_settled()
        try:
            await self._post_text(text, blocks=table_blocks(reply.text, reply.table))
        except SlackApiError as exc:
            if exc.response.get("error") != "invalid_blocks":
                raise
            # Refused as Slack refuses blocks it does not take (a workspace without table
            # blocks, a cell it finds too long): the same table as text.
            log.warning("table refused (%s); posted as text", exc.response.get("errors"))
            await self._post_text(text)
        if reply.attachment is None:
            return None
        return await self._upload(reply, reply.attachment, comment=False)

    async def _post_text(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        await self.client.chat_postMessage(
            channel=self.channel,
            thread_ts=self.thread_ts,
            text=text,
            blocks=blocks,
            metadata=reply_metadata(self.answers),
        )

    async def _upload(
        self, reply: Reply, file: Attachment, *, alt_txt: str | None = None, comment: bool = True
    ) -> str:
        """``files_upload_v2``'s three steps, spelled out because the file's id must be
        recorded (``on_posting``) after Slack names it and before the file is shared."""
        ticket = await self.client.files_getUploadURLExternal(
            filename=file.filename, length=len(file.data), alt_txt=alt_txt
        )
        file_id = ticket["file_id"]
        await self._posting(reply, {"file": file_id, "failed": reply.failed})
        await self._put(ticket["upload_url"], file.data)
        await self._status_settled()
        await self.client.files_completeUploadExternal(
            files=[{"id": file_id, "title": file.title}],
            channel_id=self.channel,
            thread_ts=self.thread_ts,
            initial_comment=split_text(reply.text, max_parts=1)[0] if comment else None,
        )
        return file_id

    async def _put(self, url: str, data: bytes) -> None:
        session = self.http or aiohttp.ClientSession(trust_env=False)
        try:
            timeout = aiohttp.ClientTimeout(total=self.client.timeout)
            async with session.post(url, data=data, timeout=timeout) as response:
                if response.status != 200:
                    raise SlackRequestError(f"file upload failed with HTTP {response.status}")
        finally:
            if session is not self.http:
                await session.close()

    async def _posting(self, reply: Reply, sent: Sent) -> None:
        if self.sent is None:  # said once, before anything reaches the thread
            if reply.exchange is not None:  # for whoever finds the reply after a crash
                sent = {**sent, "exchange": reply.exchange(sent.get("file"))}
            # A PNG's buttons follow it: whoever finds the chart posts them if missing. A
            # native chart carries its buttons in its own message.
            if reply.controls is not None and not reply.native:
                sent = {**sent, "buttons": asdict(reply.controls)}
            self.sent = sent
            if self.on_posting is not None:
                await self.on_posting(sent)


@dataclass
class Found:
    """What of a reply on its way at a crash the thread holds."""

    reply: bool
    buttons: bool  # the chart's buttons, when the reply is a chart with buttons


async def reply_arrived(
    client: AsyncWebClient, *, channel: str, thread_ts: str, answers: str, sent: Sent
) -> Found:
    """Whether the thread holds the reply ``sent`` names (and a chart's buttons):
    ``SlackOutbox`` was stopped after that reply was on its way, before hearing back."""
    found = Found(reply=False, buttons="buttons" not in sent)
    chart = sent.get("buttons", {}).get("chart_id", "")
    async for page in await client.conversations_replies(
        channel=channel, ts=thread_ts, oldest=answers, include_all_metadata=True, limit=200
    ):
        for message in page.get("messages", []):
            if "file" in sent:
                if any(f.get("id") == sent["file"] for f in message.get("files", [])):
                    found.reply = True
            elif message.get("metadata") == reply_metadata(answers):
                found.reply = True
            if message.get("metadata") == buttons_metadata(answers, chart):
                found.buttons = True
    return found
