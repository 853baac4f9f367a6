"""A first or last period the data covers only in part is named, so the chart can mark it."""

from __future__ import annotations

import datetime as dt

from bot.table import Column, ColumnType, Dataset, Table
from bot.understand import ChartResult, Context, understand


def _daily(first: dt.date, days: int) -> Context:
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    table = Table(
        "t",
        [Column("Date", ColumnType.DATE, dates), Column("Sales", ColumnType.NUMBER, [10] * days)],
    )
    return Context(dataset=Dataset("F1", "daily.xlsx", 100, {"t": table}, "t"))


def test_daily_rows_from_the_20th_make_a_partial_first_and_last_month() -> None:
    result = understand("sales by month", _daily(dt.date(2024, 1, 20), 130))
    assert isinstance(result, ChartResult)
    assert result.spec.x_labels[0] == "2024-01" and result.spec.y_values[0] == 120
    assert result.spec.options.partial == ["2024-01", "2024-05"]
    assert "Jan 2024 is a partial month: the data starts on 20 Jan 2024." in result.notes
    assert "May 2024 is a partial month: the data ends on 28 May 2024." in result.notes


def test_whole_months_and_monthly_rows_are_not_partial() -> None:
    whole = understand("sales by month", _daily(dt.date(2024, 1, 1), 91))  # Jan to Mar
    assert whole.spec.options.partial == [] and not any("partial" in n for n in whole.notes)
    months = [dt.date(2024, m, 1) for m in range(1, 13)]
    table = Table(
        "t",
        [Column("Date", ColumnType.DATE, months), Column("Sales", ColumnType.NUMBER, [1] * 12)],
    )
    ctx = Context(dataset=Dataset("F1", "m.xlsx", 100, {"t": table}, "t"))
    assert understand("sales by month", ctx).spec.options.partial == []
