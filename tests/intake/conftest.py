"""Fixtures for intake tests: the real-world corpus, workbook builders and two loopback servers."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from openpyxl import Workbook

from tests.datafiles import CORPUS, data_path

TOKEN = "xoxb-test-token"


@pytest.fixture
def corpus() -> Path:
    return data_path(CORPUS)


def xlsx_bytes(build: Callable[[Workbook], Any]) -> bytes:
    """A workbook built by ``build`` (given a fresh Workbook with one sheet), as bytes."""
    wb = Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_bytes(rows: list[list[Any]], title: str = "Data", formats: dict[str, str] | None = None):
    """A one-sheet workbook from rows; ``formats`` maps a column letter to a number format."""

    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.title = title
        for row in rows:
            ws.append(row)
        for letter, fmt in (formats or {}).items():
            for cell in ws[letter]:
                cell.number_format = fmt

    return xlsx_bytes(build)


@dataclass
class Server:
    url: str
    requests: list[dict[str, str]] = field(default_factory=list)


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def other_server() -> AsyncIterator[Server]:
    """A server that must never be contacted: it records every request it gets."""
    server = Server("")

    async def anything(request: web.Request) -> web.Response:
        server.requests.append(dict(request.headers))
        return web.Response(body=b"PK\x03\x04 not for you")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", anything)
    runner, server.url = await _start(app)
    yield server
    await runner.cleanup()


@pytest.fixture
async def slack_files(other_server: Server) -> AsyncIterator[Server]:
    """A minimal Slack file host: serves a workbook only with the right bearer token."""
    server = Server("")
    payload = sheet_bytes([["Region", "Revenue"], ["North", 10], ["South", 20]])

    def authorised(request: web.Request) -> bool:
        server.requests.append(dict(request.headers))
        return request.headers.get("Authorization") == f"Bearer {TOKEN}"

    async def file(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=403, text="forbidden")
        return web.Response(body=payload, content_type="application/octet-stream")

    async def huge(request: web.Request) -> web.StreamResponse:
        authorised(request)
        resp = web.StreamResponse()  # chunked: no Content-Length to trust
        await resp.prepare(request)
        chunk = b"PK\x03\x04" + b"\0" * (64 * 1024 - 4)
        try:
            for _ in range(64):  # 4 MiB
                await resp.write(chunk)
        except ConnectionError:
            pass
        return resp

    async def sign_in(request: web.Request) -> web.Response:
        authorised(request)
        html = "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head></html>"
        return web.Response(text=html + " " * 2000, content_type="text/html")

    async def away(request: web.Request) -> web.Response:
        authorised(request)
        raise web.HTTPFound(f"{other_server.url}/files/stolen.xlsx")

    async def here(request: web.Request) -> web.Response:
        authorised(request)
        raise web.HTTPFound("/files-pri/T1-F1/report.xlsx")

    app = web.Application()
    app.router.add_get("/files-pri/T1-F1/report.xlsx", file)
    app.router.add_get("/files-pri/T1-F2/huge.xlsx", huge)
    app.router.add_get("/files-pri/T1-F3/login.xlsx", sign_in)
    app.router.add_get("/files-pri/T1-F4/away.xlsx", away)
    app.router.add_get("/files-pri/T1-F5/here.xlsx", here)
    runner, server.url = await _start(app)
    yield server
    await runner.cleanup()
