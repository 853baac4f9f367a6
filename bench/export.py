"""Export benchmark: the chart's workbook and CSV vs bare XlsxWriter and bare ``csv``.

    .venv/bin/python bench/export.py [--quick]

For a 10-bar chart, a 4 × 1,000-day line chart and a 100,000-point scatter, the median time of
``chart_workbook(spec)`` against the floor: bare XlsxWriter writing the same cells in memory and
a chart of the same type over them (no formats, colours or axes). Then ``data_table(spec).csv()``
against ``csv.writer`` over the same lists. Both measured interleaved in the same run; the
ratios are what to compare.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import xlsxwriter

from bot.export import chart_workbook, data_table
from bot.spec import ChartSpec, ChartType, NumberFormat, Series

RNG = np.random.default_rng(7)
DAYS = [(dt.date(2023, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(1000)]
WALKS = np.round(np.cumsum(RNG.normal(0, 1, (4, 1000)), axis=1) + 50, 2)
SCATTER_X = np.round(RNG.gamma(4, 12, 100_000), 2)
SCATTER_Y = np.round(2 + SCATTER_X / 60 + RNG.normal(0, 0.6, 100_000), 2)

SPECS = {
    "bar10": ChartSpec(
        ChartType.BAR, "Revenue by region", [f"Region {i}" for i in range(10)],
        [Series("Revenue", list(np.round(RNG.uniform(2e5, 1.3e6, 10), 2)))],
        x_label="Region", number_format=NumberFormat(prefix="$"),
    ),
    "line4k": ChartSpec(
        ChartType.LINE, "Daily readings", DAYS,
        [Series(f"Sensor {i + 1}", list(w)) for i, w in enumerate(WALKS)], x_label="Date",
    ),
    "scatter100k": ChartSpec(
        ChartType.SCATTER, "Rating vs price", list(SCATTER_X),
        [Series("Rating", list(SCATTER_Y))], x_label="Price",
    ),
}  # fmt: skip
TYPES = {"bar10": "column", "line4k": "line", "scatter100k": "scatter"}


def bare_workbook(name: str, spec: ChartSpec) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    n = len(spec.x_labels)
    for row, label in enumerate(spec.x_labels, start=1):
        if isinstance(label, str):
            sheet.write_string(row, 0, label)
        else:
            sheet.write_number(row, 0, label)
    chart = book.add_chart({"type": TYPES[name]})
    for col, s in enumerate(spec.series, start=1):
        for row, v in enumerate(s.values, start=1):
            sheet.write_number(row, col, v)
        chart.add_series({"categories": ["Data", 1, 0, n, 0], "values": ["Data", 1, col, n, col]})
    sheet.insert_chart(1, len(spec.series) + 2, chart)
    book.close()
    return out.getvalue()


def bare_csv(spec: ChartSpec) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["x", *(s.name for s in spec.series)])
    for i, label in enumerate(spec.x_labels):
        writer.writerow([label, *(s.values[i] for s in spec.series)])
    return out.getvalue().encode()


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(
    ours: Callable[[], object], floor: Callable[[], object], runs: int
) -> tuple[float, float]:
    mine, base = [], []
    for _ in range(runs):  # interleaved: load on the machine hits both alike
        mine.append(timed(ours))
        base.append(timed(floor))
    return statistics.median(mine), statistics.median(base)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    runs = 3 if parser.parse_args().quick else 9
    print(f"{'case':<22}{'ours ms':>10}{'floor ms':>10}{'ratio':>8}")
    for name, spec in SPECS.items():
        n = runs if len(spec.x_labels) < 50_000 else max(3, runs // 3)
        ours, floor = compare(
            lambda s=spec: chart_workbook(s), lambda s=spec, k=name: bare_workbook(k, s), n
        )
        print(f"{'xlsx ' + name:<22}{ours * 1e3:>10.1f}{floor * 1e3:>10.1f}{ours / floor:>8.2f}")
        ours, floor = compare(lambda s=spec: data_table(s).csv(), lambda s=spec: bare_csv(s), n)
        print(f"{'csv ' + name:<22}{ours * 1e3:>10.1f}{floor * 1e3:>10.1f}{ours / floor:>8.2f}")


if __name__ == "__main__":
    main()
