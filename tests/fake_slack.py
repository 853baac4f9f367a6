"""A Slack-compatible fake Web API server on loopback, for tests and benchmarks.

It answers the methods Chartbot uses the way Slack does, records every call (method, merged params
from query, form and JSON body, headers), serves shared files for download (only with the right
bearer token), implements the three-step ``files_upload_v2`` flow and ``response_url``, and lets a
test inject errors per method and await "N calls of method M".
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T1"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
SCOPES = "app_mentions:read,channels:history,groups:history,im:history,mpim:history,chat:write,files:read,files:write,reactions:write,commands,assistant:write"  # noqa: E501


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes = b""
    completed: dict[str, Any] | None = None  # the completeUploadExternal params


@dataclass
class _Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    hold_reply: float = 0.0


class FakeSlack:
    """Start with ``await fake.start()``; point the bot at ``fake.api_url``."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.uploads: dict[str, Upload] = {}
        self.files: dict[str, tuple[str, bytes, str]] = {}  # id → (name, bytes, content type)
        self.responses: list[dict[str, Any]] = []  # what reached response_url
        self.downloads: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel → posted
        # Assistant threads Slack opened (channel, thread_ts) and what each shows now.
        self.assistant_threads: set[tuple[str, str]] = set()
        self.statuses: dict[tuple[str, str], str] = {}  # cleared when the bot posts there
        self.titles: dict[tuple[str, str], str] = {}
        self.prompts: dict[tuple[str, str], list[dict[str, str]]] = {}

        self.ephemerals: list[dict[str, Any]] = []  # chat.postEphemeral's params, as accepted
        self._faults: dict[str, list[_Fault]] = defaultdict(list)
        self.latency = 0.0  # seconds every Web API call takes, as Slack's round trip does
        self._ids = itertools.count(1)
        self._last_ts = 0.0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.socket_acks: list[dict[str, Any]] = []
        self._sockets: list[web.WebSocketResponse] = []
        self.port = 0
        # False: a workspace without Slack's data_visualization block (it answers invalid_blocks)
        self.native_charts = True

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_post("/respond/{hook}", self._respond)
        app.router.add_get("/link", self._socket)
        # A call held by a ``delay`` fault would keep stop() waiting for it (60 s by default).
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, hook: str = "hook") -> str:
        return f"{self.base_url}/respond/{hook}"

    # --- test controls -------------------------------------------------------------------
    def add_file(
        self,
        name: str,
        data: bytes,
        *,
        file_id: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Share a file; returns the file object as it appears in a message's ``files``."""
        file_id = file_id or f"F{next(self._ids):06d}"
        self.files[file_id] = (name, data, content_type)
        return self.file_object(file_id)

    def file_object(self, file_id: str) -> dict[str, Any]:
        name, data, _ = self.files[file_id]
        url = f"{self.base_url}/files/{file_id}/{name}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "filetype": name.rsplit(".", 1)[-1].lower(),
            "mimetype": "application/octet-stream",
            "size": len(data),
            "mode": "hosted",
            "url_private": url,
            "url_private_download": url,
        }

    def open_assistant_thread(self, started: dict[str, Any]) -> None:
        """Slack's side of an ``assistant_thread_started`` event: the thread now exists."""
        thread = started["assistant_thread"]
        self.assistant_threads.add((thread["channel_id"], thread["thread_ts"]))

    def status_of(self, channel: str, thread_ts: str) -> str:
        """The thread's status line as a user sees it now ("" when none)."""
        return self.statuses.get((channel, thread_ts), "")

    def fail(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        hold_reply: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (or be slow, with ``delay``).

        ``error`` gives Slack's ``{"ok": false, "error": …}``; ``status=429`` with
        ``retry_after`` is rate limiting; ``status=500`` a server error. ``hold_reply`` lets
        the call take effect, then holds its answer (Slack has it; the caller has not heard).
        """
        fault = _Fault(status, error, retry_after, delay, times, hold_reply)
        self._faults[method].append(fault)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Wait until ``method`` was called at least ``count`` times; returns those calls."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.calls_of(method)) >= count), timeout
                )
            except TimeoutError:
                got = len(self.calls_of(method))
                seen = sorted({c.method for c in self.calls})
                raise AssertionError(
                    f"expected {count} call(s) of {method}, got {got}; methods seen: {seen}"
                ) from None
        return self.calls_of(method)

    def finals(self) -> list[Call]:
        """The final reactions (✅ or ⚠️): the bot adds one per message after its reply is
        posted and logged."""
        return [
            c
            for c in self.calls_of("reactions.add")
            if c.params.get("name") in ("white_check_mark", "warning")
        ]

    async def answered(self, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Wait until ``count`` messages were fully answered (replied to and logged)."""
        finals = self.finals

        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(finals()) >= count), timeout
                )
            except TimeoutError:
                raise AssertionError(f"expected {count} answer(s), got {len(finals())}") from None
        return finals()

    async def quiet(self, seconds: float = 0.3) -> None:
        """Wait until no call arrived for ``seconds`` (to assert that nothing more happens)."""
        while True:
            last = self.calls[-1].at if self.calls else 0.0
            await asyncio.sleep(seconds)
            if (self.calls[-1].at if self.calls else 0.0) == last:
                return

    def chart_uploads(self) -> list[Upload]:
        return [u for u in self.uploads.values() if u.completed is not None]

    def files_in(self, thread_ts: str, suffix: str = "") -> list[Upload]:
        """Files shared into a thread (completed uploads), whose names end with ``suffix``,
        bytes and all, in upload order."""
        return [
            u
            for u in self.chart_uploads()
            if u.completed is not None
            and u.completed.get("thread_ts") == thread_ts
            and u.filename.endswith(suffix)
        ]

    def in_thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The messages the bot put into a thread (as ``conversations.replies`` has them)."""
        return [m for m in self.messages[channel] if m.get("thread_ts") == thread_ts]

    def text_posts(self) -> list[Call]:
        """The ``chat.postMessage`` calls less the bars of buttons under charts."""
        return [c for c in self.calls_of("chat.postMessage") if not is_button_bar(c.params)]

    def posted_texts(self) -> list[str]:
        return [c.params.get("text", "") for c in self.text_posts()]

    # --- handlers ------------------------------------------------------------------------
    async def _record(self, request: web.Request, method: str) -> Call:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        ctype = request.headers.get("Content-Type", "")
        if body and "json" in ctype:
            params.update(json.loads(body))
        elif body and "form" in ctype:
            params.update(dict((await request.post()).items()))
        call = Call(method, params, dict(request.headers))
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        return call

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = await self._record(request, method)
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._take_fault(method)
        if fault:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status != 200 or fault.error:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                body = {"ok": False, "error": fault.error or "ratelimited"}
                if fault.status >= 500:
                    return web.Response(status=fault.status, text="server error", headers=headers)
                return web.json_response(body, status=fault.status, headers=headers)
        expected = "Bearer xapp-" if method == "apps.connections.open" else f"Bearer {self.token}"
        if not request.headers.get("Authorization", "").startswith(expected):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        result = handler(call.params) if handler else {}
        if fault and fault.hold_reply:
            async with self._changed:
                self._changed.notify_all()  # what the call did is visible while it is held
            await asyncio.sleep(fault.hold_reply)
        headers = {"x-oauth-scopes": SCOPES} if method == "auth.test" else {}
        return web.json_response({"ok": True, **result}, headers=headers)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _new_ts(self) -> str:
        """Now, as Slack stamps messages: later than every test message (``tests.signed``)."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _m_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://chartbot-test.slack.com/",
            "team": "Test",
            "user": "chartbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _m_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/link"}

    def chart_blocks(self) -> list[dict[str, Any]]:
        """The data_visualization blocks of every chat.postMessage, accepted or not."""
        return [
            block
            for call in self.calls_of("chat.postMessage")
            for block in _json(call.params.get("blocks")) or []
            if isinstance(block, dict) and block.get("type") == "data_visualization"
        ]

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        metadata, blocks = _json(params.get("metadata")), _json(params.get("blocks"))
        problems = block_problems(blocks) if blocks is not None else []
        problems += block_errors(blocks or [], native_charts=self.native_charts)
        if problems:  # Slack's answer to blocks it cannot take, with a json-pointer per fault
            return {
                "ok": False,
                "error": "invalid_blocks",
                "errors": problems,
                "response_metadata": {"messages": [f"[ERROR] {e}" for e in problems]},
            }
        message = self._post(
            params.get("channel", ""),
            params.get("thread_ts"),
            text=params.get("text"),
            metadata=metadata,
            blocks=blocks,
        )
        return {"channel": params.get("channel"), "ts": message["ts"], "message": message}

    def _post(self, channel: str, thread_ts: str | None, **fields: Any) -> dict[str, Any]:
        """A message the bot put into ``channel`` (as ``conversations.replies`` returns it)."""
        ts = self._new_ts()
        message = {"type": "message", "ts": ts, "bot_id": BOT_ID, "user": BOT_USER_ID}
        message.update({name: value for name, value in fields.items() if value is not None})
        if thread_ts:
            message["thread_ts"] = thread_ts
            self.statuses.pop((channel, thread_ts), None)  # Slack clears it when the app posts
        self.messages[channel].append(message)
        return message

    # --- assistant.threads.* (docs.slack.dev/reference/methods/assistant.threads.*) ----------
    def _m_assistant_threads_setStatus(self, params: dict[str, Any]) -> dict[str, Any]:
        # Since 2026-03-05 any thread with chat:write, not only assistant threads.
        error = _missing(params, "channel_id", "thread_ts", "status")
        loading = _json(params.get("loading_messages")) or []
        if not error and (not isinstance(loading, list) or len(loading) > 10):
            error = _invalid("loading_messages must be an array of at most 10 strings")
        if error:
            return error
        self.statuses[(params["channel_id"], params["thread_ts"])] = params["status"]
        return {}

    def _m_assistant_threads_setTitle(self, params: dict[str, Any]) -> dict[str, Any]:
        error = _missing(params, "channel_id", "thread_ts", "title") or self._thread(params)
        if error:
            return error
        self.titles[(params["channel_id"], params["thread_ts"])] = params["title"]
        return {}

    def _m_assistant_threads_setSuggestedPrompts(self, params: dict[str, Any]) -> dict[str, Any]:
        error = _missing(params, "channel_id", "prompts")
        prompts = _json(params.get("prompts"))
        if not error:
            fine = isinstance(prompts, list) and 1 <= len(prompts) <= 4
            fine = fine and all(
                isinstance(p, dict) and set(p) == {"title", "message"} and all(p.values())
                for p in prompts
            )
            error = None if fine else _invalid("prompts must be 1 to 4 {title, message} objects")
        if not error and "thread_ts" not in params:  # the channel's latest thread
            latest = [ts for ch, ts in self.assistant_threads if ch == params["channel_id"]]
            params = {**params, "thread_ts": max(latest, key=float, default="")}
        error = error or self._thread(params)
        if error:
            return error
        self.prompts[(params["channel_id"], params["thread_ts"])] = prompts
        return {}

    def _thread(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """Title and prompts exist only in the threads of the app's assistant pane."""
        if (params["channel_id"], params["thread_ts"]) not in self.assistant_threads:
            return {"ok": False, "error": "invalid_thread_ts"}
        return None

    def _m_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        thread_ts, oldest = params.get("ts", ""), float(params.get("oldest") or 0)
        metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        replies = [
            message if metadata else {k: v for k, v in message.items() if k != "metadata"}
            for message in self.messages[params.get("channel", "")]
            if message.get("thread_ts") == thread_ts and float(message["ts"]) > oldest
        ]
        return {"messages": replies, "has_more": False}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        if not (params.get("text") or params.get("blocks")):
            return {"ok": False, "error": "no_text"}
        self.ephemerals.append(params)
        return {"message_ts": self._new_ts()}

    def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": params.get("channel"), "ts": params.get("ts")}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"FUP{next(self._ids):06d}"
        self.uploads[file_id] = Upload(
            file_id, params.get("filename", ""), int(params.get("length", 0)), params.get("alt_txt")
        )
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        files = json.loads(files) if isinstance(files, str) else files or []
        out = []
        for item in files:
            upload = self.uploads.get(item["id"])
            if upload is not None:
                upload.completed = params
            out.append(
                {
                    "id": item["id"],
                    "title": item.get("title") or "",
                    "name": upload.filename if upload else "",
                }
            )
        channel = params.get("channel_id") or ""
        self._post(channel, params.get("thread_ts"), text=params.get("initial_comment"), files=out)
        return {"files": out}

    def _m_files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get("file", "")
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        return {"file": self.file_object(file_id)}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.calls.append(
            Call("upload", {"file_id": file_id, "bytes": len(data)}, dict(request.headers))
        )
        if file_id not in self.uploads:
            return web.Response(status=404, text="unknown upload")
        self.uploads[file_id].data = data
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text=f"OK - {len(data)}")

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        call = Call("download", {"file_id": file_id}, dict(request.headers))
        self.downloads.append(call)
        self.calls.append(call)
        if (
            request.headers.get("Authorization") != f"Bearer {self.token}"
            or file_id not in self.files
        ):
            # Slack answers a missing or wrong token with a sign-in page, not a 401.
            return web.Response(
                text="<!DOCTYPE html><html>Sign in</html>", content_type="text/html"
            )
        _, data, ctype = self.files[file_id]
        return web.Response(body=data, content_type=ctype)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode: hello on connect, envelopes pushed by the test, acks recorded."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        async for frame in ws:
            if frame.type.name == "TEXT":
                self.socket_acks.append(json.loads(frame.data))
                self.calls.append(Call("socket_ack", self.socket_acks[-1], {}))
                async with self._changed:
                    self._changed.notify_all()
        self._sockets.remove(ws)
        return ws

    async def wait_for_socket(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError("the bot never opened a Socket Mode connection")
            await asyncio.sleep(0.05)

    async def socket_send(self, envelope_type: str, payload: dict[str, Any]) -> str:
        """Push an envelope (``events_api``, ``slash_commands``, ``interactive``); its id."""
        envelope_id = f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        return envelope_id

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append(body)
        self.calls.append(Call("response_url", body, dict(request.headers)))
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text="ok")


def _json(value: Any) -> Any:
    """A structured argument, sent as JSON or as a JSON string in a form."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _invalid(why: str) -> dict[str, Any]:
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] {why}"]},
    }


def _missing(params: dict[str, Any], *names: str) -> dict[str, Any] | None:
    for name in names:
        if params.get(name) is None:
            return _invalid(f"missing required field: {name}")
    return None


def is_button_bar(message: dict[str, Any]) -> bool:
    """A message (or its ``chat.postMessage`` params) made of buttons alone."""
    blocks = _json(message.get("blocks")) or []
    return bool(blocks) and all(block.get("type") == "actions" for block in blocks)


# Slack's documented Block Kit limits (docs.slack.dev/reference/block-kit): a message breaking
# one is refused whole with ``invalid_blocks``.
MAX_BLOCKS, MAX_ACTIONS, MAX_BUTTON_TEXT, MAX_VALUE, MAX_ID = 50, 25, 75, 2000, 255
MAX_SECTION_TEXT, MAX_TABLE_ROWS, MAX_TABLE_CELLS = 3000, 100, 20
_CELL_TYPES = ("raw_text", "raw_number", "rich_text")


def block_problems(blocks: Any) -> list[str]:
    """What Slack would name in ``invalid_blocks``'s ``errors``; empty when the blocks are
    fine."""
    if not isinstance(blocks, list) or not blocks:
        return ["must provide an array of blocks"]
    if len(blocks) > MAX_BLOCKS:
        return [f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]"]
    problems: list[str] = []
    action_ids: list[str] = []
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{i}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if len(str(block.get("block_id", "") if kind else "")) > MAX_ID:
            problems.append(f"must be less than {MAX_ID + 1} characters {where}/block_id")
        if kind == "actions":
            problems += _actions_problems(block, where, action_ids)
        elif kind == "section":
            text = (block.get("text") or {}).get("text", "")
            if not text or len(text) > MAX_SECTION_TEXT:
                problems.append(f"must be 1-{MAX_SECTION_TEXT} characters {where}/text")
        elif kind == "table":
            problems += _table_problems(block, where)
        elif kind not in (
            "context", "image", "divider", "header", "rich_text", "markdown",
            "data_visualization",  # checked by block_errors
        ):  # fmt: skip
            problems.append(f"unsupported block type {where}/type")
    return problems


def _actions_problems(block: dict[str, Any], where: str, action_ids: list[str]) -> list[str]:
    elements = block.get("elements") or []
    if not elements or len(elements) > MAX_ACTIONS:
        return [f"must be 1-{MAX_ACTIONS} items {where}/elements"]
    problems = []
    for j, element in enumerate(elements):
        at = f"{where}/elements/{j}"
        if element.get("type") != "button":
            continue
        text = (element.get("text") or {}).get("text", "")
        if not text or len(text) > MAX_BUTTON_TEXT:
            problems.append(f"must be 1-{MAX_BUTTON_TEXT} characters {at}/text")
        if len(element.get("value", "")) > MAX_VALUE:
            problems.append(f"must be less than {MAX_VALUE + 1} characters {at}/value")
        action_id = element.get("action_id", "")
        if len(action_id) > MAX_ID or (action_id and action_id in action_ids):
            problems.append(f"action_id must be unique and under {MAX_ID + 1} chars {at}")
        action_ids.append(action_id)
    return problems


def _table_problems(block: dict[str, Any], where: str) -> list[str]:
    rows = block.get("rows") or []
    if not rows or len(rows) > MAX_TABLE_ROWS:
        return [f"must be 1-{MAX_TABLE_ROWS} items {where}/rows"]
    problems = []
    for r, row in enumerate(rows):
        if not row or len(row) > MAX_TABLE_CELLS:
            problems.append(f"must be 1-{MAX_TABLE_CELLS} items {where}/rows/{r}")
        elif any(cell.get("type") not in _CELL_TYPES for cell in row):
            problems.append(f"unsupported cell type {where}/rows/{r}")
        elif any(cell.get("type") == "raw_text" and not cell.get("text") for cell in row):
            problems.append(f"must be at least 1 character {where}/rows/{r}")
    if len(block.get("column_settings") or []) > MAX_TABLE_CELLS:
        problems.append(f"must be no more than {MAX_TABLE_CELLS} items {where}/column_settings")
    return problems


CHART_TYPES = ("bar", "line", "area", "pie")


def block_errors(blocks: list[Any], *, native_charts: bool = True) -> list[str]:
    """What Slack would say is wrong with ``blocks``' data_visualization blocks, checked against
    the documented limits (docs.slack.dev/reference/block-kit/blocks/data-visualization-block;
    1-20 categories and 20-character labels as third parties enforce them). Without
    ``native_charts`` the workspace knows no such block at all."""
    errors: list[str] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("type") != "data_visualization":
            continue
        at = f"/blocks/{i}"
        if not native_charts:
            errors.append(f"unsupported type: data_visualization [json-pointer:{at}/type]")
            continue
        title = block.get("title")
        if not isinstance(title, str) or not 1 <= len(title) <= 50:
            errors.append(f"must be a string of 1-50 characters [json-pointer:{at}/title]")
        chart = block.get("chart")
        if not isinstance(chart, dict) or chart.get("type") not in CHART_TYPES:
            errors.append(f"must be one of {', '.join(CHART_TYPES)} [json-pointer:{at}/chart/type]")
        elif chart["type"] == "pie":
            errors += _pie_errors(chart, f"{at}/chart")
        else:
            errors += _series_errors(chart, f"{at}/chart")
    return errors


def _label_error(label: Any, at: str) -> list[str]:
    if isinstance(label, str) and 1 <= len(label) <= 20:
        return []
    return [f"must be a string of 1-20 characters [json-pointer:{at}]"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _pie_errors(chart: dict[str, Any], at: str) -> list[str]:
    segments = chart.get("segments")
    if not isinstance(segments, list) or not 1 <= len(segments) <= 6:
        return [f"must have 1-6 items [json-pointer:{at}/segments]"]
    errors: list[str] = []
    for j, segment in enumerate(segments):
        errors += _label_error(segment.get("label"), f"{at}/segments/{j}/label")
        value = segment.get("value")
        if not _is_number(value) or value <= 0:
            errors.append(f"must be a number greater than 0 [json-pointer:{at}/segments/{j}/value]")
    return errors


def _series_errors(chart: dict[str, Any], at: str) -> list[str]:
    axis = chart.get("axis_config")
    if not isinstance(axis, dict):
        return [f"is required [json-pointer:{at}/axis_config]"]
    categories = axis.get("categories")
    if not isinstance(categories, list) or not 1 <= len(categories) <= 20:
        return [f"must have 1-20 items [json-pointer:{at}/axis_config/categories]"]
    errors: list[str] = []
    for j, category in enumerate(categories):
        errors += _label_error(category, f"{at}/axis_config/categories/{j}")
    for name in ("x_label", "y_label"):
        if name in axis and not (isinstance(axis[name], str) and len(axis[name]) <= 50):
            errors.append(f"must be at most 50 characters [json-pointer:{at}/axis_config/{name}]")
    series = chart.get("series")
    if not isinstance(series, list) or not 1 <= len(series) <= 6:
        return [*errors, f"must have 1-6 items [json-pointer:{at}/series]"]
    names = [s.get("name") for s in series]
    if len(set(map(str, names))) != len(names):
        errors.append(f"series names must be unique [json-pointer:{at}/series]")
    for j, item in enumerate(series):
        errors += _label_error(item.get("name"), f"{at}/series/{j}/name")
        data = item.get("data")
        if not isinstance(data, list) or [p.get("label") for p in data] != categories:
            errors.append(f"needs one point per category [json-pointer:{at}/series/{j}/data]")
            continue
        for k, point in enumerate(data):
            if not _is_number(point.get("value")):
                errors.append(f"must be a number [json-pointer:{at}/series/{j}/data/{k}/value]")
    return errors
