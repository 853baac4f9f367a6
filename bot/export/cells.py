"""How the chart's data is written on the workbook's data sheet: typed labels (dates as dates)
and Excel number formats that read like the chart's."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from bot.render.formats import date_kind, parse_date, readable_label
from bot.spec import ChartSpec, ChartType, NumberFormat

# Excel shows a date serial through a format; these read like the chart's own date labels.
DATE_FORMATS = {"date": "d mmm yyyy", "datetime": "d mmm yyyy hh:mm", "month": "mmm yyyy"}


def label_cells(spec: ChartSpec) -> tuple[list[object], str | None]:
    """The label column's values as Excel should hold them, and their number format (None:
    text). Dates and months become dates, years numbers, quarters the text the chart shows."""
    if spec.chart_type is ChartType.SCATTER:
        return list(spec.x_labels), excel_format(NumberFormat(), spec.x_labels)
    labels = [str(x) for x in spec.x_labels]
    kind = date_kind(labels) if spec.chart_type is not ChartType.HISTOGRAM else None
    if kind == "date":
        dates = [parse_date(s) for s in labels]
        timed = any(d.time() != dt.time(0) for d in dates)
        return list(dates), DATE_FORMATS["datetime" if timed else "date"]
    if kind == "month":
        months = [dt.datetime(*map(int, s.strip().split("-")), 1) for s in labels]
        return list(months), DATE_FORMATS["month"]
    if kind == "year":
        return [int(s) for s in labels], "0"
    return [readable_label(s, kind) for s in labels], None


def _places(value: float) -> int:
    """The decimals the chart would show for ``value`` with no decimals set (``format_number``)."""
    magnitude = abs(value)
    most = 2 if magnitude >= 1 else 3 if magnitude >= 0.01 else 6
    return next((p for p in range(most) if math.isclose(value, round(value, p))), most)


def excel_format(fmt: NumberFormat, values: Sequence[float | None]) -> str:
    """``$1,200`` → ``"$"#,##0``; ``65%`` (the value 65) → ``#,##0"%"``: the unit is literal text,
    never Excel's percent that multiplies by 100. Without set decimals, the most the values need,
    so a column reads evenly."""
    decimals = fmt.decimals
    if decimals is None:
        decimals = max((_places(v) for v in values if v is not None), default=0)
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    return _literal(fmt.prefix) + body + _literal(fmt.suffix)


def axis_format(fmt: NumberFormat, values: Sequence[float | None]) -> str:
    """An axis' format: Excel cannot choose decimals per axis as the chart does, so small values
    get ``General`` (0.5, 1, 1.5) and larger ones whole numbers with separators."""
    if fmt.decimals is not None:
        return excel_format(fmt, values)
    top = max((abs(v) for v in values if v is not None), default=0.0)
    body = "#,##0" if top >= 10 else "General"
    return _literal(fmt.prefix) + body + _literal(fmt.suffix)


def _literal(text: str) -> str:
    text = text.replace('"', "")
    return f'"{text}"' if text else ""
