"""A mention becomes a chart in its thread: signed HTTP into the real app, fake Slack behind it."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import RunningBot
from tests.fake_slack import FakeSlack
from tests.signed import mention, next_ts


async def test_top_level_mention_uploads_chart_into_its_thread(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    event = mention("bar chart of apples 3, pears 5, plums 2")
    status, _ = await bot.sender.event(event)
    assert status == 200

    await fake_slack.answered()
    [complete] = await fake_slack.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    assert complete.params["thread_ts"] == event["ts"]
    comment = complete.params["initial_comment"]
    assert "bar chart" in comment.lower()

    [upload] = fake_slack.chart_uploads()
    image = Image.open(io.BytesIO(upload.data))
    assert image.format == "PNG"
    assert image.width >= 800 and image.height >= 400
    assert upload.alt_txt is not None and "pears" in upload.alt_txt.lower()  # the highest bar
    assert upload.length == len(upload.data)

    session = await bot.storage.get(f"T1:C1:{event['ts']}")
    assert session is not None
    user, reply = session.chat_history
    assert user["role"] == "user"
    assert user["content"] == "bar chart of apples 3, pears 5, plums 2"
    assert user["metadata"]["type"] == "chart_request"
    assert reply["role"] == "assistant"
    meta = reply["metadata"]
    assert meta["type"] == "chart"
    assert meta["chart_type"] == "bar"
    assert meta["x_labels"] == ["apples", "pears", "plums"]
    assert meta["y_values"] == [3, 5, 2]
    assert meta["series"][0]["values"] == [3, 5, 2]
    assert meta["source"] == "inline"
    assert meta["slack_file_id"] == upload.file_id
    assert session.started_by == "U1" and session.participants == ["U1"]


async def test_mention_inside_a_thread_answers_in_that_thread(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = next_ts()
    event = mention("line chart of jan 3, feb 5, mar 4", thread_ts=root)
    await bot.sender.event(event)

    await fake_slack.answered()
    [complete] = await fake_slack.wait_for("files.completeUploadExternal")
    assert complete.params["thread_ts"] == root
    session = await bot.storage.get(f"T1:C1:{root}")
    assert session is not None
    assert session.chat_history[-1]["metadata"]["chart_type"] == "line"
    assert session.chat_history[-1]["metadata"]["x_labels"] == ["jan", "feb", "mar"]


async def test_progress_reactions_end_with_a_check_mark(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    event = mention("bar chart of a 1, b 2")
    await bot.sender.event(event)
    await fake_slack.answered()
    await fake_slack.wait_for("files.completeUploadExternal")
    added = await fake_slack.wait_for("reactions.add", 2)
    assert [c.params["name"] for c in added] == ["eyes", "white_check_mark"]
    assert all(c.params["timestamp"] == event["ts"] for c in added)
    [removed] = await fake_slack.wait_for("reactions.remove")
    assert removed.params["name"] == "eyes"
