"""Two bot processes on one Redis behind one Slack app (PRODUCT.md §3, §7): requests spread over
both, re-deliveries and mention twins reaching the other process, follow-ups of one thread sent
to both at once. Each user message gets exactly one reply, in thread order, fully logged."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from tests.e2e.conftest import (
    Pair,
    exchanges,
    final_reactions,
    is_complete,
    reading,
    replies_in,
    uploaded_titles,
    user_ts,
    wait_until,
)
from tests.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.processes import ROOT, bot_env
from tests.signed import mention, message, next_ts

THREADS = 6
ORDER_RUNS = 20


async def test_spread_requests_redeliveries_and_twins_are_answered_once(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    fake, (a, b) = module_fake, bot_pair.senders
    channel = "CSPREAD"
    sends, threads = [], {}
    for i in range(THREADS):
        ts, title = next_ts(), f"Spread {i}"
        threads[ts] = title
        text = f"bar chart of north {i + 1}, south {i + 2} title: {title}"
        first, other = (a, b) if i % 2 == 0 else (b, a)
        event = mention(text, channel=channel, ts=ts)
        sends.append(first.event(event, event_id=f"EvSpread{i}"))
        # Slack retrying the same event, delivered by the load balancer to the other process.
        sends.append(other.event(event, event_id=f"EvSpread{i}", retry_num=1))
        if i % 2:  # the mention's `message` twin (another event id), also to the other one
            twin = message(f"<@{BOT_USER_ID}> {text}", channel=channel, ts=ts)
            sends.append(other.event(twin, event_id=f"EvSpreadTwin{i}"))
    statuses = await asyncio.gather(*sends)
    assert [status for status, _ in statuses] == [200] * len(sends)

    await wait_until(
        lambda: all(final_reactions(fake, ts) for ts in threads), what="every message answered"
    )
    await fake.quiet(0.5)
    # Late re-deliveries, after the answers, again to the process that did not take them first.
    late = [
        (b if i % 2 == 0 else a).event(
            mention(title_text(threads[ts], i), channel=channel, ts=ts),
            event_id=f"EvSpread{i}",
            retry_num=2,
        )
        for i, ts in enumerate(threads)
    ]
    assert [status for status, _ in await asyncio.gather(*late)] == [200] * THREADS
    await fake.quiet(0.5)

    titles = uploaded_titles(fake)
    assert {title: titles[title] for title in threads.values()} == {
        title: 1 for title in threads.values()
    }
    assert {ts: replies_in(fake, ts) for ts in threads} == {ts: 1 for ts in threads}
    assert {ts: final_reactions(fake, ts) for ts in threads} == {
        ts: ["white_check_mark"] for ts in threads
    }
    async with reading(bot_pair.storage_url) as storage:
        for ts, title in threads.items():
            session = await storage.get(f"{TEAM_ID}:{channel}:{ts}")
            assert session is not None, ts
            assert exchanges(session) == [("user", "chart_request"), ("assistant", "chart")]
            assert user_ts(session) == [ts]
            assert session.chat_history[1]["metadata"]["title"] == title


def title_text(title: str, i: int) -> str:
    return f"bar chart of north {i + 1}, south {i + 2} title: {title}"


async def test_follow_ups_sent_to_both_processes_at_once_keep_thread_order(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    fake, (a, b) = module_fake, bot_pair.senders
    channel, root = "CORDER", next_ts()
    fake.fail("files.getUploadURLExternal", delay=2.0)  # hold the thread busy on process A
    await a.event(mention("bar chart of a 1, b 2, c 3 title: Order root", channel=channel, ts=root))
    await wait_until(lambda: _reacted(fake, root, "eyes"), what="work on the root message")
    follow_ups = [next_ts() for _ in range(4)]
    texts = ["title: Order 1", "make it a pie", "title: Order 3", "title: Order 4"]
    # Delivered out of ts order (Slack gives no order guarantee), alternating processes; each
    # is accepted (👀) before the next is sent, so both processes hold waiting messages.
    for n, i in enumerate([3, 0, 2, 1]):
        event = message(texts[i], channel=channel, thread_ts=root, ts=follow_ups[i])
        await (a if n % 2 else b).event(event)
        await wait_until(lambda i=i: _reacted(fake, follow_ups[i], "eyes"), what="acceptance")
    await wait_until(
        lambda: all(final_reactions(fake, ts) for ts in [root, *follow_ups]),
        what="the root and four follow-ups answered",
    )
    # The premise: every follow-up was accepted (👀) while the root was still being answered.
    assert _index(fake, "files.completeUploadExternal", root) > max(
        _index(fake, "reactions.add", ts) for ts in follow_ups
    ), "the follow-ups arrived too late to test ordering"
    await fake.quiet(0.3)

    assert replies_in(fake, root) == 5
    async with reading(bot_pair.storage_url) as storage:
        session = await storage.get(f"{TEAM_ID}:{channel}:{root}")
    assert session is not None
    names = dict(zip([root, *follow_ups], ["root", "f1", "f2", "f3", "f4"], strict=True))
    assert [names[ts] for ts in user_ts(session)] == ["root", "f1", "f2", "f3", "f4"]
    assert is_complete(session), exchanges(session)
    charts = [m["metadata"] for m in session.chat_history if m["role"] == "assistant"]
    assert [c["title"] for c in charts][:2] == ["Order root", "Order 1"]
    assert [c["title"] for c in charts][3:] == ["Order 3", "Order 4"]
    assert [c["chart_type"] for c in charts] == ["bar", "bar", "pie", "pie", "pie"]


async def test_follow_ups_acknowledged_in_turn_by_alternating_processes_are_answered_in_order(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    """The issue's scenario, 20 runs in a row: three follow-ups sent one after another, each
    acknowledged before the next is sent, alternating between the processes (A, B, A in even
    runs, B, A, B in odd ones). The second lands on the other process while the first may not
    have started: it must wait for it, as must the third."""
    fake, senders = module_fake, bot_pair.senders
    channel, follow_texts = "CALTERNATE", ["make it a pie chart", "a line chart", "a bar chart"]
    runs: list[tuple[str, list[str]]] = []
    for run in range(ORDER_RUNS):
        first, root = run % 2, next_ts()
        text = f"bar chart of a 1, b 2, c 3 title: Alternate {run}"
        assert (await senders[1 - first].event(mention(text, channel=channel, ts=root)))[0] == 200
        await wait_until(lambda root=root: final_reactions(fake, root), what="the root's answer")
        follow_ups = []
        for j, follow_text in enumerate(follow_texts):
            ts = next_ts()
            event = message(follow_text, channel=channel, thread_ts=root, ts=ts)
            assert (await senders[(first + j) % 2].event(event))[0] == 200
            follow_ups.append(ts)
        runs.append((root, follow_ups))
        await wait_until(
            lambda follow_ups=follow_ups: all(final_reactions(fake, ts) for ts in follow_ups),
            what=f"run {run}'s follow-ups answered",
        )
    await fake.quiet(0.3)

    async with reading(bot_pair.storage_url) as storage:
        for run, (root, follow_ups) in enumerate(runs):
            session = await storage.get(f"{TEAM_ID}:{channel}:{root}")
            assert session is not None
            assert user_ts(session) == [root, *follow_ups], run
            assert is_complete(session), (run, exchanges(session))
            charts = [m["metadata"] for m in session.chat_history if m["role"] == "assistant"]
            assert [c["chart_type"] for c in charts] == ["bar", "pie", "line", "bar"], run
            assert replies_in(fake, root) == 4, run


async def test_sessions_show_reads_a_session_while_both_processes_run(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    channel, ts = "CSHOW", next_ts()
    await bot_pair.senders[1].event(
        mention("bar chart of x 4, y 9 title: Shown", channel=channel, ts=ts)
    )
    await wait_until(lambda: final_reactions(module_fake, ts), what="the answer")
    shown = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "sessions", "show", f"{TEAM_ID}:{channel}:{ts}"],
        env=bot_env(STORAGE_URL=bot_pair.storage_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert [m["role"] for m in doc["chat_history"]] == ["user", "assistant"]
    assert doc["chat_history"][1]["metadata"]["title"] == "Shown"
    assert doc["chat_history"][1]["metadata"]["x_labels"] == ["x", "y"]


def _reacted(fake: FakeSlack, ts: str, name: str) -> bool:
    return any(
        c.params.get("timestamp") == ts and c.params.get("name") == name
        for c in fake.calls_of("reactions.add")
    )


def _index(fake: FakeSlack, method: str, ts: str) -> int:
    """Position in the call log of the first ``method`` call about message/thread ``ts``."""
    for n, call in enumerate(fake.calls):
        if call.method == method and ts in (
            call.params.get("timestamp"),
            call.params.get("thread_ts"),
        ):
            return n
    raise AssertionError(f"no {method} call for {ts}")
