"""Clicks on a chart's buttons reaching two bot processes on one Redis (PRODUCT.md §3, §9): the
two payloads of a double click sent one to each process are answered once, every button works
from either process, and a click waits for its turn behind the thread's earlier messages."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import Pair, final_reactions, reading, restart_until_quiet, wait_until
from tests.fake_slack import TEAM_ID, FakeSlack, is_button_bar
from tests.handlers.clicking import button_messages, charts, click, values
from tests.processes import BotProcess
from tests.signed import SlackSender, mention, message, next_ts


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


@pytest.mark.timeout(120)
async def test_a_chart_in_the_thread_at_the_kill_gets_its_buttons_after_the_restart(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Killed while Slack shares the chart (it arrives; the bot never hears back): the next
    start finds the chart, logs it and posts its buttons, once, naming the logged chart."""
    data, event = tmp_path / "data", mention("bar chart of a 1, b 2 title: Buttons later")
    fake_slack.fail("files.completeUploadExternal", hold_reply=60)
    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    try:
        sender = SlackSender(bot.events_url)
        assert (await sender.event(event, event_id="EvButtonsLater"))[0] == 200
        await sender.close()
        await fake_slack.wait_for("files.completeUploadExternal")
    finally:
        await bot.kill()
    assert button_messages(fake_slack, event["ts"]) == []

    await restart_until_quiet(
        fake_slack, storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path
    )
    [buttons] = button_messages(fake_slack, event["ts"])
    async with reading(data) as storage:
        session = await storage.get(f"T1:C1:{event['ts']}")
    assert session is not None
    [chart] = charts(session.chat_history)
    assert values(buttons) == {chart["chart_id"]}
    assert len(fake_slack.calls_of("files.completeUploadExternal")) == 1


@pytest.mark.timeout(120)
async def test_a_click_the_bot_was_answering_at_the_kill_is_answered_after_the_restart(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Slack never re-sends a click it had acknowledged: the claim keeps it for the next
    start, which answers it once."""
    data, event = tmp_path / "data", mention("bar chart of a 1, b 2 title: Clicked")
    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    sender = SlackSender(bot.events_url)
    try:
        assert (await sender.event(event))[0] == 200
        await fake_slack.answered()
        [buttons] = button_messages(fake_slack, event["ts"])
        fake_slack.fail("files.getUploadURLExternal", delay=60)  # the workbook's upload hangs
        await click(sender, buttons, "excel")
        await fake_slack.wait_for("files.getUploadURLExternal", 2)
    finally:
        await sender.close()
        await bot.kill()
    assert fake_slack.files_in(event["ts"], ".xlsx") == []

    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    try:
        await wait_until(
            lambda: fake_slack.files_in(event["ts"], ".xlsx"), what="the workbook, resumed"
        )
        await fake_slack.quiet(0.5)
    finally:
        await bot.stop()
    assert len(fake_slack.files_in(event["ts"], ".xlsx")) == 1
    async with reading(data) as storage:
        session = await storage.get(f"T1:C1:{event['ts']}")
    assert session is not None
    assert [e["metadata"]["type"] for e in session.chat_history] == [
        "chart_request",
        "chart",
        "action",
        "text",
    ]
