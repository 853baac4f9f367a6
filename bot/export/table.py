"""A chart's data as a table: the cells as the chart writes them, and the raw values."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from bot.render import validate
from bot.render.formats import date_kind, format_number, readable_label
from bot.render.frame import PLAIN
from bot.spec import ChartSpec, ChartType, NumberFormat


@dataclass(frozen=True)
class DataTable:
    header: list[str]  # the label column's name, then each series' name
    rows: list[list[str]]  # every row, cells formatted as on the chart
    raw: list[list[object]]  # every row, raw values (label, then numbers or None)

    def text(self, limit: int = 100) -> str:
        """The first ``limit`` rows as an aligned plain-text table (numbers to the right), and
        a last line saying "first N of M rows" when some are left out. Wrap it in a code
        block where monospace is not the default."""
        shown = self.rows[:limit]
        widths = [
            max([len(name), *(len(row[i]) for row in shown)]) for i, name in enumerate(self.header)
        ]

        def line(cells: list[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = [cell.rjust(widths[i + 1]) for i, cell in enumerate(cells[1:])]
            return "  ".join([first, *rest]).rstrip()

        lines = [line(self.header), "  ".join("-" * w for w in widths)]
        lines += [line(row) for row in shown]
        if len(self.rows) > len(shown):
            lines.append(f"(first {len(shown):,} of {len(self.rows):,} rows)")
        return "\n".join(lines)

    def csv(self) -> bytes:
        """Every row with raw numbers (no format, no rounding), UTF-8, with the header row."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.header)
        writer.writerows([[_raw_cell(v) for v in row] for row in self.raw])
        return out.getvalue().encode("utf-8")


def _raw_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def label_name(spec: ChartSpec) -> str:
    """The label column's heading: the x axis title, else what the labels are."""
    if spec.x_label:
        return spec.x_label
    return {ChartType.SCATTER: "x", ChartType.HISTOGRAM: "Bin"}.get(spec.chart_type, "Label")


def value_format(spec: ChartSpec) -> NumberFormat:
    """The values' number format as drawn: a histogram counts, whatever the data's unit."""
    return PLAIN if spec.chart_type is ChartType.HISTOGRAM else spec.number_format


def data_table(spec: ChartSpec) -> DataTable:
    """The data the chart is drawn from, in the chart's order: its labels (scatter: the x
    values; histogram: the bins as drawn) and each series."""
    spec = validate(spec)
    fmt = value_format(spec)
    header = [label_name(spec), *(s.name for s in spec.series)]
    if spec.chart_type is ChartType.SCATTER:
        labels_raw: list[object] = list(spec.x_labels)
        labels = ["" if x is None else format_number(x, PLAIN) for x in spec.x_labels]
    else:
        labels_raw = [str(x) for x in spec.x_labels]
        kind = date_kind([str(x) for x in spec.x_labels])
        labels = [readable_label(str(x), kind) for x in spec.x_labels]
    rows, raw = [], []
    for i, label in enumerate(labels):
        values = [_clean(s.values[i]) for s in spec.series]
        rows.append([label, *(format_number(v, fmt) if v is not None else "" for v in values)])
        raw.append([labels_raw[i], *values])
    return DataTable(header=header, rows=rows, raw=raw)


def _clean(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value
