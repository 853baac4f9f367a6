"""Helpers for the hostile-input suite: what a user or operator checks after an attack — the
replies in the thread, what was stored, and what reached (or never reached) Slack."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from openpyxl import Workbook

from tests.conftest import RunningBot
from tests.fake_slack import BOT_TOKEN, Call, FakeSlack
from tests.signed import message

# What must never reach a user: stack traces, exception names, paths, tokens.
_INTERNALS = re.compile(
    r"Traceback|File \"|\.py\b|Error:|Exception|/tmp/|/work/|xox[abp]-|IntakeError|errno",
    re.IGNORECASE,
)


def assert_plain(text: str) -> None:
    """A reply meant for people: no internals, and not absurdly long."""
    assert not _INTERNALS.search(text), f"internals in a reply: {text[:300]!r}"
    assert BOT_TOKEN not in text
    assert len(text) < 4000


def texts_sent(fake: FakeSlack) -> list[str]:
    """Everything the bot said: messages, chart comments, ephemeral and response_url texts."""
    said = [c.params.get("text", "") for c in fake.calls_of("chat.postMessage")]
    said += [c.params.get("text", "") for c in fake.calls_of("chat.postEphemeral")]
    said += [
        c.params.get("initial_comment", "") for c in fake.calls_of("files.completeUploadExternal")
    ]
    said += [r.get("text", "") for r in fake.responses]
    return said


def assert_token_only_to_slack(fake: FakeSlack) -> None:
    """The token travels only in the Authorization header, never in what the bot sends."""
    for call in fake.calls:
        assert BOT_TOKEN not in str(call.params), f"token leaked into {call.method} params"


async def next_request_works(bot: RunningBot, fake: FakeSlack, channel: str, root: str) -> None:
    """After an attack, the same thread still gets a normal chart."""
    answers = len(fake.finals())
    uploads = len(fake.calls_of("files.completeUploadExternal"))
    extra = {"channel_type": "im"} if channel.startswith("D") else {}
    await bot.sender.event(
        message("bar chart of apples 3, pears 5", channel=channel, thread_ts=root, **extra)
    )
    finals = await fake.answered(answers + 1)
    assert finals[-1].params["name"] == "white_check_mark"
    completes = await fake.wait_for("files.completeUploadExternal", uploads + 1)
    assert completes[-1].params["thread_ts"] == root
    session = await bot.storage.get(f"T1:{channel}:{root}")
    assert session is not None
    chart = session.chat_history[-1]["metadata"]
    assert chart["x_labels"] == ["apples", "pears"] and chart["y_values"] == [3, 5]


# --- workbooks -----------------------------------------------------------------------------


def workbook(rows: list[list[Any]], title: str = "Data") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit_member(package: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    """A copy of a zip package with one member passed through ``edit``."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info.filename, edit(content) if info.filename == name else content)
    return out.getvalue()


# --- a server that must never be contacted -------------------------------------------------


@dataclass
class ForeignServer:
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
async def foreign_server() -> AsyncIterator[ForeignServer]:
    """Another host (a second loopback port): it records every request it gets."""
    server = ForeignServer()

    async def anything(request: web.Request) -> web.Response:
        server.requests.append(dict(request.headers))
        return web.Response(body=b"PK\x03\x04 not for you")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", anything)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()


class StreamingFakeSlack(FakeSlack):
    """The fake Slack, except that downloads are streamed in chunks without a Content-Length,
    so only the bot's own count of received bytes can stop an oversized body."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0  # bytes the bot accepted before hanging up

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        call = Call("download", {"file_id": file_id}, dict(request.headers))
        self.downloads.append(call)
        self.calls.append(call)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(
                text="<!DOCTYPE html><html>Sign in</html>", content_type="text/html"
            )
        _, data, ctype = self.files[file_id]
        response = web.StreamResponse(headers={"Content-Type": ctype})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = 64 * 1024
        try:
            for start in range(0, len(data), chunk):
                await response.write(data[start : start + chunk])
                self.sent += len(data[start : start + chunk])
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the bot hung up: what it should do once the limit is passed
        return response
