"""Files shared in conversations reach intake under PRODUCT.md §3's rules."""

from __future__ import annotations

import io

import openpyxl

from tests.conftest import RunningBot
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.signed import mention, message

ROWS = [("North", 310), ("South", 450), ("East", 520), ("West", 1200), ("North", 90)]


def sales_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024"
    sheet.append(["Region", "Revenue"])
    for row in ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_file_shared_in_a_session_thread_is_read_and_charted(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    start = mention("bar chart of a 1, b 2")
    root = start["ts"]
    await bot.sender.event(start)
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")

    shared = fake_slack.add_file("sales.xlsx", sales_workbook())
    await bot.sender.event(
        message("revenue by region", thread_ts=root, subtype="file_share", files=[shared])
    )
    await fake_slack.answered(2)
    completes = await fake_slack.wait_for("files.completeUploadExternal", 2)
    [download] = fake_slack.downloads
    assert download.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    [summary] = fake_slack.text_posts()
    assert summary.params["thread_ts"] == root
    assert "Region" in summary.params["text"] and "Revenue" in summary.params["text"]
    assert completes[1].params["thread_ts"] == root

    session = await bot.storage.get(f"T1:C1:{root}")
    assert session.active_dataset == shared["id"]
    upload = next(m for m in session.chat_history if m["metadata"]["type"] == "file_upload")
    meta = upload["metadata"]
    assert (meta["filename"], meta["file_id"], meta["file_size"]) == (
        "sales.xlsx",
        shared["id"],
        shared["size"],
    )
    assert meta["sheets"][0]["columns"] == ["Region", "Revenue"]
    assert meta["sheets"][0]["rows"] == len(ROWS)
    chart = session.chat_history[-1]["metadata"]
    assert chart["source"] == "file" and chart["source_file"] == "sales.xlsx"
    totals: dict[str, float] = {}
    for region, revenue in ROWS:
        totals[region] = totals.get(region, 0) + revenue
    assert dict(zip(chart["x_labels"], chart["y_values"], strict=True)) == totals
    assert await bot.storage.get_dataset(f"T1:C1:{root}", shared["id"]) is not None


async def test_file_shared_at_top_level_of_a_channel_without_mention_is_untouched(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    shared = fake_slack.add_file("sales.xlsx", sales_workbook())
    await bot.sender.event(message("", subtype="file_share", files=[shared]))
    await fake_slack.quiet(0.5)
    assert fake_slack.downloads == []
    assert await bot.storage.list() == []


async def test_unsupported_file_gets_a_plain_answer(bot: RunningBot, fake_slack: FakeSlack) -> None:
    shared = fake_slack.add_file("notes.pdf", b"%PDF-1.4 not a spreadsheet")
    event = message("", subtype="file_share", files=[shared], channel="D1", channel_type="im")
    await bot.sender.event(event)
    [post] = await fake_slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == event["ts"]
    assert ".xlsx" in post.params["text"] and ".csv" in post.params["text"]
    assert fake_slack.downloads == []
    reactions = await fake_slack.wait_for("reactions.add", 2)
    assert reactions[-1].params["name"] == "warning"
