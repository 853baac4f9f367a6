"""Labels that name points in time: months, weekdays, quarters, years, weeks, dates.

A run of them is a time sequence: inline data with such labels defaults to a line chart, and
month or weekday names typed as text sort in calendar order.
"""

from __future__ import annotations

import re

_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_LABEL = re.compile(
    r"(?:(?:19|20)\d\d(?:[-/. ]?(?:q[1-4]|h[12]|w\d{1,2}|\d{1,2}(?:[-/.]\d{1,2})?))?"
    r"|(?:q[1-4]|h[12]|w(?:ee)?k?\s?\d{1,2})(?:[-/ ']?(?:19|20)?\d\d)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d"
    r"|fy\s?'?\d{2,4}(?:\s?q[1-4])?)",
    re.I,
)


def month_index(label: str) -> int | None:
    """0-11 for a month name ('Jan', 'january', 'Sept 2024'), else None."""
    word = re.match(r"[a-z]+", label.strip().lower())
    if word is None:
        return None
    w = word.group()
    if (
        len(w) >= 3
        and w[:3] in _MONTHS
        and (
            "january february march april may june july august "
            "september sept october november december"
        ).find(w)
        >= 0
    ):
        return _MONTHS.index(w[:3])
    return None


def weekday_index(label: str) -> int | None:
    """0-6 for a weekday name ('Mon', 'tues', 'Friday'), else None."""
    w = label.strip().lower().rstrip(".")
    days = "monday tuesday wednesday thursday friday saturday sunday"
    if len(w) >= 3 and w.isalpha() and w[:3] in _DAYS and days.find(w) >= 0:
        return _DAYS.index(w[:3])
    return None


def is_time_sequence(labels: list[str]) -> bool:
    """True for months, quarters, years, weeks, weekdays or dates (at least two of them)."""
    if len(labels) < 2:
        return False
    for lab in labels:
        s = str(lab).strip().lower()
        if _TIME_LABEL.fullmatch(s):
            continue
        if month_index(s) is not None and re.fullmatch(r"[a-z]+\.?(?:[ \-']?(?:19|20)?\d\d)?", s):
            continue
        if s[:3] in _DAYS and re.fullmatch(r"[a-z]+", s) and len(s) <= 9:
            continue
        return False
    if all(re.fullmatch(r"\d{4}", str(x).strip()) for x in labels):
        return all(1900 <= int(x) <= 2100 for x in labels)
    return True
