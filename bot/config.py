"""Every setting of PRODUCT.md §2, read once, validated, with its default beside it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.durations import parse_duration

DEFAULT_API_URL = "https://slack.com/api/"
MODES = ("socket", "http", "local")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CHART_FORMATS = ("image", "native")


class ConfigError(ValueError):
    """A missing or malformed setting; the message is one line naming the variable."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    port: int = 3000
    storage_url: str = "./data"
    session_ttl: dt.timedelta = dt.timedelta(days=7)
    max_sessions_per_user: int = 50
    max_upload_mb: int = 20
    log_level: str = "INFO"
    log_format: str = "text"
    chart_format: str = "image"  # "native": charts Slack draws itself where its block can

    @property
    def auto_mode(self) -> str:
        """Socket Mode with an app token, HTTP with a signing secret, else the local console."""
        if self.app_token:
            return "socket"
        if self.signing_secret:
            return "http"
        return "local"

    def require_for(self, mode: str) -> None:
        """Stop start-up early when ``mode`` lacks what it needs."""
        if mode in ("socket", "http") and not self.bot_token:
            raise ConfigError(f"SLACK_BOT_TOKEN is required in {mode} mode (an xoxb-… token)")
        if mode == "socket" and not self.app_token:
            raise ConfigError("SLACK_APP_TOKEN is required in socket mode (an xapp-… token)")
        if mode == "http" and not self.signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is required in http mode")


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a .env file; comments, blanks and ``export`` prefixes allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Settings from the environment, over a ``.env`` file in the working directory."""
    env = {
        **(read_dotenv(dotenv) if dotenv else {}),
        **(os.environ if environ is None else environ),
    }

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token, app_token = get("SLACK_BOT_TOKEN"), get("SLACK_APP_TOKEN")
    if bot_token and not bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")
    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    chart_format = (get("CHART_FORMAT") or "image").lower()
    if chart_format not in CHART_FORMATS:
        raise ConfigError(f"CHART_FORMAT must be image or native, not {chart_format!r}")
    return Settings(
        bot_token=bot_token,
        app_token=app_token,
        signing_secret=get("SLACK_SIGNING_SECRET"),
        api_url=_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
        port=_integer("PORT", get("PORT"), 3000, low=1, high=65535),
        storage_url=get("STORAGE_URL") or "./data",
        session_ttl=_duration("SESSION_TTL", get("SESSION_TTL") or "7d"),
        max_sessions_per_user=_integer("MAX_SESSIONS_PER_USER", get("MAX_SESSIONS_PER_USER"), 50),
        max_upload_mb=_integer("MAX_UPLOAD_MB", get("MAX_UPLOAD_MB"), 20, high=1024),
        log_level=log_level,
        log_format=log_format,
        chart_format=chart_format,
    )


def _integer(name: str, raw: str | None, default: int, *, low: int = 1, high: int = 10**9) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _duration(name: str, raw: str) -> dt.timedelta:
    try:
        return parse_duration(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def _api_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"SLACK_API_URL must be an http(s) URL like {DEFAULT_API_URL}, not {raw!r}"
        )
    return raw if raw.endswith("/") else raw + "/"
