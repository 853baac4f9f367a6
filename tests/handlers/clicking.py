"""Clicking a chart's buttons through the fake Slack, as a user would: find the buttons message
under a chart, send the signed ``block_actions`` payload of one of its buttons."""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.outbox import BUTTONS_EVENT
from storage.base import Storage
from tests.fake_slack import FakeSlack
from tests.signed import SlackSender, block_action


def button_messages(fake: FakeSlack, thread_ts: str, channel: str = "C1") -> list[dict[str, Any]]:
    """The thread's button messages, oldest first."""
    return [
        m
        for m in fake.in_thread(channel, thread_ts)
        if (m.get("metadata") or {}).get("event_type") == BUTTONS_EVENT
    ]


def labels(posted: dict[str, Any]) -> list[str]:
    return [e["text"]["text"] for b in posted["blocks"] for e in b.get("elements", [])]


def values(posted: dict[str, Any]) -> set[str]:
    return {e["value"] for b in posted["blocks"] for e in b.get("elements", [])}


async def click(
    sender: SlackSender,
    posted: dict[str, Any],
    button: str,
    *,
    channel: str = "C1",
    user: str = "U1",
    action_ts: str | None = None,
) -> dict[str, Any]:
    """Click ``button`` (its core name: "pie", "undo", "data", "excel") on a buttons message;
    the payload sent. Slack expects the acknowledgement within 3 s: a 200 here."""
    payload = block_action(
        posted, f"chart_{button}", channel=channel, user=user, action_ts=action_ts
    )
    status, _ = await sender.interaction(payload)
    assert status == 200
    return payload


async def history(storage: Storage, thread_ts: str, channel: str = "C1") -> list[dict[str, Any]]:
    session = await storage.get(f"T1:{channel}:{thread_ts}")
    assert session is not None
    return session.chat_history


async def answered_clicks(storage: Storage, thread_ts: str, count: int) -> list[dict[str, Any]]:
    """The thread's history once ``count`` clicks in it are logged with their replies."""
    entries: list[dict[str, Any]] = []
    for _ in range(400):
        entries = await history(storage, thread_ts)
        clicks = [e for e in entries if e["metadata"]["type"] == "action"]
        if len(clicks) >= count and entries[-1]["role"] == "assistant":
            return entries
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} answered click(s): {entries}")


def charts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The logged charts' metadata, oldest first."""
    return [
        e["metadata"]
        for e in entries
        if e["role"] == "assistant" and e["metadata"]["type"] == "chart"
    ]
