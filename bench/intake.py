"""Benchmark: read_dataset vs a bare openpyxl read-only iteration over the same workbook.

    .venv/bin/python bench/intake.py [--runs 3] [--sizes 10000,100000]

Each measurement runs in a fresh subprocess (so peak RSS is per parse), floor and intake
interleaved so machine drift hits both. Times are the parse's CPU time (user + system) of that
process: on a shared 2-core machine wall time mostly measures the neighbours. Wall-clock medians
are printed alongside. The last line is the summary for 100k rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE = """
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if kind == "floor":
    import io, openpyxl
    t, c = time.perf_counter(), time.process_time()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = 0
    for _row in wb.worksheets[0].iter_rows(values_only=True):
        n += 1
    wb.close()
else:
    from bot.intake import read_dataset
    t, c = time.perf_counter(), time.process_time()
    n = read_dataset("F1", "bench.xlsx", data).table.row_count
cpu, wall = time.process_time() - c, time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "rss_mb": rss, "rows": n}))
"""


def make_workbook(path: Path, rows: int) -> None:
    """10 columns: ids, categories, dates, integers, currency, floats, percentages, flags, text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    rnd = random.Random(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sales")
    header = ["Order", "Region", "Product", "Date", "Units"]
    ws.append([*header, "Price", "Revenue", "Margin", "Paid", "Note"])
    regions = ["North", "South", "East", "West"]
    base = dt.datetime(2023, 1, 1)

    def cell(value: object, fmt: str) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value)
        c.number_format = fmt
        return c

    for i in range(rows):
        ws.append(
            [
                i + 1,
                regions[i % 4],
                f"P{i % 30}",
                cell(base + dt.timedelta(hours=i), "yyyy-mm-dd"),
                rnd.randint(1, 50),
                cell(round(rnd.uniform(1, 100), 2), '"$"#,##0.00'),
                round(rnd.uniform(10, 5000), 2),
                cell(rnd.random(), "0.0%"),
                i % 3 == 0,
                "ok" if i % 7 else None,
            ]
        )
    wb.save(path)


def measure(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", ONE, kind, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"bench_{rows}.xlsx"
            t = time.perf_counter()
            make_workbook(path, rows)
            mib = path.stat().st_size / 2**20
            print(f"{rows:>7} rows: generated {mib:.1f} MiB in {time.perf_counter() - t:.1f} s")
            floor, intake = [], []
            for _ in range(args.runs):
                floor.append(measure("floor", path))
                intake.append(measure("intake", path))
            assert intake[0]["rows"] == rows, intake[0]
            f_t = statistics.median(r["cpu"] for r in floor)
            i_t = statistics.median(r["cpu"] for r in intake)
            f_w = statistics.median(r["wall"] for r in floor)
            i_w = statistics.median(r["wall"] for r in intake)
            f_m = max(r["rss_mb"] for r in floor)
            i_m = max(r["rss_mb"] for r in intake)
            print(
                f"{rows:>7} rows: openpyxl read-only {f_t:.2f} s cpu / {f_w:.2f} s wall "
                f"(peak {f_m:.0f} MB), intake {i_t:.2f} s cpu / {i_w:.2f} s wall "
                f"(peak {i_m:.0f} MB), ratio {i_t / f_t:.2f} cpu / {i_w / f_w:.2f} wall "
                f"[median of {args.runs}]"
            )
            results[rows] = (i_t, i_t / f_t, i_m)
    if 100_000 in results:
        t, ratio, rss = results[100_000]
        print(
            f"intake: 100k rows {t:.2f} s (ratio {ratio:.2f} vs openpyxl read-only), "
            f"peak rss {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
