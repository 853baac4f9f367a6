"""Clicks on a chart's buttons reaching two bot processes on one Redis (PRODUCT.md §3, §9): the
two payloads of a double click sent one to each process are answered once, every button works
from either process, and a click waits for its turn behind the thread's earlier messages."""

from __future__ import annotations

import asyncio
import io

import openpyxl

from tests.e2e.conftest import Pair, final_reactions, reading, wait_until
from tests.fake_slack import TEAM_ID, FakeSlack, is_button_bar
from tests.handlers.clicking import button_messages, charts, click
from tests.signed import mention, message, next_ts


async def _history(pair: Pair, channel: str, root: str) -> list[dict]:
    async with reading(pair.storage_url) as storage:
        session = await storage.get(f"{TEAM_ID}:{channel}:{root}")
    assert session is not None
    return session.chat_history


async def _clicks_answered(pair: Pair, channel: str, root: str, count: int) -> list[dict]:
    """The history once ``count`` clicks are logged with their replies."""
    for _ in range(600):
        entries = await _history(pair, channel, root)
        clicks = [e for e in entries if e["metadata"]["type"] == "action"]
        if len(clicks) >= count and entries[-1]["role"] == "assistant":
            return entries
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} answered click(s): {entries}")


def _tables(fake: FakeSlack, channel: str, root: str) -> list[dict]:
    return [
        m
        for m in fake.in_thread(channel, root)
        if any(b["type"] == "table" for b in m.get("blocks") or [])
    ]


async def test_each_button_from_either_process_is_answered_once(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    fake, (a, b) = module_fake, bot_pair.senders
    channel, root = "CCLICKS", next_ts()
    text = "bar chart of apples 3, pears 5, plums 2 title: Fruit"
    await a.event(mention(text, channel=channel, ts=root))
    await wait_until(lambda: final_reactions(fake, root), what="the chart")
    [bar_buttons] = button_messages(fake, root, channel)

    # A double click: its two payloads at once, one to each process.
    await asyncio.gather(
        click(a, bar_buttons, "pie", channel=channel),
        click(b, bar_buttons, "pie", channel=channel),
    )
    await _clicks_answered(bot_pair, channel, root, 1)
    # Data, Excel and Undo, each double-clicked across the processes too.
    pie_buttons = button_messages(fake, root, channel)[-1]
    for n, button in enumerate(("data", "excel", "undo"), start=2):
        await asyncio.gather(
            click(b, pie_buttons, button, channel=channel),
            click(a, pie_buttons, button, channel=channel),
        )
        await _clicks_answered(bot_pair, channel, root, n)
    await fake.quiet(0.5)

    entries = await _history(bot_pair, channel, root)
    bar, pie, undone = charts(entries)
    assert pie["chart_type"] == "pie" and undone["spec"] == bar["spec"]
    clicks = [e["metadata"] for e in entries if e["metadata"]["type"] == "action"]
    assert [(c["button"], c["chart_id"]) for c in clicks] == [
        ("pie", bar["chart_id"]),
        ("data", pie["chart_id"]),
        ("excel", pie["chart_id"]),
        ("undo", pie["chart_id"]),
    ]
    assert len(fake.files_in(root, ".png")) == 3  # the bar, the pie, the undo
    [table] = _tables(fake, channel, root)
    cells = [[c["text"] for c in row] for b in table["blocks"] if b["type"] == "table"
             for row in b["rows"]]  # fmt: skip
    assert cells == [["Label", "value"], ["apples", "3"], ["pears", "5"], ["plums", "2"]]
    [workbook] = fake.files_in(root, ".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))["Data"]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["apples", 3],
        ["pears", 5],
        ["plums", 2],
    ]


async def test_a_click_waits_for_the_threads_earlier_message(
    bot_pair: Pair, module_fake: FakeSlack
) -> None:
    fake, (a, b) = module_fake, bot_pair.senders
    channel, root = "CCLICKORDER", next_ts()
    await a.event(mention("bar chart of north 4, south 6 title: Order", channel=channel, ts=root))
    await wait_until(lambda: final_reactions(fake, root), what="the chart")
    [buttons] = button_messages(fake, root, channel)

    fake.fail("files.getUploadURLExternal", delay=2.0)  # the follow-up's chart takes a while
    follow_up = next_ts()
    await a.event(message("make it a line chart", channel=channel, thread_ts=root, ts=follow_up))
    await wait_until(lambda: fake.calls_of("files.getUploadURLExternal")[-1:] and any(
        c.params.get("timestamp") == follow_up for c in fake.calls_of("reactions.add")
    ), what="work on the follow-up")  # fmt: skip
    await click(b, buttons, "data", channel=channel)  # clicked after the follow-up was sent
    await _clicks_answered(bot_pair, channel, root, 1)

    replies = [m for m in fake.in_thread(channel, root) if not is_button_bar(m)]
    assert ["files" in m for m in replies] == [True, True, False]  # chart, line, then the table
    entries = await _history(bot_pair, channel, root)
    assert [e["metadata"]["type"] for e in entries] == [
        "chart_request",
        "chart",
        "chart_request",
        "chart",
        "action",
        "text",
    ]
