"""Benchmark: the bot's spreadsheet read vs bare openpyxl read-only and bare python-calamine on
the same workbook, then upload → first chart through the real app.

    .venv/bin/python bench/intake.py [--runs 3] [--sizes 10000,100000,1000000]
                                     [--openpyxl-1m once|skip] [--e2e-runs 5] [--e2e-rows 100000]
                                     [--workbooks DIR]

1. Reads. Each measurement runs in a fresh subprocess (so peak RSS is per read), the three
   readers interleaved so machine drift hits all alike. Times are the read's CPU time (user +
   system) of that process: on a shared 2-core machine wall time mostly measures the
   neighbours; wall-clock medians are printed alongside. The floors: openpyxl read-only
   iterating the sheet's values, and python-calamine loading the sheet and turning it into
   Python rows (what the bot's read starts from). At 1M rows (10M cells, 60 MB) the bot's own
   limits refuse the file, so the bot reads it with limits raised; bare openpyxl takes minutes
   there and is timed once (or skipped).
2. Upload → first chart. The bot in HTTP mode (a subprocess, JSON storage, as deployed) and the
   fake Slack Web API in this process: a DM shares the workbook with "revenue by region"; the
   time is from the signed POST to the ``files.completeUploadExternal`` call of the chart
   (median of ``--e2e-runs``, each a new thread), quoted with the bare calamine read of the
   same bytes timed in this process in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)  # loopback only

ONE = """
import io, json, resource, sys, time
kind, path, big = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
data = open(path, "rb").read()
if kind == "openpyxl":
    import openpyxl
    t, c = time.perf_counter(), time.process_time()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True)) - 1
    wb.close()
elif kind == "calamine":
    from python_calamine import CalamineWorkbook
    t, c = time.perf_counter(), time.process_time()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    n = len(wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)) - 1
    wb.close()
else:
    from bot.intake import Limits, read_dataset
    limits = Limits()
    if big:
        limits = Limits(max_bytes=1 << 30, max_uncompressed=1 << 32, max_cells=50_000_000)
    t, c = time.perf_counter(), time.process_time()
    n = read_dataset("F1", "bench.xlsx", data, limits).table.row_count
cpu, wall = time.process_time() - c, time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "rss_mb": rss, "rows": n}))
"""
REQUEST = "revenue by region"


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


def measure(kind: str, path: Path, big: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", ONE, kind, str(path), "1" if big else "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def summary(results: list[dict[str, float]]) -> tuple[float, float, float]:
    """CPU median, wall median, peak RSS."""
    return (
        statistics.median(r["cpu"] for r in results),
        statistics.median(r["wall"] for r in results),
        max(r["rss_mb"] for r in results),
    )


def workbook_file(folder: Path, rows: int) -> Path:
    """The benchmark workbook of ``rows`` rows in ``folder``, generated unless already there."""
    path = folder / f"bench_{rows}.xlsx"
    if path.exists():
        print(f"{rows:>8} rows: reusing {path}")
        return path
    t = time.perf_counter()
    make_workbook(path, rows)
    mib = path.stat().st_size / 2**20
    print(f"{rows:>8} rows: generated {mib:.1f} MiB in {time.perf_counter() - t:.1f} s")
    return path


def reads(sizes: list[int], runs: int, openpyxl_1m: str, folder: Path) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for rows in sizes:
        path = workbook_file(folder, rows)
        big = rows >= 1_000_000
        timed: dict[str, list[dict[str, float]]] = {"openpyxl": [], "calamine": [], "intake": []}
        for n in range(runs):
            for kind in timed:
                if kind == "openpyxl" and big and (openpyxl_1m == "skip" or n > 0):
                    continue
                timed[kind].append(measure(kind, path, big))
        assert timed["intake"][0]["rows"] == rows, timed["intake"][0]
        stats = {kind: summary(r) for kind, r in timed.items() if r}
        o = stats.get("openpyxl")
        c, i = stats["calamine"], stats["intake"]
        floor = f"openpyxl read-only {o[0]:.2f} s cpu / {o[1]:.2f} s wall (peak {o[2]:.0f} MB)"
        if big and o:
            floor += " [timed once]"
        if not o:
            floor = "openpyxl read-only skipped (--openpyxl-1m skip: minutes per read)"
        print(f"{rows:>8} rows: {floor}")
        print(
            f"{rows:>8} rows: calamine {c[0]:.2f} s cpu / {c[1]:.2f} s wall (peak {c[2]:.0f} MB); "
            f"intake {i[0]:.2f} s cpu / {i[1]:.2f} s wall (peak {i[2]:.0f} MB)"
            + (" [limits raised: over the bot's cell and size limits]" if big else "")
        )
        vs_openpyxl = f"{i[0] / o[0]:.3f} × openpyxl" if o else "openpyxl not timed"
        print(
            f"{rows:>8} rows: intake cpu = {vs_openpyxl}, {i[0] / c[0]:.2f} × calamine "
            f"[median of {len(timed['intake'])}]"
        )
        out[rows] = {"openpyxl": o, "calamine": c, "intake": i}
    return out


async def upload_to_chart(rows: int, runs: int, folder: Path, tmp: Path) -> tuple[float, float]:
    """Median seconds from sharing the workbook to its chart, and the bare read's median."""
    from python_calamine import CalamineWorkbook

    from tests.fake_slack import FakeSlack
    from tests.processes import BotProcess
    from tests.signed import SlackSender, message, next_ts

    data = workbook_file(folder, rows).read_bytes()
    fake = await FakeSlack().start()
    bot = await BotProcess.start(storage_url=tmp / "data", api_url=fake.api_url, workdir=tmp)
    sender = SlackSender(bot.events_url)
    latencies, bare = [], []
    try:
        for n in range(runs + 1):  # one warm-up
            file = fake.add_file(f"sales{n}.xlsx", data)
            ts = next_ts()
            event = message(
                REQUEST, channel="DBENCH", channel_type="im", subtype="file_share", ts=ts,
                files=[file],
            )  # fmt: skip
            before = len(fake.calls_of("files.completeUploadExternal"))
            sent = time.monotonic()
            status, _ = await sender.event(event)
            assert status == 200, status
            done = await _chart_completed(fake, before, sent)
            if n:
                latencies.append(done - sent)
            began = time.process_time()
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)
            wb.close()
            if n:
                bare.append(time.process_time() - began)
    finally:
        await sender.close()
        await bot.stop()
        await fake.stop()
    return statistics.median(latencies), statistics.median(bare)


async def _chart_completed(fake, before: int, sent: float, timeout: float = 120.0) -> float:
    while time.monotonic() - sent < timeout:
        calls = fake.calls_of("files.completeUploadExternal")
        if len(calls) > before:
            return calls[before].at
        await asyncio.sleep(0.01)
    raise RuntimeError("no chart within the timeout")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--openpyxl-1m", choices=["once", "skip"], default="once")
    parser.add_argument("--e2e-runs", type=int, default=5)
    parser.add_argument("--e2e-rows", type=int, default=100_000)
    parser.add_argument("--workbooks", help="keep the generated workbooks here and reuse them")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="chartbot-intake-") as tmp:
        folder = Path(args.workbooks or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = reads(sizes, args.runs, args.openpyxl_1m, folder)
        if args.e2e_runs:
            chart, bare = asyncio.run(
                upload_to_chart(args.e2e_rows, args.e2e_runs, folder, Path(tmp))
            )
            print(
                f"upload → first chart, {args.e2e_rows:,} rows: {chart:.2f} s "
                f"[median of {args.e2e_runs}]; bare calamine read of the same file {bare:.2f} s cpu"
            )
    if 100_000 in results:
        r = results[100_000]
        o, c, i = r["openpyxl"], r["calamine"], r["intake"]
        print(
            f"intake: 100k rows {i[0]:.2f} s cpu = {i[0] / o[0]:.3f} × openpyxl read-only, "
            f"{i[0] / c[0]:.2f} × calamine; peak rss {i[2]:.0f} MB"
        )


if __name__ == "__main__":
    main()
