"""First and last periods that the data covers only in part ("data starts on the 20th").

A month summed from eleven days looks like a crash. When the rows are finer than the bucket
(daily rows in monthly totals), a first or last period whose rows start late or end early is
named, so the chart can mark it and the reply can say so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Callable
from typing import Any

from bot.render.formats import readable_label

_BUCKETS = ("year", "quarter", "month", "week")


def _bounds(day: dt.date, bucket: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period that holds ``day``."""
    if bucket == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if bucket == "quarter":
        first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif bucket == "month":
        first = dt.date(day.year, day.month, 1)
    else:  # ISO week
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    months = 3 if bucket == "quarter" else 1
    after = dt.date(
        first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1
    )
    return first, after - dt.timedelta(days=1)


def partial_periods(
    values: list[Any], bucket: str | None, labels: list[str], period: Callable[[Any, str], Any]
) -> tuple[list[str], list[str]]:
    """(labels of the partly covered first/last periods, a note for each) for date ``values``
    bucketed by ``bucket`` into the time-ordered ``labels``; ``period`` names a date's period."""
    if bucket not in _BUCKETS or len(labels) < 2:
        return [], []
    days = sorted(
        {(v.date() if isinstance(v, dt.datetime) else v) for v in values if isinstance(v, dt.date)}
    )
    if len(days) < 3:
        return [], []
    if period(days[0], bucket) != labels[0] or period(days[-1], bucket) != labels[-1]:
        return [], []  # not a time line of these periods (months of the year, a sorted axis)
    step = statistics.median((b - a).days for a, b in itertools.pairwise(days))
    first_start, _ = _bounds(days[0], bucket)
    last_start, last_end = _bounds(days[-1], bucket)
    if step >= (last_end - last_start).days / 2:
        return [], []  # rows as coarse as the bucket: nothing is partial
    found, notes = [], []
    if (days[0] - first_start).days > step:
        found.append(labels[0])
        notes.append(
            f"{readable_label(labels[0], bucket)} is a partial {bucket}: the data starts "
            f"on {days[0].day} {days[0]:%b %Y}."
        )
    if (last_end - days[-1]).days > step:
        found.append(labels[-1])
        notes.append(
            f"{readable_label(labels[-1], bucket)} is a partial {bucket}: the data ends "
            f"on {days[-1].day} {days[-1]:%b %Y}."
        )
    return found, notes
