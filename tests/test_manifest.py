"""manifest.yml is a valid Slack app manifest and matches what the code registers."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

import handlers
from bot.understand.answers import starter_requests
from tests.datafiles import MANIFEST_SCHEMA, data_path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())

EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    # Slack's AI app surface: the pane's threads; titles and prompts need assistant:write.
    "assistant_thread_started": "assistant:write",
    "assistant_thread_context_changed": "assistant:write",
}


def test_manifest_validates_against_slacks_schema() -> None:
    schema = json.loads(data_path(MANIFEST_SCHEMA).read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(MANIFEST), key=str)
    assert errors == []


def test_every_subscribed_event_has_its_scope_and_no_scope_is_spare() -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert set(events) == set(EVENT_SCOPES)
    assert {EVENT_SCOPES[e] for e in events} <= scopes
    needed = {*EVENT_SCOPES.values(), "chat:write", "files:read", "files:write"}
    needed |= {"reactions:write", "commands"}
    assert scopes == needed


def test_every_subscribed_event_is_explained_in_a_comment() -> None:
    lines = (ROOT / "manifest.yml").read_text().splitlines()
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        [line] = [ln for ln in lines if ln.strip().split("#")[0].strip() == f"- {event}"]
        assert "#" in line, event


def test_the_assistant_pane_is_declared_with_prompts_that_chartbot_answers() -> None:
    view = MANIFEST["features"]["assistant_view"]
    assert view["assistant_description"].strip()
    prompts = view["suggested_prompts"]
    assert all(p["title"] == p["message"] for p in prompts)
    # The prompts a new pane thread gets; that each draws a chart is tested end to end.
    assert [p["message"] for p in prompts] == starter_requests()
    assert "assistant:write" in MANIFEST["oauth_config"]["scopes"]["bot"]
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {"assistant_thread_started", "assistant_thread_context_changed"} <= set(events)
    assert "message.im" in events  # the pane's messages arrive as DM messages


def test_every_scope_is_justified_in_a_comment() -> None:
    lines = (ROOT / "manifest.yml").read_text().splitlines()
    for scope in MANIFEST["oauth_config"]["scopes"]["bot"]:
        [line] = [ln for ln in lines if ln.strip().startswith(f"- {scope} ")]
        assert "#" in line, scope


def test_dms_are_possible() -> None:
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_command_and_shortcut_in_code_match_the_manifest() -> None:
    [command] = MANIFEST["features"]["slash_commands"]
    [shortcut] = MANIFEST["features"]["shortcuts"]
    assert command["command"] == handlers.COMMAND
    assert "usage_hint" in command
    assert shortcut["type"] == "message"
    assert shortcut["callback_id"] == handlers.SHORTCUT_CALLBACK_ID


async def test_the_app_answers_the_manifests_command_and_shortcut(bot, fake_slack) -> None:
    [command] = MANIFEST["features"]["slash_commands"]
    [shortcut] = MANIFEST["features"]["shortcuts"]
    status, _ = await bot.sender.command(
        "",
        user="U1",
        channel="C1",
        response_url=fake_slack.response_url(),
        command=command["command"],
    )
    assert status == 200
    status, _ = await bot.sender.interaction(
        {
            "type": "message_action",
            "callback_id": shortcut["callback_id"],
            "trigger_id": "1.2",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "message_ts": "1700000000.000100",
            "message": {"ts": "1700000000.000100", "text": "hi"},
            "response_url": fake_slack.response_url("shortcut"),
        }
    )
    assert status == 200
    await fake_slack.wait_for("response_url", 2)
