"""The fake Slack refuses blocks the way Slack does (``invalid_blocks``) at Slack's documented
limits, so a test of the bot's messages would fail where Slack would refuse them."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fake_slack import BOT_TOKEN, FakeSlack


def _button(text: str = "Pie", value: str = "c1", action_id: str = "chart_pie") -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "value": value,
        "action_id": action_id,
    }


def _actions(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(buttons)}


def _table(rows: int, cells: int = 2) -> dict[str, Any]:
    row = [{"type": "raw_text", "text": "x"}] * cells
    return {"type": "table", "rows": [row] * rows}


@pytest.mark.parametrize(
    "blocks",
    [
        [_actions(_button(text="x" * 76))],
        [_actions(_button(value="x" * 2001))],
        [_actions(*(_button(action_id=f"b{i}") for i in range(26)))],
        [_actions(_button(), _button())],  # one action_id twice
        [_actions(_button(action_id=f"b{i}")) for i in range(51)],
        [_table(101)],
        [_table(3, cells=21)],
    ],
    ids=["button-text", "value", "elements", "action-ids", "blocks", "table-rows", "table-cells"],
)
async def test_blocks_past_slacks_limits_are_refused(
    fake_slack: FakeSlack, blocks: list[dict[str, Any]]
) -> None:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["errors"]
    assert fake_slack.messages["C1"] == []


async def test_blocks_at_slacks_limits_are_posted(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    buttons = [_button(text="x" * 75, value="v" * 2000, action_id=f"b{i}") for i in range(25)]
    await client.chat_postMessage(channel="C1", text="x", blocks=[_actions(*buttons)])
    await client.chat_postMessage(channel="C1", text="x", blocks=[_table(100, cells=20)])
    assert len(fake_slack.messages["C1"]) == 2
