"""Clicks on a chart's buttons (``block_actions``): each is a request like a typed one, claimed
before Slack's acknowledgement and answered in its thread's turn, by ``handlers.work``.

Slack never retries an interaction, but an impatient user sends two payloads for one button a
moment apart (different ``action_ts``): both name the same click (``click_generation``), so the
claim lets one through, in whichever process it lands.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Action
from handlers.buttons import ACTION_PREFIX, button_name
from handlers.work import Job, Taken, answer, new_click_job, take
from storage.base import session_key

log = logging.getLogger(__name__)
ACTIONS = f"^{ACTION_PREFIX}"  # the action_id pattern the listener is registered for


async def handle_chart_click(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Claim the click, acknowledge it, answer it."""
    services = context["services"]
    job = await _job_for_click(body, context)
    taken = Taken.DUPLICATE if job is None else await take(services, job)
    await ack()
    if job is not None:
        await answer(services, client, job, taken)


async def _job_for_click(body: dict[str, Any], context: AsyncBoltContext) -> Job | None:
    """The payload's click as a job; None for an unknown button or the second half of a double
    click whose first half was answered already."""
    clicked = (body.get("actions") or [{}])[0]
    button = button_name(clicked.get("action_id", ""))
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message = body.get("message") or {}
    message_ts = container.get("message_ts") or message.get("ts")
    if button is None or not channel or not message_ts or not clicked.get("value"):
        log.warning("ignored a click that is not on a chart's buttons: %r", clicked)
        return None
    team_id = context.team_id or (body.get("team") or {}).get("id", "")
    thread_ts = container.get("thread_ts") or message.get("thread_ts") or message_ts
    action = Action(
        key=session_key(team_id, channel, thread_ts),
        user_id=body["user"]["id"],
        ts=clicked.get("action_ts") or message_ts,
        chart_id=clicked["value"],
        button=button,
        event_id=body.get("trigger_id"),
    )
    try:
        generation = await context["services"].chartbot.click_generation(action)
    except Exception:  # storage trouble: ``take`` meets it too, and apologises
        log.exception("could not read the history for a click on chart %s", action.chart_id)
        generation = 0
    if generation is None:
        log.info("double click on %s of chart %s ignored", button, action.chart_id)
        return None
    return new_click_job(
        team_id=team_id,
        channel=channel,
        thread_ts=thread_ts,
        user=action.user_id,
        action=action,
        generation=generation,
        message_ts=message_ts,
    )
