"""A click on a chart's button is a request like a typed one (PRODUCT.md §9): answered in its
thread once, a double click too, logged as the user's action, on the chart that was clicked."""

from __future__ import annotations

import asyncio
import io

import openpyxl

from bot import texts
from bot.conversation import TABLE_ROWS
from tests.conftest import RunningBot, start_thread
from tests.fake_slack import FakeSlack
from tests.handlers.clicking import answered_clicks, button_messages, charts, click, history
from tests.handlers.test_files import sales_workbook
from tests.signed import mention, message, next_ts


async def test_a_type_button_redraws_the_chart_once_on_a_double_click(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    [buttons] = button_messages(fake_slack, root)
    # Two payloads for the same button a moment apart (each its own action_ts), at once.
    await asyncio.gather(
        click(bot.sender, buttons, "pie", action_ts=next_ts()),
        click(bot.sender, buttons, "pie", action_ts=next_ts()),
    )
    entries = await answered_clicks(bot.storage, root, 1)
    await fake_slack.quiet(0.5)
    assert len(fake_slack.files_in(root, ".png")) == 2  # the bar, then one pie
    first, pie = charts(await history(bot.storage, root))
    assert (pie["chart_type"], pie["x_labels"], pie["y_values"]) == (
        "pie",
        ["apples", "pears", "plums"],
        [3, 5, 2],
    )
    action = entries[2]
    assert action["role"] == "user"
    assert {k: action["metadata"][k] for k in ("type", "button", "chart_id", "user_id")} == {
        "type": "action",
        "button": "pie",
        "chart_id": first["chart_id"],
        "user_id": "U1",
    }
    assert [e["metadata"]["type"] for e in entries] == ["chart_request", "chart", "action", "chart"]
    # The pie has its own buttons, with Undo now.
    assert len(button_messages(fake_slack, root)) == 2


async def test_a_double_clicks_second_half_after_the_first_was_answered_is_ignored(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5")
    [buttons] = button_messages(fake_slack, root)
    start = float(next_ts())
    await click(bot.sender, buttons, "excel", action_ts=f"{start:.6f}")
    await answered_clicks(bot.storage, root, 1)
    await click(bot.sender, buttons, "excel", action_ts=f"{start + 0.4:.6f}")
    await fake_slack.quiet(0.5)
    assert len(fake_slack.files_in(root, ".xlsx")) == 1
    assert len([e for e in await history(bot.storage, root) if e["role"] == "user"]) == 2


async def test_a_later_click_of_the_same_button_is_answered_again(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5")
    [buttons] = button_messages(fake_slack, root)
    start = float(next_ts())
    await click(bot.sender, buttons, "data", action_ts=f"{start:.6f}")
    await answered_clicks(bot.storage, root, 1)
    await click(bot.sender, buttons, "data", action_ts=f"{start + 30:.6f}")  # half a minute on
    await answered_clicks(bot.storage, root, 2)
    tables = [m for m in fake_slack.in_thread("C1", root) if _table(m)]
    assert len(tables) == 2


async def test_undo_goes_back_to_the_previous_chart(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    answered = len(fake_slack.finals())
    await bot.sender.event(message("make it a line chart", thread_ts=root))
    await fake_slack.answered(answered + 1)
    line_buttons = button_messages(fake_slack, root)[-1]
    await click(bot.sender, line_buttons, "undo")
    await answered_clicks(bot.storage, root, 1)
    bar, line, undone = charts(await history(bot.storage, root))
    assert line["chart_type"] == "line"
    assert undone["undo"] is True
    assert undone["spec"] == bar["spec"]
    # The typed "undo" now has nothing left to go back to, as after a typed undo.
    answered = len(fake_slack.finals())
    await bot.sender.event(message("undo", thread_ts=root))
    await fake_slack.answered(answered + 1)
    assert fake_slack.posted_texts()[-1] == texts.NOTHING_TO_UNDO


def _table(posted: dict) -> list[list[str]] | None:
    for block in posted.get("blocks") or []:
        if block["type"] == "table":
            return [[cell["text"] for cell in row] for row in block["rows"]]
    return None


async def test_data_shows_the_charts_labels_and_values_as_a_table(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples $1200, pears $5,300, plums $2")
    [buttons] = button_messages(fake_slack, root)
    await click(bot.sender, buttons, "data")
    entries = await answered_clicks(bot.storage, root, 1)
    [posted] = [m for m in fake_slack.in_thread("C1", root) if _table(m)]
    assert _table(posted) == [
        ["Label", "value"],
        ["apples", "$1,200"],
        ["pears", "$5,300"],
        ["plums", "$2"],
    ]
    assert "apples" in posted["text"] and "$5,300" in posted["text"]  # the plain-text fallback
    assert fake_slack.files_in(root, ".csv") == []  # all of it fits the table
    assert entries[-1]["metadata"]["type"] == "text"
    assert entries[-1]["metadata"]["for_chart"] == charts(entries)[0]["chart_id"]


async def test_data_refused_as_a_table_block_is_posted_as_text(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    [buttons] = button_messages(fake_slack, root)
    fake_slack.fail("chat.postMessage", error="invalid_blocks")  # no table blocks here
    await click(bot.sender, buttons, "data")
    entries = await answered_clicks(bot.storage, root, 1)
    posted = fake_slack.in_thread("C1", root)[-1]
    assert "blocks" not in posted
    assert [line.split() for line in posted["text"].splitlines()[4:7]] == [
        ["apples", "3"],
        ["pears", "5"],
        ["plums", "2"],
    ]
    assert entries[-1]["metadata"]["type"] == "text"


async def test_data_of_many_rows_shows_the_first_and_uploads_all_as_csv(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    pairs = ", ".join(f"item{i} {i}" for i in range(1, 151))
    root = await start_thread(bot, fake_slack, f"bar chart of {pairs}")
    assert len(charts(await history(bot.storage, root))[0]["x_labels"]) == 150
    [buttons] = button_messages(fake_slack, root)
    await click(bot.sender, buttons, "data")
    await answered_clicks(bot.storage, root, 1)
    [posted] = [m for m in fake_slack.in_thread("C1", root) if _table(m)]
    rows = _table(posted)
    assert len(rows) == 1 + TABLE_ROWS
    assert rows[1:3] == [["item1", "1"], ["item2", "2"]]
    [csv] = fake_slack.files_in(root, ".csv")
    lines = csv.data.decode().splitlines()
    assert len(lines) == 151 and lines[-1] == "item150,150"


async def test_excel_uploads_a_workbook_with_the_charts_data(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    [buttons] = button_messages(fake_slack, root)
    await click(bot.sender, buttons, "excel")
    entries = await answered_clicks(bot.storage, root, 1)
    [upload] = fake_slack.files_in(root, ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(upload.data))
    sheet = book["Data"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)][1:] == [
        ["apples", 3],
        ["pears", 5],
        ["plums", 2],
    ]
    assert entries[-1]["metadata"]["slack_file_id"] == upload.file_id


async def test_a_click_on_an_older_chart_acts_on_that_chart(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    answered = len(fake_slack.finals())
    await bot.sender.event(message("bar chart of cats 7, dogs 9", thread_ts=root))
    await fake_slack.answered(answered + 1)
    older = button_messages(fake_slack, root)[0]
    await click(bot.sender, older, "pie")
    await answered_clicks(bot.storage, root, 1)
    fruit, pets, pie = charts(await history(bot.storage, root))
    assert pets["x_labels"] == ["cats", "dogs"]
    assert (pie["chart_type"], pie["x_labels"]) == ("pie", fruit["x_labels"])


async def test_undo_on_an_older_chart_goes_back_from_that_chart(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    for text in ("make it a line chart", "make it a pie"):
        answered = len(fake_slack.finals())
        await bot.sender.event(message(text, thread_ts=root))
        await fake_slack.answered(answered + 1)
    line_buttons = button_messages(fake_slack, root)[1]
    await click(bot.sender, line_buttons, "undo")
    await answered_clicks(bot.storage, root, 1)
    bar, line, pie, back = charts(await history(bot.storage, root))
    assert back["spec"] == bar["spec"]  # the chart before the line, not before the pie
    assert (back.get("undo"), back["undo_of"]) == (None, line["chart_id"])
    # A new chart on top: the typed "undo" goes back to the pie.
    answered = len(fake_slack.finals())
    await bot.sender.event(message("undo", thread_ts=root))
    await fake_slack.answered(answered + 1)
    assert charts(await history(bot.storage, root))[-1]["spec"] == pie["spec"]


async def test_a_click_after_the_conversation_was_deleted_gets_a_private_note(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5")
    [buttons] = button_messages(fake_slack, root)
    await bot.sender.event(message("new chat", thread_ts=root))
    await fake_slack.answered(2)
    assert fake_slack.posted_texts()[-1] == texts.NEW_CHAT_DONE
    assert await bot.storage.get(f"T1:C1:{root}") is None
    await click(bot.sender, buttons, "excel", user="U2")
    await fake_slack.wait_for("chat.postEphemeral")
    await fake_slack.quiet(0.3)
    [note] = fake_slack.ephemerals
    assert (note["user"], note["thread_ts"], note["text"]) == ("U2", root, texts.CLICK_SESSION_GONE)
    assert fake_slack.files_in(root, ".xlsx") == []
    assert await bot.storage.get(f"T1:C1:{root}") is None  # the click opened no conversation


async def test_a_click_on_a_chart_no_longer_in_the_history_gets_a_private_note(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5")
    [buttons] = button_messages(fake_slack, root)
    for block in buttons["blocks"]:  # a chart whose entries have left the history
        for element in block["elements"]:
            element["value"] = "0123456789ab"
    await click(bot.sender, buttons, "data")
    await fake_slack.wait_for("chat.postEphemeral")
    assert fake_slack.ephemerals[0]["text"] == texts.CLICK_CHART_GONE
    assert [e["metadata"]["type"] for e in await history(bot.storage, root)] == [
        "chart_request",
        "chart",
    ]


async def test_buttons_on_a_chart_of_a_shared_workbook(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    """A file chart: Pie redraws the same totals; Data shows them, one row per region."""
    shared = fake_slack.add_file("sales.xlsx", sales_workbook())
    event = mention("revenue by region", subtype="file_share", files=[shared])
    await bot.sender.event(event)
    await fake_slack.answered()
    root = event["ts"]
    [buttons] = button_messages(fake_slack, root)
    await click(bot.sender, buttons, "pie")
    await answered_clicks(bot.storage, root, 1)
    await click(bot.sender, buttons, "data")
    await answered_clicks(bot.storage, root, 2)
    bar, pie = charts(await history(bot.storage, root))
    assert (bar["source"], bar["source_file"]) == ("file", "sales.xlsx")
    assert pie["chart_type"] == "pie"
    assert dict(zip(pie["x_labels"], pie["y_values"], strict=True)) == dict(
        zip(bar["x_labels"], bar["y_values"], strict=True)
    )
    [posted] = [m for m in fake_slack.in_thread("C1", root) if _table(m)]
    header, *rows = _table(posted)
    assert header == ["Region", "Revenue"]
    assert [(label, float(value.replace(",", ""))) for label, value in rows] == list(
        zip(bar["x_labels"], bar["y_values"], strict=True)
    )


async def test_data_of_several_series_has_a_column_each(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "labels: a, b, c\n2023: 1, 2, 3\n2024: 2, 3.5, 4")
    [buttons] = button_messages(fake_slack, root)
    await click(bot.sender, buttons, "data")
    await answered_clicks(bot.storage, root, 1)
    [posted] = [m for m in fake_slack.in_thread("C1", root) if _table(m)]
    assert _table(posted) == [
        ["Label", "2023", "2024"],
        ["a", "1", "2"],
        ["b", "2", "3.5"],
        ["c", "3", "4"],
    ]
