"""Settings are read once and validated: a bad one stops start-up with one line, exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.processes import run_bot

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_match_the_product_table() -> None:
    s = load_settings({}, dotenv=None)
    assert s.api_url == "https://slack.com/api/"
    assert s.port == 3000
    assert s.storage_url == "./data"
    assert s.session_ttl == dt.timedelta(days=7)
    assert (s.max_sessions_per_user, s.max_upload_mb) == (50, 20)
    assert (s.log_level, s.log_format) == ("INFO", "text")
    assert s.chart_format == "image"
    assert s.auto_mode == "local"


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}, "socket"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}, "http"),
        ({"SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}, "socket"),
        ({}, "local"),
    ],
)
def test_auto_mode_prefers_socket_then_http_then_local(env: dict[str, str], mode: str) -> None:
    assert load_settings(env, dotenv=None).auto_mode == mode


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SESSION_TTL": "soon"}, "SESSION_TTL"),
        ({"SESSION_TTL": "0s"}, "SESSION_TTL"),
        ({"MAX_SESSIONS_PER_USER": "-1"}, "MAX_SESSIONS_PER_USER"),
        ({"MAX_UPLOAD_MB": "1.5"}, "MAX_UPLOAD_MB"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"CHART_FORMAT": "svg"}, "CHART_FORMAT"),
    ],
)
def test_malformed_setting_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings(env, dotenv=None)


def test_chart_format_native_is_read_in_any_case() -> None:
    assert load_settings({"CHART_FORMAT": "Native"}, dotenv=None).chart_format == "native"


def test_durations_and_api_url_are_normalised() -> None:
    s = load_settings({"SESSION_TTL": "90", "SLACK_API_URL": "http://127.0.0.1:9/api"}, dotenv=None)
    assert s.session_ttl == dt.timedelta(seconds=90)
    assert s.api_url == "http://127.0.0.1:9/api/"


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('# comment\nPORT=4000\nexport SESSION_TTL="30m"\nMAX_UPLOAD_MB=5\n')
    s = load_settings({"MAX_UPLOAD_MB": "7"}, dotenv=env_file)
    assert s.port == 4000
    assert s.session_ttl == dt.timedelta(minutes=30)
    assert s.max_upload_mb == 7


@pytest.mark.parametrize(
    ("args", "env", "variable"),
    [
        (["run", "--mode", "http"], {"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        (["run", "--mode", "socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        (["run", "--mode", "http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (["run"], {"PORT": "abc"}, "PORT"),
        (["run"], {"SESSION_TTL": "forever"}, "SESSION_TTL"),
    ],
)
def test_start_up_stops_with_one_line_and_exit_2(
    args: list[str], env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    result = run_bot(args, tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr
