"""Assistant threads (the app's pane and Messages tab): a title and prompts that work, prompts
from a shared file's columns, the live status line, and sessions like any thread's."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl

from tests.conftest import RunningBot
from tests.fake_slack import FakeSlack
from tests.signed import (
    assistant_context_changed,
    assistant_message,
    assistant_thread_started,
    mention,
)

REGIONS = ["North", "South", "East", "West"]


def sales_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024"
    sheet.append(["Region", "Month", "Revenue"])
    for month in range(1, 7):
        for i, region in enumerate(REGIONS):
            sheet.append([region, dt.datetime(2024, month, 1), 100 * (i + 1) + month])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def open_pane(bot: RunningBot, fake: FakeSlack, **started: Any) -> dict[str, Any]:
    """The user opens the app's pane; returns the event once its prompts are set."""
    event = assistant_thread_started(**started)
    fake.open_assistant_thread(event)
    count = len(fake.calls_of("assistant.threads.setSuggestedPrompts"))
    status, _ = await bot.sender.event(event)
    assert status == 200
    await fake.wait_for("assistant.threads.setSuggestedPrompts", count + 1)
    return event


def where(started: dict[str, Any]) -> tuple[str, str]:
    thread = started["assistant_thread"]
    return thread["channel_id"], thread["thread_ts"]


async def ask(bot: RunningBot, fake: FakeSlack, text: str, started: dict[str, Any], **extra: Any):
    """Send a message in the pane's thread and wait until it is answered; the stored session."""
    answers = len(fake.finals())
    await bot.sender.event(assistant_message(text, started, **extra))
    await fake.answered(answers + 1)
    channel, thread_ts = where(started)
    return await bot.storage.get(f"T1:{channel}:{thread_ts}")


async def test_a_new_thread_gets_a_title_and_prompts_that_each_draw_a_chart(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    assert fake_slack.titles[(channel, thread_ts)] == "New chart"
    prompts = fake_slack.prompts[(channel, thread_ts)]
    assert 3 <= len(prompts) <= 4
    for number, prompt in enumerate(prompts, start=1):
        session = await ask(bot, fake_slack, prompt["message"], started)
        [*_, chart] = session.chat_history
        assert chart["metadata"]["type"] == "chart", prompt
        upload = fake_slack.chart_uploads()[-1].completed
        assert (upload["channel_id"], upload["thread_ts"]) == (channel, thread_ts)
        assert len(fake_slack.chart_uploads()) == number
        # The labels the prompt typed are the chart's labels.
        for label in chart["metadata"]["x_labels"]:
            assert label.lower() in prompt["message"].lower()


async def test_a_file_shared_there_gets_prompts_from_its_columns_and_names_the_thread(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    shared = fake_slack.add_file("sales.xlsx", sales_workbook())
    before = len(fake_slack.calls_of("assistant.threads.setSuggestedPrompts"))
    await ask(bot, fake_slack, "", started, subtype="file_share", files=[shared])
    await fake_slack.wait_for("assistant.threads.setSuggestedPrompts", before + 1)
    assert fake_slack.titles[(channel, thread_ts)] == "Charts from sales.xlsx"

    prompts = [p["message"] for p in fake_slack.prompts[(channel, thread_ts)]]
    [summary] = [t for t in fake_slack.posted_texts() if t.startswith("*Read sales.xlsx*")]
    tried = re.findall(r"• `([^`]+)`", summary.split("Try:")[1])
    assert prompts == tried  # the summary's "Try:" line and the prompts: one builder
    assert len(prompts) >= 2
    assert all(re.search(r"\b(region|month|revenue)\b", p) for p in prompts)
    for prompt in prompts:
        session = await ask(bot, fake_slack, prompt, started)
        chart = session.chat_history[-1]["metadata"]
        assert chart["type"] == "chart", prompt
        assert chart["source_file"] == "sales.xlsx"


async def test_the_status_line_says_what_is_done_and_is_cleared_by_the_reply(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    sent = assistant_message("bar chart of apples 3, pears 5", started)
    await bot.sender.event(sent)
    await fake_slack.answered()

    steps = [
        (c.method, c.params.get("status"))
        for c in fake_slack.calls
        if c.method in ("assistant.threads.setStatus", "files.completeUploadExternal")
    ]
    assert steps == [
        ("assistant.threads.setStatus", "is looking at your message…"),
        ("assistant.threads.setStatus", "is working out the chart…"),
        ("assistant.threads.setStatus", "is sending the bar chart…"),
        ("files.completeUploadExternal", None),
    ]
    for call in fake_slack.calls_of("assistant.threads.setStatus"):
        assert (call.params["channel_id"], call.params["thread_ts"]) == (channel, thread_ts)
    assert fake_slack.status_of(channel, thread_ts) == ""  # the chart's post cleared it
    # The status line took the 👀's place; the outcome is still marked.
    reactions = [(c.method, c.params["name"]) for c in fake_slack.calls if "reactions" in c.method]
    assert reactions == [("reactions.add", "white_check_mark")]
    assert fake_slack.finals()[-1].params["timestamp"] == sent["ts"]


async def test_a_request_that_ends_without_a_post_clears_the_status_itself(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    fake_slack.fail("chat.postMessage", error="channel_not_found", times=2)  # reply, apology
    session = await ask(bot, fake_slack, "help", started)
    last = fake_slack.calls_of("assistant.threads.setStatus")[-1]
    assert last.params["status"] == ""
    assert fake_slack.status_of(channel, thread_ts) == ""
    assert session.chat_history[-1]["metadata"]["type"] == "error"  # logged all the same
    assert fake_slack.finals()[-1].params["name"] == "warning"


async def test_a_refused_status_line_falls_back_to_reactions_and_the_answer_is_unharmed(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    fake_slack.fail("assistant.threads.setStatus", error="not_allowed_token_type")
    sent = assistant_message("bar chart of apples 3, pears 5", started)
    await bot.sender.event(sent)
    await fake_slack.answered()
    [complete] = await fake_slack.wait_for("files.completeUploadExternal")
    assert (complete.params["channel_id"], complete.params["thread_ts"]) == (channel, thread_ts)
    added = [c.params["name"] for c in fake_slack.calls_of("reactions.add")]
    assert added == ["eyes", "white_check_mark"]
    assert [c.params["name"] for c in fake_slack.calls_of("reactions.remove")] == ["eyes"]
    assert len(fake_slack.calls_of("assistant.threads.setStatus")) == 1  # not asked again


async def test_a_status_call_that_never_answers_does_not_hold_up_the_chart(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    fake_slack.fail("assistant.threads.setStatus", delay=60)
    session = await ask(bot, fake_slack, "bar chart of apples 3, pears 5", started)
    assert session.chat_history[-1]["metadata"]["x_labels"] == ["apples", "pears"]
    assert fake_slack.finals()[-1].params["name"] == "white_check_mark"
    assert "eyes" in [c.params["name"] for c in fake_slack.calls_of("reactions.add")]


async def test_the_thread_is_a_session_logged_and_deleted_by_newchat(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    started = await open_pane(bot, fake_slack)
    channel, thread_ts = where(started)
    status, _ = await bot.sender.event(assistant_context_changed(started, viewing="C9"))
    assert status == 200
    sent = assistant_message("pie chart of cats 3, dogs 4", started)
    await bot.sender.event(sent)
    await bot.sender.event(sent, retry_num=1)  # Slack's retry: answered once all the same
    await fake_slack.answered()
    await fake_slack.quiet()
    assert len(fake_slack.chart_uploads()) == 1

    key = f"T1:{channel}:{thread_ts}"
    session = await bot.storage.get(key)
    assert session.started_by == "U1"
    user, reply = session.chat_history
    assert (user["content"], user["metadata"]["ts"]) == ("pie chart of cats 3, dogs 4", sent["ts"])
    assert reply["metadata"]["chart_type"] == "pie"
    assert reply["metadata"]["x_labels"] == ["cats", "dogs"]

    await bot.sender.command("", user="U1", channel=channel, response_url=fake_slack.response_url())
    await fake_slack.wait_for("response_url")
    assert "Deleted 1 conversation" in fake_slack.responses[-1]["text"]
    assert await bot.storage.get(key) is None


async def test_channel_threads_get_no_title_or_prompts_and_keep_their_reactions(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    shared = fake_slack.add_file("sales.xlsx", sales_workbook())
    event = mention("revenue by region", files=[shared])
    await bot.sender.event(event)
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")
    assert fake_slack.calls_of("assistant.threads.setTitle") == []
    assert fake_slack.calls_of("assistant.threads.setSuggestedPrompts") == []
    added = [c.params["name"] for c in fake_slack.calls_of("reactions.add")]
    assert added == ["eyes", "white_check_mark"]
    # Slack takes a status line in channel threads too (chat:write, since 2026-03).
    statuses = [c.params["status"] for c in fake_slack.calls_of("assistant.threads.setStatus")]
    assert statuses[0] == "is reading sales.xlsx…"
    assert fake_slack.status_of("C1", event["ts"]) == ""
