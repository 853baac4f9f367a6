"""Crash safety (PRODUCT.md §3, §7): the bot on a JSON storage directory is killed with SIGKILL
in the middle of a burst and restarted on the same directory. Every stored session still loads,
no file is torn, the messages the killed bot had acknowledged but not answered are answered
after the restart without a re-delivery, and every message is answered exactly once, Slack's
re-deliveries included: a reply that was on its way at the kill is looked for in its thread,
and logged if found."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from bot import texts
from handlers.work import MAX_RESUMES
from tests.e2e.conftest import (
    exchanges,
    final_reactions,
    is_complete,
    reading,
    uploaded_titles,
    wait_until,
)
from tests.fake_slack import FakeSlack, is_button_bar
from tests.processes import BotProcess
from tests.signed import SlackSender, mention, next_ts

THREADS, PER_THREAD = 10, 2
KILL_AFTER = 6  # answers seen before the kill: some done, some in flight, some not started


def _burst(channel: str) -> list[tuple[str, dict, str]]:
    """(event id, event, chart title) for THREADS threads × PER_THREAD messages."""
    burst = []
    for i in range(THREADS):
        root = next_ts()
        for j in range(PER_THREAD):
            title = f"Crash {i}.{j}"
            text = f"bar chart of left {i + 1}, right {j + 2} title: {title}"
            extra = {"ts": root} if j == 0 else {"thread_ts": root}
            burst.append((f"EvCrash{i}x{j}", mention(text, channel=channel, **extra), title))
    return burst


def _twin(event: dict) -> dict:
    """The ``message`` event Slack sends alongside a channel ``app_mention``."""
    return {**event, "type": "message", "channel_type": "channel"}


@pytest.mark.timeout(180)
async def test_sigkill_mid_burst_then_restart_loses_and_duplicates_nothing(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    data, channel = tmp_path / "data", "CCRASH"
    burst = _burst(channel)
    titles = [title for _, _, title in burst]

    first = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    sender = SlackSender(first.events_url)
    try:
        sends = [asyncio.create_task(sender.event(ev, event_id=eid)) for eid, ev, _ in burst]
        await wait_until(lambda: len(fake_slack.finals()) >= KILL_AFTER, what="the first answers")
        await first.kill()
        acks = await asyncio.gather(*sends, return_exceptions=True)
    finally:
        await sender.close()
    before = uploaded_titles(fake_slack)
    acked = [
        title
        for (_, _, title), ack in zip(burst, acks, strict=True)
        if isinstance(ack, tuple) and ack[0] == 200
    ]
    texts = [c.params.get("text") for c in fake_slack.calls_of("chat.postMessage")]
    assert 0 < sum(before[t] for t in titles) < len(titles), (
        "the kill did not land mid-burst",
        [c.params.get("name") for c in fake_slack.finals()],
        texts,
        first.stderr()[-4000:],
    )

    second = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    sender = SlackSender(second.events_url)
    try:
        # Nothing torn: every session header and committed history line parses.
        for path in (data / "sessions").rglob("*.json"):
            orjson.loads(path.read_bytes())
        async with reading(data) as storage:
            summaries = await storage.list(channel=channel)
            assert summaries, "no session survived the crash"
            for summary in summaries:
                session = await storage.get(summary.key)
                assert session is not None, summary.key
                assert is_complete(session), (summary.key, exchanges(session))

        # Slack never re-delivers an acknowledged event: the restarted bot answers by itself
        # what the killed one had acknowledged but not answered.
        await wait_until(
            lambda: all(uploaded_titles(fake_slack)[t] for t in acked),
            timeout=60,
            what="answers to the acknowledged messages, without a re-delivery",
        )

        # Slack re-delivers the whole burst (it saw no answer, or timed out on the ack), each
        # mention together with its ``message`` twin: two deliveries racing for one takeover.
        statuses = await asyncio.gather(
            *(sender.event(ev, event_id=eid, retry_num=1) for eid, ev, _ in burst),
            *(sender.event(_twin(ev), event_id=f"{eid}m") for eid, ev, _ in burst),
        )
        assert [status for status, _ in statuses] == [200] * len(burst) * 2
        never_answered = [t for t in titles if not before[t]]
        await wait_until(
            lambda: all(uploaded_titles(fake_slack)[t] for t in never_answered),
            timeout=60,
            what=f"answers to the messages unanswered before the crash: {never_answered}",
        )
        await fake_slack.quiet(0.5)
    finally:
        await sender.close()
        await second.stop()

    after = uploaded_titles(fake_slack)
    assert {t: after[t] for t in titles} == {t: 1 for t in titles}
    # Answers given or found after the restart end with ✅.
    for _, event, title in burst:
        if not before[title]:
            assert final_reactions(fake_slack, event["ts"]), event["ts"]
    async with reading(data) as storage:
        logged: dict[str, int] = {}
        for summary in await storage.list(channel=channel):
            session = await storage.get(summary.key)
            assert session is not None and is_complete(session), summary.key
            for entry in session.chat_history:
                if entry["role"] == "user":
                    logged[entry["metadata"]["ts"]] = logged.get(entry["metadata"]["ts"], 0) + 1
    assert set(logged.values()) == {1}, logged  # nothing logged twice
    answered_after_restart = {ev["ts"] for _, ev, t in burst if not before[t]}
    assert answered_after_restart <= set(logged), "an answer after the restart was not logged"
    # An exchange cut between its reply and its log is logged by whoever finds the reply.
    assert len(logged) == len(burst), sorted(set(e["ts"] for _, e, _ in burst) - set(logged))


@pytest.mark.timeout(180)
async def test_a_message_the_bot_keeps_stopping_on_is_retried_twice_then_apologised_for(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Each start answers what the last one left unanswered; a message that was in the works
    each time the bot stopped (a crash loop in the making) gets an apology the third time."""
    data, event = tmp_path / "data", mention("bar chart of a 1, b 2 title: Stopped on")
    for attempt in range(1 + MAX_RESUMES):
        # Slack holds the chart's upload, so the bot is stopped while it works on the message.
        fake_slack.fail("files.getUploadURLExternal", delay=60)
        bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
        try:
            if attempt == 0:
                sender = SlackSender(bot.events_url)
                assert (await sender.event(event, event_id="EvStopped"))[0] == 200
                await sender.close()
            await fake_slack.wait_for("files.getUploadURLExternal", count=attempt + 1)
        finally:
            await bot.kill()

    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    try:
        await fake_slack.answered()
        await fake_slack.quiet(0.5)
    finally:
        await bot.stop()
    assert uploaded_titles(fake_slack)["Stopped on"] == 0
    apologies = fake_slack.calls_of("chat.postMessage")
    assert [(c.params["thread_ts"], c.params["text"]) for c in apologies] == [
        (event["ts"], texts.BUSY)
    ]
    assert final_reactions(fake_slack, event["ts"]) == ["warning"]
    assert "gave up on message" in bot.stderr()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["chart", "text"])
@pytest.mark.parametrize("arrived", [True, False], ids=["reply-arrived", "reply-lost"])
async def test_a_reply_on_its_way_at_the_kill_is_looked_for_then_sent_once(
    fake_slack: FakeSlack, tmp_path: Path, arrived: bool, kind: str
) -> None:
    """Killed while Slack takes the reply (a chart's share, or a text message): the restarted
    bot asks the thread whether the reply is there. If it is, only ✅ follows; if not, the
    reply is sent again. Once, either way, and Slack's retry of the message changes nothing."""
    data = tmp_path / "data"
    text, method = {
        "chart": ("bar chart of a 1, b 2 title: On its way", "files.completeUploadExternal"),
        "text": ("help", "chat.postMessage"),
    }[kind]
    event = mention(text)
    if arrived:  # Slack takes the reply, but its answer never reaches the bot
        fake_slack.fail(method, hold_reply=60)
    else:  # the call never takes effect
        fake_slack.fail(method, delay=60, error="internal_error")
    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    try:
        sender = SlackSender(bot.events_url)
        assert (await sender.event(event, event_id="EvOnItsWay"))[0] == 200
        await sender.close()
        await fake_slack.wait_for(method)
    finally:
        await bot.kill()
    assert len(_replies(fake_slack, event)) == int(arrived)

    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    sender = SlackSender(bot.events_url)
    try:
        await fake_slack.answered()
        assert (await sender.event(event, event_id="EvOnItsWay", retry_num=1))[0] == 200
        await fake_slack.quiet(0.5)
    finally:
        await sender.close()
        await bot.stop()
    replies = _replies(fake_slack, event)
    assert len(replies) == 1, replies
    if kind == "chart":
        assert [f["title"] for f in replies[0]["files"]] == ["On its way"]
    else:
        assert replies[0]["text"].startswith("*I turn words and numbers into charts.*")
    assert final_reactions(fake_slack, event["ts"]) == ["white_check_mark"]
    assert len(fake_slack.calls_of("conversations.replies")) == 1
    assert len(fake_slack.calls_of(method)) == 1 + (not arrived)
    # The exchange is logged once: from the claim's note when the reply was found.
    async with reading(data) as storage:
        session = await storage.get(f"T1:{event['channel']}:{event['ts']}")
    assert session is not None
    assert [m["metadata"].get("ts") for m in session.chat_history] == [event["ts"], None]
    reply_type = "chart" if kind == "chart" else "text"
    assert exchanges(session)[1] == ("assistant", reply_type), exchanges(session)
    if kind == "chart":
        logged = session.chat_history[1]["metadata"]
        assert logged["title"] == "On its way"
        assert logged["slack_file_id"] == replies[0]["files"][0]["id"]


def _replies(fake: FakeSlack, event: dict) -> list[dict]:
    """What reached the message's thread (the fake's record of it)."""
    thread = fake.in_thread(event["channel"], event["ts"])
    return [m for m in thread if not is_button_bar(m)]


@pytest.mark.timeout(180)
async def test_sigkill_the_moment_the_acks_are_in_loses_nothing(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Ten messages acknowledged at once, the bot killed as soon as the last ack is in (Slack
    will not re-deliver any of them): the next start answers every one, once."""
    data, channel = tmp_path / "data", "CACKED"
    events = [
        mention(f"bar chart of up {i + 1}, down 2 title: Acked {i}", channel=channel)
        for i in range(10)
    ]
    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    sender = SlackSender(bot.events_url)
    try:
        acks = await asyncio.gather(
            *(sender.event(ev, event_id=f"EvAcked{i}") for i, ev in enumerate(events))
        )
        await bot.kill()
    finally:
        await sender.close()
    assert [status for status, _ in acks] == [200] * len(events)
    before = uploaded_titles(fake_slack)
    assert sum(before[f"Acked {i}"] for i in range(10)) < 10, "the kill came too late"

    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    try:
        await wait_until(
            lambda: all(uploaded_titles(fake_slack)[f"Acked {i}"] for i in range(10)),
            timeout=90,
            what="every acknowledged message answered after the restart",
        )
        await fake_slack.quiet(0.5)
    finally:
        await bot.stop()
    titles = uploaded_titles(fake_slack)
    assert {i: titles[f"Acked {i}"] for i in range(10)} == {i: 1 for i in range(10)}
    async with reading(data) as storage:
        for event in events:
            session = await storage.get(f"T1:{channel}:{event['ts']}")
            assert session is not None and is_complete(session), event["ts"]
            assert exchanges(session) == [("user", "chart_request"), ("assistant", "chart")]
