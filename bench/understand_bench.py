"""Benchmark: understanding requests over a 100k-row table, 40,000-character messages, and the
one-shot CLI against the code before the request reader (commit 342bc39).

Run: .venv/bin/python bench/understand_bench.py [--cli-only] [--runs N]
Prints medians and each case's ratio to a floor measured in the same run (one pass summing a
100k-value column in plain Python). The CLI part extracts commit 342bc39 of this repository
(``git archive``) into a temporary directory and times ``python -m bot chart TEXT --file
F.xlsx --spec`` on a 1,000-row workbook, alternating the two checkouts run by run so both see
the same machine load; it prints each one's median and their ratio (the goal: within 1.2x).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import cli, unpack
from bot.understand import ChartResult, Context, understand
from tests.understand.data import big_dataset

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "342bc39"  # the commit before the request reader (issue 13)


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _workbook(path: Path, rows: int = 1000) -> None:
    import openpyxl

    rng = random.Random(13)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "orders"
    sheet.append(["order_id", "region", "product", "status", "units", "price", "revenue"])
    for i in range(rows):
        units = rng.randint(1, 40)
        price = round(rng.uniform(5, 120), 2)
        sheet.append([
            i + 1,
            rng.choice(["North", "South", "East", "West"]),
            rng.choice(["Widget", "Gadget", "Gizmo", "Doohickey", "Thing"]),
            rng.choice(["open", "shipped", "returned"]),
            units,
            price,
            round(units * price, 2),
        ])  # fmt: skip
    book.save(path)


def cli_comparison(runs: int) -> None:
    requests = [
        "revenue by region",  # both versions chart it
        "average price per product",
        "Show the number of orders in each status with a bar chart, sort by the y axis in desc",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "orders.xlsx"
        _workbook(book)
        before = unpack(BEFORE, Path(tmp))
        print(f"CLI --spec on a 1,000-row workbook, {runs} runs each, {BEFORE} vs this checkout")
        ratios = []
        for text in requests:
            times: dict[str, list[float]] = {"before": [], "now": []}
            codes: dict[str, int] = {}
            for _ in range(runs):
                for name, root in (("before", before), ("now", ROOT)):
                    seconds, codes[name] = cli(root, [text, "--file", str(book)], root)
                    times[name].append(seconds * 1000)
            old, new = statistics.median(times["before"]), statistics.median(times["now"])
            ratios.append(new / old)
            print(
                f"  {text[:60]:60} before {old:6.0f} ms (exit {codes['before']})  "
                f"now {new:6.0f} ms (exit {codes['now']})  ratio {new / old:4.2f}"
            )
        worst = max(ratios)
        verdict = "within" if worst <= 1.2 else "OVER"
        print(f"CLI worst ratio now/before: {worst:.2f} ({verdict} 1.2x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli-only", action="store_true")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if not args.cli_only:
        in_process()
    cli_comparison(args.runs)


def in_process() -> None:
    ds = big_dataset(100_000)
    revenue = ds.table.column("Revenue").values
    floor = median_ms(lambda: sum(v for v in revenue if v is not None))
    print(f"floor: one pass over 100,000 values  {floor:8.1f} ms")
    cases = {
        "revenue by region": "revenue by region",
        "monthly revenue for 2023": "monthly revenue for 2023",
        "grouped + filter": "average revenue by region and product excluding widgets",
        "top 3 + numeric filter": "top 3 products by units where revenue > 500",
        "histogram": "distribution of revenue",
        "scatter": "units vs revenue",
    }
    worst = 0.0
    for name, text in cases.items():

        def run(text: str = text) -> None:
            assert isinstance(understand(text, Context(dataset=ds)), ChartResult)

        ms = median_ms(run)
        worst = max(worst, ms)
        print(f"{name:28} {ms:8.1f} ms  {ms / floor:6.1f}x floor")
    long_msgs = {
        "40k pasted rows": "a\t1\n" * 10000,
        "40k words": ("revenue by region " * 2300)[:40000],
        "40k digits+commas": "1," * 20000,
    }
    for name, text in long_msgs.items():
        ms = median_ms(lambda text=text: understand(text, Context(dataset=ds)), runs=3)
        print(f"{name:28} {ms:8.1f} ms  {ms / floor:6.1f}x floor")
    print(
        f"100k-row query worst median: {worst:.0f} ms ({'under' if worst < 1000 else 'OVER'} 1 s)"
    )


if __name__ == "__main__":
    main()
