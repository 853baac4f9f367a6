"""Answering one user message (or a click on a chart's buttons) from Slack: exactly once, one at
a time per thread, with progress shown on the thread's status line where Slack has one, and as
reactions otherwise (👀, then ✅ or ⚠️ for the outcome). The conversation itself happens in
``bot.conversation``."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Coroutine
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot import texts
from bot.actions import Action, Controls
from bot.conversation import DeliveryError, Message, Reply
from bot.services import Services
from handlers.native import NativeCharts
from handlers.outbox import SLACK_ERRORS, Found, Sent, SlackOutbox, file_ref, reply_arrived
from handlers.status import ThreadStatus, is_assistant_message
from storage.base import session_key

log = logging.getLogger(__name__)

CLAIM_SECONDS = 15 * 60  # longer than Slack's last retry (~5 min after the first delivery)
WORKING, DONE, FAILED = "eyes", "white_check_mark", "warning"
RESUME_EVERY_SECONDS = 10.0  # cheap: on Redis, one set of in-flight messages
MAX_RESUMES = 2  # a message the bot stopped on this often is apologised for, not retried

Job = dict[str, Any]  # a claim's note: all it takes to answer the message in another process


class Taken(enum.Enum):
    """What ``take`` made of one delivery of a message."""

    FIRST = "first"  # claimed here: answer it
    DUPLICATE = "duplicate"  # claimed before (a twin, a retry): nothing to do
    UNAVAILABLE = "unavailable"  # storage failed: apologise


def new_job(
    *,
    team_id: str,
    channel: str,
    thread_ts: str,
    event: dict[str, Any],
    event_id: str | None,
    text: str,
) -> Job:
    return {
        "team_id": team_id,
        "channel": channel,
        "thread_ts": thread_ts,
        "ts": event["ts"],
        "user": event["user"],
        "files": event.get("files", []),
        "event_id": event_id,
        "text": text,
        "assistant": is_assistant_message(event),
    }


def new_click_job(
    *,
    team_id: str,
    channel: str,
    thread_ts: str,
    user: str,
    action: Action,
    generation: int,
    message_ts: str,
) -> Job:
    """A click as a job: like a message's, with the click's time as its ``ts`` (its place in
    the thread's turns) and which click of that button on that chart it is."""
    click = {"chart_id": action.chart_id, "button": action.button, "generation": generation}
    return {
        "team_id": team_id,
        "channel": channel,
        "thread_ts": thread_ts,
        "ts": action.ts,
        "user": user,
        "files": [],
        "event_id": action.event_id,
        "text": "",
        "click": {**click, "message_ts": message_ts},
    }


async def take(services: Services, job: Job) -> Taken:
    """Claim the job's message with the job, and its place in its thread's turns, in one step.
    Runs before Slack's acknowledgement: once Slack has that, it never re-delivers, so only
    the claim keeps the message (another process, or the next start, answers it if this one
    dies), and a later message of the thread, in any process, waits for it."""
    try:
        first = await services.storage.claim(
            _claim_token(job), CLAIM_SECONDS, note=job, thread=_thread_key(job), order=job["ts"]
        )
    except Exception:
        log.exception("storage unavailable; cannot answer %s event=%s", job["ts"], job["event_id"])
        return Taken.UNAVAILABLE
    if not first:
        log.info("duplicate delivery of %s ignored event=%s", job["ts"], job["event_id"])
        return Taken.DUPLICATE
    log.info(
        "took on message %s in thread %s event=%s", job["ts"], job["thread_ts"], job["event_id"]
    )
    return Taken.FIRST


async def answer(services: Services, client: AsyncWebClient, job: Job, taken: Taken) -> None:
    """Answer a message that ``take`` claimed; apologise if it could not be claimed."""
    if taken is Taken.UNAVAILABLE:
        await _apologise(client, job["channel"], job["thread_ts"], job["event_id"])
        if "click" not in job:  # a click's ts is no message to react to
            await _react(client, "add", job["channel"], job["ts"], FAILED)
    elif taken is Taken.FIRST:
        await _work(services, client, _claim_token(job), job)


def _claim_token(job: Job) -> str:
    click = job.get("click")
    if click:  # a double click's two payloads name one click: claimed once
        what = f"{click['chart_id']}:{click['button']}:{click['generation']}"
        return f"click:{job['team_id']}:{job['channel']}:{what}"
    return f"msg:{job['team_id']}:{job['channel']}:{job['ts']}"


def _request(job: Job) -> Message | Action:
    if job.get("click"):
        click = job["click"]
        return Action(
            _thread_key(job), job["user"], job["ts"], click["chart_id"], click["button"],
            job["event_id"],
        )  # fmt: skip
    return Message(
        key=_thread_key(job),
        user_id=job["user"],
        text=job["text"],
        ts=job["ts"],
        files=[file_ref(f) for f in job["files"]],
        event_id=job["event_id"],
    )


def _progress_ts(job: Job) -> str:
    """The message whose reactions show the work: the user's, or the clicked buttons'."""
    return job["click"]["message_ts"] if job.get("click") else job["ts"]


def _thread_key(job: Job) -> str:
    return session_key(job["team_id"], job["channel"], job["thread_ts"])


async def resume_forever(services: Services, client: AsyncWebClient) -> None:
    """From start-up on, answer what stopped processes left unanswered (on Redis, another
    process may die at any time; its heartbeat outlives it by up to HEARTBEAT_MS). Resumed
    answers run on their own: one may wait for its thread's turn behind a message that only a
    later scan finds (its process died later), so the scans must go on meanwhile."""
    resuming: set[asyncio.Task[None]] = set()
    while True:
        try:
            for work in await resume_unfinished(services, client):
                task = asyncio.create_task(work)
                resuming.add(task)
                task.add_done_callback(resuming.discard)
        except Exception:
            log.exception("resuming unfinished messages failed; trying again later")
        await asyncio.sleep(RESUME_EVERY_SECONDS)


async def resume_unfinished(
    services: Services, client: AsyncWebClient
) -> list[Coroutine[Any, Any, None]]:
    """Take over the messages a process that died had taken on but not yet replied to; their
    answers, to run. A message that was being answered each time a process died gets an
    apology instead (no crash loop); one whose reply was on its way is first looked for in its
    thread."""
    storage, jobs = services.storage, []
    for claim, job in await storage.unfinished():
        # Only a stop while answering counts towards the apology: a message that was waiting
        # for its thread's turn when its process died was not what made it stop.
        answering = job.pop("answering", False)
        job = {**job, "resumed": job.get("resumed", 0) + answering}
        taken = await storage.claim(
            claim, CLAIM_SECONDS, note=job, resume=True, thread=_thread_key(job), order=job["ts"]
        )
        if taken:
            jobs.append(_resume_logged(services, client, claim, job))
    return jobs


async def _resume_logged(services: Services, client: AsyncWebClient, claim: str, job: Job) -> None:
    try:
        await _resume(services, client, claim, job)
    except Exception:
        log.exception("resuming message %s failed event=%s", job["ts"], job["event_id"])


async def _resume(services: Services, client: AsyncWebClient, claim: str, job: Job) -> None:
    channel, ts, event_id = job["channel"], job["ts"], job["event_id"]
    sent = job.pop("sent", None)
    if sent is not None:
        try:
            found = await reply_arrived(
                client, channel=channel, thread_ts=job["thread_ts"], answers=ts, sent=sent
            )
        except SLACK_ERRORS:
            log.exception("could not look for the reply to %s event=%s", ts, event_id)
            found = Found(reply=False, buttons=False)  # answering twice beats not answering
        if found.reply:
            if not found.buttons:  # the chart made it, its buttons did not
                outbox = _outbox(services, client, claim, job)
                await outbox.post_buttons(Controls.from_dict(sent["buttons"]))
            log.info("message %s was answered before its process stopped event=%s", ts, event_id)
            if sent.get("exchange") and await services.chartbot.log_found(
                _thread_key(job), job["user"], sent["exchange"]
            ):
                log.info("logged the exchange of message %s found answered event=%s", ts, event_id)
            await services.storage.finish(claim)
            await _answered(client, job, failed=sent.get("failed", False))
            return
    if job["resumed"] > MAX_RESUMES:
        log.error("gave up on message %s: the bot stopped %d times while answering it "
                  "event=%s", ts, job["resumed"], event_id)  # fmt: skip
        outbox = _outbox(services, client, claim, job)
        try:
            await outbox.post(Reply(texts.BUSY, failed=True))
        except DeliveryError:  # settled all the same: the thread's later messages go on
            log.exception("could not post the apology either event=%s", event_id)
        await services.storage.finish(claim)
        await _answered(client, job, failed=True)
        return
    log.info("resuming message %s left unanswered by a stopped process event=%s", ts, event_id)
    await _work(services, client, claim, job)


def _outbox(
    services: Services,
    client: AsyncWebClient,
    claim: str,
    job: Job,
    status: ThreadStatus | None = None,
) -> SlackOutbox:
    """Replies to the job's message; the first one settles the claim (its note now names the
    reply and the exchange it completes)."""
    storage = services.storage

    async def settle(sent: Sent) -> None:
        try:
            await storage.settle(claim, {**job, "answering": True, "sent": sent})
        except Exception:  # the reply still goes out; only a crash now could repeat it
            log.exception("could not settle %s event=%s", job["ts"], job["event_id"])

    native = services.settings.chart_format == "native"
    return SlackOutbox(
        client,
        channel=job["channel"],
        thread_ts=job["thread_ts"],
        answers=job["ts"],
        token=services.settings.bot_token or "",
        api_url=services.settings.api_url,
        http=services.http,
        on_posting=settle,
        native=NativeCharts(storage, job["team_id"]) if native else None,
        user=job["user"],
        status=status,
    )


async def _work(services: Services, client: AsyncWebClient, claim: str, job: Job) -> None:
    with services.answering():
        await _answer(services, client, claim, job)


async def _answer(services: Services, client: AsyncWebClient, claim: str, job: Job) -> None:
    request = _request(job)
    assistant = bool(job.get("assistant"))
    status = ThreadStatus(
        client, channel=job["channel"], thread_ts=job["thread_ts"], assistant=assistant
    )
    outbox = _outbox(services, client, claim, job, status)
    storage, channel, ts, event_id = services.storage, job["channel"], job["ts"], job["event_id"]
    failed, working = True, False
    try:
        if isinstance(request, Message):  # a click never opens a session: it needs its chart
            await services.chartbot.begin(request)  # first: follow-ups now see the session
        # An assistant thread's status line says the message is taken; elsewhere, and where
        # Slack refuses it, 👀 does (per message: it also marks one waiting for its turn).
        if not (assistant and await status.show(texts.LOOKING)):
            working = True
            await _react(client, "add", channel, _progress_ts(job), WORKING)
        async with storage.thread_lock(request.key, order=ts, claim=claim):
            await storage.renote(claim, {**job, "answering": True})  # see resume_unfinished
            if isinstance(request, Action):
                replies = await services.chartbot.act(request, outbox)
            else:
                replies = await services.chartbot.handle(request, outbox)
            # Replied and logged: done, before the thread's next message takes its turn.
            await storage.finish(claim)
        failed = any(r.failed for r in replies)
    except Exception:
        log.exception("could not answer message %s event=%s", ts, event_id)
        replied = outbox.sent is not None  # a reply was on its way: never to be redone blindly
        try:
            await outbox.post(Reply(texts.BUSY, failed=True))  # the apology is the answer
            await storage.finish(claim)
        except DeliveryError:
            log.exception("could not post the apology either event=%s", event_id)
            # Nothing reached the user: Slack's retry may try again; a reply on its way may
            # have: settled (never redone blindly). Either way the thread's next message goes on.
            with contextlib.suppress(Exception):
                await (storage.finish(claim) if replied else storage.release(claim))
    await status.clear()
    await _answered(client, job, failed=failed, working=working)


async def _answered(
    client: AsyncWebClient, job: Job, *, failed: bool, working: bool = True
) -> None:
    """👀 (if ``working`` shows it) gives way to ✅, or to ⚠️ when the answer is an error; on a
    clicked chart's buttons, it just goes (they can be clicked again, and the reply says how)."""
    channel, ts = job["channel"], _progress_ts(job)
    if working:
        await _react(client, "remove", channel, ts, WORKING)
    if "click" not in job:
        await _react(client, "add", channel, ts, FAILED if failed else DONE)


async def _apologise(
    client: AsyncWebClient, channel: str, thread_ts: str, event_id: str | None
) -> None:
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=texts.BUSY)
    except SLACK_ERRORS:
        log.exception("could not post the apology either event=%s", event_id)


async def _react(client: AsyncWebClient, verb: str, channel: str, ts: str, name: str) -> None:
    """Progress is a courtesy: a failed reaction never stops the answer."""
    try:
        call = client.reactions_add if verb == "add" else client.reactions_remove
        await call(channel=channel, timestamp=ts, name=name)
    except SLACK_ERRORS as exc:
        log.debug("reactions.%s %s failed: %r", verb, name, exc)
