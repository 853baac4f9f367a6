"""Correctly signed Slack requests (events, slash commands, interactivity) sent over HTTP to the
real app, the way Slack sends them."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.fake_slack import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret"
_ts = itertools.count(1)


def next_ts() -> str:
    """A fresh, increasing Slack message ts."""
    return f"{1_700_000_000 + next(_ts)}.{next(_ts) % 1_000_000:06d}"


class SlackSender:
    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.verifier = SignatureVerifier(secret)
        self._events = itertools.count(1)
        self._http = aiohttp.ClientSession(trust_env=False)

    async def close(self) -> None:
        await self._http.close()

    def sign(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body),
        }

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        all_headers = {"Content-Type": content_type, **(headers or {})}
        async with self._http.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return resp.status, await resp.text()

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> tuple[int, str]:
        """Deliver an Events API callback; returns the HTTP status and body."""
        payload = {
            "token": "deprecated",
            "team_id": TEAM_ID,
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._events):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }
        body = json.dumps(payload)
        headers = self.sign(body)
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, "application/json", headers)

    async def command(
        self, text: str, *, user: str, channel: str, response_url: str, command: str = "/newchat"
    ) -> tuple[int, str]:
        form = {
            "token": "deprecated",
            "team_id": TEAM_ID,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
        body = urlencode(form)
        return await self.post(body, "application/x-www-form-urlencoded", self.sign(body))

    async def interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", self.sign(body))


def mention(text: str, *, user: str = "U1", channel: str = "C1", **extra: Any) -> dict[str, Any]:
    """An ``app_mention`` event; pass ``thread_ts`` for one inside a thread."""
    ts = extra.pop("ts", None) or next_ts()
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
        **extra,
    }


def message(text: str, *, user: str = "U1", channel: str = "C1", **extra: Any) -> dict[str, Any]:
    """A ``message`` event (``channel_type`` defaults to a public channel)."""
    ts = extra.pop("ts", None) or next_ts()
    return {
        "type": "message",
        "channel_type": extra.pop("channel_type", "channel"),
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
        **extra,
    }


def block_action(
    posted: dict[str, Any],
    action_id: str,
    *,
    channel: str = "C1",
    user: str = "U1",
    action_ts: str | None = None,
    response_url: str = "",
) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` clicks the button ``action_id``
    of the bot's message ``posted`` (as the fake holds it): the button as it was posted."""
    for block in posted.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                button, block_id = element, block.get("block_id", "")
                break
        else:
            continue
        break
    else:
        raise AssertionError(f"no button {action_id!r} in the message: {posted.get('blocks')}")
    ts = action_ts or next_ts()
    container = {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    if "thread_ts" in posted:
        container["thread_ts"] = posted["thread_ts"]
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A1",
        "token": "deprecated",
        "container": container,
        "trigger_id": f"{ts}.trigger",
        "team": {"id": TEAM_ID, "domain": "test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": posted,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": ts,
            }
        ],
    }
