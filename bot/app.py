"""The Slack app factory and the HTTP server around it."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.services import Services

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


def build_client(token: str | None, api_url: str) -> AsyncWebClient:
    """The Web API client: rate limits (429 + Retry-After) and dropped connections are retried."""
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        timeout=30,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_app(services: Services) -> AsyncApp:
    settings = services.settings
    app = AsyncApp(
        client=build_client(settings.bot_token, settings.api_url),
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
        bolt_request = AsyncBoltRequest(body=raw, query=request.query_string, headers=headers)
        if not bolt_request.body and raw and not raw.startswith("{"):
            # Bolt takes any form body mentioning "payload" for interactivity; a slash command
            # like `/newchat payload` would be dropped. Parse such bodies as plain forms.
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if "command" in form:
                bolt_request.body = form
        response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application(client_max_size=1024 * 1024)
    application.router.add_post(EVENTS_PATH, slack_events)
    application.router.add_get("/healthz", healthz)
    return application
