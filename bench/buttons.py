"""What a chart's type buttons cost: ``chart_types`` (the edit and the validation for each type
a button may offer) against the floor of rendering the same chart, measured in the same run.

    .venv/bin/python bench/buttons.py

Every chart pays it once, in the worker, when it is drawn (``bot.jobs.draw``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.actions import chart_types
from bot.render import render_png, validate
from bot.spec import ChartSpec, ChartType, Series

RUNS = 7


def _median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _charts() -> list[tuple[str, ChartSpec]]:
    day = dt.date(2024, 1, 1)
    out = [
        ("bar of 10 categories", ChartSpec(
            ChartType.BAR, "Revenue", [f"Region {i}" for i in range(10)],
            [Series("Revenue", [float(100 + i * 7) for i in range(10)])],
        )),
    ]  # fmt: skip
    for n in (100, 1_000, 20_000):
        labels = [(day + dt.timedelta(days=i)).isoformat() for i in range(n)]
        values = [float(i % 97) for i in range(n)]
        out.append(
            (
                f"line of {n:,} days",
                ChartSpec(ChartType.LINE, "Daily", labels, [Series("v", values)]),
            )
        )
    return [(name, validate(spec)) for name, spec in out]


def main() -> None:
    print(f"{'chart':<24}{'render ms':>12}{'buttons ms':>12}{'ratio':>8}  offered")
    for name, spec in _charts():
        render_png(spec)  # warm: fonts and caches
        render, buttons = (
            _median_ms(lambda s=spec: render_png(s)),
            _median_ms(lambda s=spec: chart_types(s)),
        )
        print(f"{name:<24}{render:>12.1f}{buttons:>12.2f}{buttons / render:>8.3f}  "
              f"{chart_types(spec)}")  # fmt: skip


if __name__ == "__main__":
    main()
