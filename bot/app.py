"""The Slack app factory and the HTTP server around it."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot import services as services_module
from bot.services import Services

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


def build_client(
    token: str | None, api_url: str, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The Web API client: rate limits (429 + Retry-After), 5xx answers and dropped
    connections are retried; a shared ``session`` keeps connections open between calls."""
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        session=session,
        timeout=int(services_module.API_TIMEOUT_SECONDS),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(services: Services) -> AsyncApp:
    settings = services.settings
    app = AsyncApp(
        client=build_client(settings.bot_token, settings.api_url, services.http),
        signing_secret=settings.signing_secret or "",
        # An unsigned `ssl_check=1` body must get 401 like any other unsigned request.
        ssl_check_enabled=False,
        process_before_response=False,
    )

    @app.middleware
    async def attach_services(context, next):
        context["services"] = services
        return await next()

    handlers.register(app)
    return app


class FormSafeRequest(AsyncBoltRequest):
    """Bolt takes any form body mentioning "payload" for an interactivity payload, so a slash
    command such as ``/newchat payload`` would parse to nothing; parse such bodies as forms."""

    def __init__(self, *, body: str, context: dict | None = None, **kwargs: Any) -> None:
        super().__init__(body=body, context=context, **kwargs)
        if not self.body and body and not body.startswith("{"):
            form = dict(parse_qsl(body, keep_blank_values=True))
            if "command" in form and "payload" not in form:
                self.body = form
                self.context = build_async_context(AsyncBoltContext(context or {}), form)

    def to_copyable(self) -> FormSafeRequest:
        return FormSafeRequest(
            body=self.raw_body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
            mode=self.mode,
        )


def web_app(app: AsyncApp) -> web.Application:
    """``POST /slack/events`` for events, commands and interactivity; ``GET /healthz``."""

    async def slack_events(request: web.Request) -> web.Response:
        headers = request.headers
        # Reject what Bolt would answer with 500 (non-numeric timestamp) or must never process.
        if not _TIMESTAMP.match(
            headers.get("X-Slack-Request-Timestamp", "")
        ) or not _SIGNATURE.match(headers.get("X-Slack-Signature", "")):
            return web.json_response({"error": "invalid request"}, status=401)
        raw = await request.text()
        bolt_request = FormSafeRequest(body=raw, query=request.query_string, headers=headers)
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application(client_max_size=1024 * 1024)
    application.router.add_post(EVENTS_PATH, slack_events)
    application.router.add_get("/healthz", healthz)
    return application
