"""Expected results computed with plain Python over the test rows (never via bot.understand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.understand.data import orders_rows, people_rows, sales_rows

SALES = sales_rows()
PEOPLE = people_rows()
ORDERS = orders_rows()

Row = dict[str, Any]


@dataclass
class Want:
    chart_type: str
    labels: list[Any]
    series: list[list[float | None]]  # values of each series, in order
    names: list[str] | None = None  # series names, when they matter
    options: dict[str, Any] = field(default_factory=dict)  # e.g. {"stacked": True}
    style: str | None = None
    title: str | None = None
    note: str | None = None  # a substring one of the notes must contain
    prefix: str | None = None  # number_format.prefix
    suffix: str | None = None


def month(r: Row, col: str = "Date") -> str:
    return f"{r[col].year}-{r[col].month:02d}"


def quarter(r: Row, col: str = "Date") -> str:
    return f"{r[col].year}-Q{(r[col].month - 1) // 3 + 1}"


def year(r: Row, col: str = "Date") -> str:
    return str(r[col].year)


def _reduce(values: list[float], how: str) -> float | None:
    if how == "count":
        return len(values)
    if not values:
        return None
    return {
        "sum": sum(values),
        "mean": sum(values) / len(values),
        "min": min(values),
        "max": max(values),
    }[how]


def grouped(
    rows: list[Row],
    key: Callable[[Row], Any],
    measures: list[str] | None,
    how: str = "sum",
    where: Callable[[Row], bool] | None = None,
    ordered: bool = False,
    sort: str | None = None,
    limit: int | None = None,
) -> tuple[list[Any], list[list[float | None]]]:
    """Labels (first-appearance order, or sorted for time) and one value list per measure."""
    groups: dict[Any, list[Row]] = {}
    for r in rows:
        if where is None or where(r):
            groups.setdefault(key(r), []).append(r)
    labels = sorted(groups) if ordered else list(groups)
    cols = measures or [None]
    series = [
        [_reduce([1 if m is None else g[m] for g in groups[k]], how) for k in labels] for m in cols
    ]
    if sort:
        idx = sorted(
            range(len(labels)), key=lambda i: sum(s[i] for s in series), reverse=sort == "desc"
        )
        if limit:
            idx = idx[:limit]
        labels = [labels[i] for i in idx]
        series = [[s[i] for i in idx] for s in series]
    return [str(x) for x in labels], series


def by_two(
    rows: list[Row], key: str, group: str, measure: str, where: Callable[[Row], bool] | None = None
) -> tuple[list[str], list[str], list[list[float]]]:
    """Grouped bars: labels, group names, one series per group value (0 where a pair is empty)."""
    labels: list[str] = []
    groups: list[str] = []
    cells: dict[tuple[str, str], float] = {}
    for r in rows:
        if where is not None and not where(r):
            continue
        k, g = r[key], r[group]
        if k not in labels:
            labels.append(k)
        if g not in groups:
            groups.append(g)
        cells[(k, g)] = cells.get((k, g), 0) + r[measure]
    return labels, groups, [[cells.get((k, g), 0) for k in labels] for g in groups]


def want_group(
    rows: list[Row],
    key: Callable[[Row], Any],
    measures: list[str] | None,
    how: str = "sum",
    chart_type: str = "bar",
    **kw: Any,
) -> Want:
    extras = {k: kw.pop(k) for k in list(kw) if k in Want.__dataclass_fields__}
    labels, series = grouped(rows, key, measures, how, **kw)
    return Want(chart_type, labels, series, **extras)


def months_back(rows: list[Row], n: int) -> Callable[[Row], bool]:
    newest = max(r["Date"] for r in rows)
    index = newest.year * 12 + newest.month - n
    start = dt.date(index // 12, index % 12 + 1, 1)
    return lambda r: r["Date"] >= start
