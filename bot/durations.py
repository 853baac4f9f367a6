"""Durations as people write them in settings and commands: ``90s``, ``30m``, ``24h``, ``7d``."""

from __future__ import annotations

import datetime as dt
import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> dt.timedelta:
    """Parse ``90s``/``30m``/``24h``/``7d``/``2w``; a bare number is seconds.

    Raises ValueError with a readable message for anything else (zero included).
    """
    match = _PATTERN.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration like 90s, 30m, 24h or 7d")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return dt.timedelta(seconds=seconds)
