"""Benchmark: understanding requests over a 100k-row table, and 40,000-character messages.

Run: .venv/bin/python bench/understand_bench.py
Prints medians and each case's ratio to a floor measured in the same run (one pass summing a
100k-value column in plain Python).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.understand import ChartResult, Context, understand
from tests.understand.data import big_dataset


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
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
