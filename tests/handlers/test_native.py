"""CHART_FORMAT=native end to end: signed requests into the real app, the fake Slack checking
every data_visualization block against Slack's limits. Charts Slack's block can hold go out as
that block with the same sentence an image chart gets; the rest, and every refusal, as the PNG."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import texts
from bot.conversation import Reply
from bot.jobs import draw
from bot.spec import ChartSpec, ChartType, Series
from bot.workers import WorkerPool
from handlers.native import REFUSED_SECONDS, NativeCharts
from handlers.outbox import Sent, SlackOutbox, reply_metadata
from storage import open_storage
from tests.conftest import RunningBot, running_bot
from tests.fake_slack import FakeSlack, is_button_bar
from tests.handlers.clicking import answered_clicks, button_messages, charts, click
from tests.redis_server import RedisServer
from tests.signed import mention, message

LINE = "line chart\nmonth\trevenue\tcost\njan\t10\t5\nfeb\t12\t6\nmar\t9\t7"
SEVEN = (
    "bar chart\nregion\ts1\ts2\ts3\ts4\ts5\ts6\ts7\n"
    "north\t1\t2\t3\t4\t5\t6\t7\nsouth\t2\t3\t4\t5\t6\t7\t8"
)
SCATTER = "scatter plot\nx\ty\n1\t2\n2\t4\n3\t5\n4\t9"


@pytest.fixture
async def native_bot(
    fake_slack: FakeSlack, pool: WorkerPool, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_slack, pool, tmp_path / "data", chart_format="native") as bot:
        yield bot


async def ask(bot: RunningBot, fake: FakeSlack, text: str, **event: Any) -> dict[str, Any]:
    """Send ``text`` (a new thread, or ``thread_ts=`` one), wait until it is answered; the
    event sent."""
    answered = len(fake.finals())
    sent = message(text, **event) if "thread_ts" in event else mention(text)
    await bot.sender.event(sent)
    await fake.answered(answered + 1)
    assert fake.finals()[-1].params["name"] == "white_check_mark"
    return sent


async def logged_chart(bot: RunningBot, root: str) -> dict[str, Any]:
    session = await bot.storage.get(f"T1:C1:{root}")
    assert session is not None
    reply = session.chat_history[-1]
    assert reply["role"] == "assistant" and reply["metadata"]["type"] == "chart"
    return reply


def thread_replies(fake: FakeSlack, root: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages["C1"] if m.get("thread_ts") == root]


def the_native_reply(fake: FakeSlack, root: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The thread's one reply, a message of blocks, and its chart block."""
    [reply] = thread_replies(fake, root)
    assert "files" not in reply and not fake.calls_of("files.getUploadURLExternal")
    chart, context = reply["blocks"][:2]
    assert chart["type"] == "data_visualization" and context["type"] == "context"
    return reply, chart


def series_of(chart: dict[str, Any]) -> list[dict[str, Any]]:
    """Each series as its name, labels and values, read from the block."""
    return [
        {
            "name": s["name"],
            "labels": [p["label"] for p in s["data"]],
            "values": [p["value"] for p in s["data"]],
        }
        for s in chart["series"]
    ]


async def test_a_bar_chart_is_a_block_with_the_specs_labels_and_values(
    native_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = (await ask(native_bot, fake_slack, "bar chart of apples 3, pears 5, plums 2"))["ts"]
    reply, block = the_native_reply(fake_slack, root)
    logged = await logged_chart(native_bot, root)
    spec = logged["metadata"]["spec"]
    assert spec["x_labels"] == ["apples", "pears", "plums"] and spec["y_values"] == [3, 5, 2]
    chart = block["chart"]
    assert chart["type"] == "bar"
    assert chart["axis_config"]["categories"] == spec["x_labels"]
    assert series_of(chart) == [
        {"name": spec["series"][0]["name"], "labels": spec["x_labels"], "values": [3, 5, 2]}
    ]
    assert block["title"] == logged["metadata"]["title"]
    # The same sentence as an image chart's reply: the fallback text and the context line.
    assert reply["text"] == logged["content"]
    assert reply["blocks"][1]["elements"][0]["text"] == logged["content"]
    assert logged["content"].startswith("Bar chart of") and "highest pears 5" in logged["content"]
    # Known by its metadata before it reached the thread, like any reply that is no file.
    assert reply["metadata"] == reply_metadata(root)
    assert logged["metadata"]["format"] == "native"
    assert "slack_file_id" not in logged["metadata"]


async def test_a_multi_series_line_keeps_every_series(
    native_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = (await ask(native_bot, fake_slack, LINE))["ts"]
    _, block = the_native_reply(fake_slack, root)
    spec = (await logged_chart(native_bot, root))["metadata"]["spec"]
    assert block["chart"]["type"] == "line"
    assert block["chart"]["axis_config"]["categories"] == ["jan", "feb", "mar"]
    assert block["chart"]["axis_config"]["x_label"] == "month"
    assert series_of(block["chart"]) == [
        {"name": "revenue", "labels": ["jan", "feb", "mar"], "values": [10, 12, 9]},
        {"name": "cost", "labels": ["jan", "feb", "mar"], "values": [5, 6, 7]},
    ]
    assert [s["values"] for s in spec["series"]] == [[10, 12, 9], [5, 6, 7]]


async def test_a_pie_is_a_block_of_segments(native_bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = (await ask(native_bot, fake_slack, "pie chart of apples 3, pears 5, plums 2"))["ts"]
    _, block = the_native_reply(fake_slack, root)
    spec = (await logged_chart(native_bot, root))["metadata"]["spec"]
    assert block["chart"] == {
        "type": "pie",
        "segments": [
            {"label": label, "value": value}
            for label, value in zip(spec["x_labels"], spec["y_values"], strict=True)
        ],
    }
    assert [s["label"] for s in block["chart"]["segments"]] == ["apples", "pears", "plums"]


async def test_long_labels_are_shortened_and_given_whole_in_the_fallback_text(
    native_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    text = "bar chart of North America and Canada 120, Europe Middle East Africa 80, Asia 40"
    root = (await ask(native_bot, fake_slack, text))["ts"]
    reply, block = the_native_reply(fake_slack, root)
    categories = block["chart"]["axis_config"]["categories"]
    assert categories == ["North America and C…", "Europe Middle East…", "Asia"]
    assert all(len(c) <= 20 for c in categories)
    logged = await logged_chart(native_bot, root)
    assert logged["metadata"]["x_labels"][0] == "North America and Canada"
    assert reply["text"].startswith(logged["content"])
    assert (
        "Data: North America and Canada 120; Europe Middle East Africa 80; Asia 40"
        in (reply["text"])
    )


def buttons_of(posted: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the buttons in a message's actions blocks."""
    return [
        (e["text"]["text"], e["value"])
        for b in posted["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


async def test_a_native_chart_carries_the_image_charts_buttons_and_one_for_its_png(
    native_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = (await ask(native_bot, fake_slack, "bar chart of apples 3, pears 5, plums 2"))["ts"]
    reply, _ = the_native_reply(fake_slack, root)  # the buttons are in it, not under it
    assert button_messages(fake_slack, root) == []
    chart_id = (await logged_chart(native_bot, root))["metadata"]["chart_id"]
    assert buttons_of(reply) == [
        (label, chart_id) for label in ("Line", "Pie", "Data", "Excel", "PNG")
    ]

    await click(native_bot.sender, reply, "png")
    entries = await answered_clicks(native_bot.storage, root, 1)
    [upload] = fake_slack.files_in(root, ".png")
    image = Image.open(io.BytesIO(upload.data))
    assert image.format == "PNG" and image.width >= 800
    assert upload.alt_txt is not None and "pears 5" in upload.alt_txt
    assert upload.completed is not None
    assert upload.completed["initial_comment"] == texts.image_sent(entries[1]["metadata"]["title"])
    action, answer = entries[-2:]
    assert (action["metadata"]["button"], action["metadata"]["chart_id"]) == ("png", chart_id)
    assert answer["metadata"]["for_chart"] == chart_id
    assert answer["metadata"]["slack_file_id"] == upload.file_id
    assert len(charts(entries)) == 1  # the image of the chart, not another chart

    # The type buttons redraw it as a typed edit would, natively again where the block can.
    await click(native_bot.sender, reply, "pie")
    entries = await answered_clicks(native_bot.storage, root, 2)
    assert [c["chart_type"] for c in charts(entries)] == ["bar", "pie"]
    assert charts(entries)[-1]["format"] == "native"
    assert [b["chart"]["type"] for b in fake_slack.chart_blocks()] == ["bar", "pie"]


@pytest.mark.parametrize("text", [SCATTER, SEVEN], ids=["scatter", "seven-series"])
async def test_charts_the_block_cannot_hold_are_posted_as_the_png(
    native_bot: RunningBot, fake_slack: FakeSlack, text: str
) -> None:
    root = (await ask(native_bot, fake_slack, text))["ts"]
    [upload] = fake_slack.chart_uploads()
    assert upload.completed is not None and upload.completed["thread_ts"] == root
    assert fake_slack.chart_blocks() == []  # never offered to Slack as a block
    logged = await logged_chart(native_bot, root)
    assert logged["metadata"]["format"] == "image"
    assert logged["metadata"]["slack_file_id"] == upload.file_id
    if text == SEVEN:
        assert len(logged["metadata"]["series"]) == 7


async def test_a_workspace_without_the_block_gets_the_png_once_then_straight_away(
    native_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.native_charts = False
    root = (await ask(native_bot, fake_slack, "bar chart of apples 3, pears 5, plums 2"))["ts"]
    [refused] = fake_slack.text_posts()
    assert refused.params["thread_ts"] == root and len(fake_slack.chart_blocks()) == 1
    # One reply in the thread, the PNG, with the sentence any image chart gets (its buttons
    # under it, as under any PNG).
    [reply] = [m for m in thread_replies(fake_slack, root) if not is_button_bar(m)]
    [upload] = fake_slack.chart_uploads()
    assert [f["id"] for f in reply["files"]] == [upload.file_id]
    logged = await logged_chart(native_bot, root)
    assert reply["text"] == logged["content"]
    assert logged["metadata"]["format"] == "image"
    assert logged["metadata"]["slack_file_id"] == upload.file_id
    session = await native_bot.storage.get(f"T1:C1:{root}")
    assert [m["role"] for m in session.chat_history] == ["user", "assistant"]

    # The workspace is remembered: its next chart is not offered as a block again.
    await ask(native_bot, fake_slack, "make it a pie", thread_ts=root)
    assert len(fake_slack.chart_blocks()) == 1
    assert len(fake_slack.chart_uploads()) == 2
    assert (await logged_chart(native_bot, root))["metadata"]["chart_type"] == "pie"
    assert await native_bot.storage.marked("no-native-charts:T1")
    assert REFUSED_SECONDS >= 3600


async def test_on_redis_every_process_remembers_the_workspace_refused_the_block(
    fake_slack: FakeSlack, pool: WorkerPool
) -> None:
    fake_slack.native_charts = False
    with RedisServer() as redis:
        async with (
            running_bot(fake_slack, pool, redis.url, chart_format="native") as first,
            running_bot(fake_slack, pool, redis.url, chart_format="native") as second,
        ):
            await ask(first, fake_slack, "bar chart of apples 3, pears 5")
            root = (await ask(second, fake_slack, "pie chart of plums 2, figs 4"))["ts"]
            assert len(fake_slack.chart_blocks()) == 1  # only the first process asked Slack
            assert len(fake_slack.chart_uploads()) == 2
            assert (await logged_chart(second, root))["metadata"]["format"] == "image"


@pytest.mark.parametrize("after_text", [False, True], ids=["first-reply", "after-a-summary"])
async def test_a_refused_chart_is_known_by_its_png_unless_another_reply_went_first(
    fake_slack: FakeSlack, tmp_path: Path, after_text: bool
) -> None:
    """What a crash-restart looks for in the thread: the first reply that reached it."""
    storage = await open_storage(
        str(tmp_path / "data"), session_ttl=dt.timedelta(days=1), max_sessions_per_user=5
    )
    heard: list[Sent] = []

    async def on_posting(sent: Sent) -> None:
        heard.append(sent)

    client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url)
    outbox = SlackOutbox(
        client, channel="C1", thread_ts="1.000001", answers="1.000001", token=fake_slack.token,
        api_url=fake_slack.api_url, on_posting=on_posting, native=NativeCharts(storage, "T1"),
    )  # fmt: skip
    fake_slack.native_charts = False
    try:
        if after_text:
            await outbox.post(Reply("Read sales.xlsx: 3 rows."))
        drawn = draw(ChartSpec(ChartType.BAR, "Fruit", ["a", "b"], [Series("value", [1, 2])]))
        reply = Reply(drawn.comment, chart=drawn)
        reply.exchange = lambda file: [{"file": file, "native": reply.native}]  # as it is then
        file_id = await outbox.post(reply)
    finally:
        await storage.close()
    assert file_id is not None and not reply.native
    assert len(fake_slack.chart_blocks()) == 1
    if after_text:
        assert heard == [{"failed": False}] and outbox.sent == heard[0]
    else:  # said twice: the block that never reached the thread, then the PNG
        assert [s.get("file") for s in heard] == [None, file_id]
        assert outbox.sent == heard[-1]
        assert [s["exchange"] for s in heard] == [
            [{"file": None, "native": True}],
            [{"file": file_id, "native": False}],
        ]


async def test_a_refused_block_is_reported_in_slacks_error_shape(fake_slack: FakeSlack) -> None:
    """The fake answers like Slack: ``invalid_blocks`` with a json-pointer per fault."""
    client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url)
    block = {
        "type": "data_visualization",
        "title": "x" * 51,
        "chart": {"type": "pie", "segments": [{"label": "a", "value": 0}]},
    }
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="t", blocks=[block])
    body = raised.value.response.data
    assert body["error"] == "invalid_blocks"
    assert [e.rsplit("[", 1)[1] for e in body["errors"]] == [
        "json-pointer:/blocks/0/title]",
        "json-pointer:/blocks/0/chart/segments/0/value]",
    ]
    assert body["response_metadata"]["messages"][0].startswith("[ERROR] ")


async def test_image_stays_the_default(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = (await ask(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2"))["ts"]
    assert fake_slack.text_posts() == [] and fake_slack.chart_blocks() == []
    [upload] = fake_slack.chart_uploads()
    logged = await logged_chart(bot, root)
    assert logged["metadata"]["format"] == "image"
    assert logged["metadata"]["slack_file_id"] == upload.file_id
