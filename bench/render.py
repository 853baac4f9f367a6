"""Renderer benchmark: ours vs bare matplotlib, the worker pool, memory over 1,000 renders.

    .venv/bin/python bench/render.py [--quick]

1. Median time of ``render_png`` for a 10-bar chart, a 4×1,000-point line chart and a
   10,000-point scatter, against the floor: a bare matplotlib render of the same data at the same
   size and dpi (``Figure`` + Agg, default ``savefig``), measured interleaved in the same run.
2. Throughput of a mixed batch through ``WorkerPool(os.cpu_count())`` vs ``WorkerPool(1)``.
3. RSS of one worker process after 10 and after 1,000 renders.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.render import render_png
from bot.render.layout import DPI, FIG_H, FIG_W
from bot.spec import ChartSpec, ChartType, NumberFormat, Series
from bot.workers import WorkerPool

RNG = np.random.default_rng(7)
REGIONS = [f"Region {i}" for i in range(1, 11)]
BAR_VALUES = list(np.round(RNG.uniform(2e5, 1.3e6, 10), 2))
DAYS = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(1000)]
WALKS = np.round(np.cumsum(RNG.normal(0, 1, (4, 1000)), axis=1) + 50, 2)
SCATTER_X = np.round(RNG.gamma(4, 12, 10_000), 2)
SCATTER_Y = np.round(2 + SCATTER_X / 60 + RNG.normal(0, 0.6, 10_000), 2)

SPECS = {
    "bar10": ChartSpec(
        ChartType.BAR, "Revenue by region", REGIONS, [Series("Revenue", BAR_VALUES)],
        x_label="Region", y_label="Revenue", number_format=NumberFormat(prefix="$"),
    ),
    "line4k": ChartSpec(
        ChartType.LINE, "Daily readings", [d.isoformat() for d in DAYS],
        [Series(f"Sensor {i + 1}", list(w)) for i, w in enumerate(WALKS)],
        x_label="Date", y_label="Reading",
    ),
    "scatter10k": ChartSpec(
        ChartType.SCATTER, "Rating vs price", list(SCATTER_X), [Series("Rating", list(SCATTER_Y))],
        x_label="Price", y_label="Rating",
    ),
}  # fmt: skip


def _bare(draw: Callable[[object], None]) -> bytes:
    fig = Figure(figsize=(FIG_W, FIG_H), dpi=DPI)
    FigureCanvasAgg(fig)
    draw(fig.add_subplot())
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


DAY_NUMBERS = mdates.date2num(DAYS)
FLOORS: dict[str, Callable[[], bytes]] = {
    "bar10": lambda: _bare(lambda ax: ax.bar(REGIONS, BAR_VALUES)),
    "line4k": lambda: _bare(lambda ax: [ax.plot(DAY_NUMBERS, w) for w in WALKS]),
    "scatter10k": lambda: _bare(lambda ax: ax.scatter(SCATTER_X, SCATTER_Y)),
}


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def compare(name: str, runs: int) -> float:
    """Median of ours / median of the floor, runs interleaved so drift hits both alike."""
    spec, floor = SPECS[name], FLOORS[name]
    for _ in range(2):
        render_png(spec), floor()
    ours, bare = [], []
    for _ in range(runs):
        ours.append(_timed(lambda: render_png(spec)))
        bare.append(_timed(floor))
    m_ours, m_bare = statistics.median(ours), statistics.median(bare)
    print(f"{name:>11}: ours {m_ours * 1000:6.1f} ms   bare matplotlib {m_bare * 1000:6.1f} ms"
          f"   ratio {m_ours / m_bare:.2f}")  # fmt: skip
    return m_ours / m_bare


async def batch_seconds(pool: WorkerPool, batch: list[ChartSpec]) -> float:
    began = time.perf_counter()
    await asyncio.gather(*(pool.render(s) for s in batch))
    return time.perf_counter() - began


async def throughput(batch: list[ChartSpec], rounds: int) -> tuple[float, float]:
    """Charts/s of a pool with one worker per core and of a one-worker pool, rounds interleaved."""
    cores = os.cpu_count() or 1
    async with WorkerPool(1) as single, WorkerPool(cores) as multi:
        print(f"  pool start (warm): 1 worker {single.start_seconds:.2f} s (forkserver start "
              f"included), {cores} workers {multi.start_seconds:.2f} s")  # fmt: skip
        await batch_seconds(single, batch[:2]), await batch_seconds(multi, batch[: cores * 2])
        one, many = [], []
        for _ in range(rounds):
            one.append(len(batch) / await batch_seconds(single, batch))
            many.append(len(batch) / await batch_seconds(multi, batch))
    rate_one, rate_many = statistics.median(one), statistics.median(many)
    print(f"  {len(batch)} mixed charts: 1 worker {rate_one:.2f} charts/s, {cores} workers "
          f"{rate_many:.2f} charts/s (medians of {rounds} interleaved rounds)")  # fmt: skip
    return rate_many, rate_many / rate_one


def cpu_pressure() -> str:
    """Linux PSI: the share of time runnable tasks waited for a CPU (other load on the machine)."""
    try:
        with open("/proc/pressure/cpu") as f:
            some = f.readline().split()
    except OSError:
        return "n/a"
    return some[2].removeprefix("avg60=") + " %"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_after(renders: int) -> tuple[float, float]:
    """In a worker: RSS after the first 10 renders and after ``renders`` in all."""
    specs = [SPECS["bar10"], SMALL_LINE, SMALL_PIE]
    early = 0.0
    for i in range(renders):
        render_png(specs[i % len(specs)])
        if i == 9:
            gc.collect()
            early = rss_mb()
    gc.collect()
    return early, rss_mb()


SMALL_LINE = ChartSpec(
    ChartType.LINE, "Monthly", [f"2024-{m:02d}" for m in range(1, 13)],
    [Series("a", [float(m) for m in range(12)]), Series("b", [float(12 - m) for m in range(12)])],
)  # fmt: skip
SMALL_PIE = ChartSpec(ChartType.PIE, "Share", REGIONS, [Series("v", BAR_VALUES)])


async def pool_part(batch_size: int, rounds: int, renders: int) -> tuple[float, float, float]:
    batch = [SPECS["bar10"], SMALL_LINE, SMALL_PIE, SPECS["line4k"]] * (batch_size // 4)
    rate, speedup = await throughput(batch, rounds)
    async with WorkerPool(method="fork") as forked:
        print(f"  for comparison, fork method (from this warm process): {forked.size} workers "
              f"warm in {forked.start_seconds:.2f} s")  # fmt: skip
    async with WorkerPool(1) as pool:
        early, late = await pool.run(rss_after, renders, timeout=3600)
    print(f"  worker RSS after 10 renders {early:.1f} MB, after {renders} {late:.1f} MB")
    return rate, speedup, late - early


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    args = parser.parse_args()
    runs, batch, rounds, renders = (5, 16, 1, 100) if args.quick else (15, 24, 3, 1000)
    print(f"{os.cpu_count()} cores, {int(FIG_W * DPI)}×{int(FIG_H * DPI)} px at dpi {DPI}, "
          f"CPU pressure (60 s) {cpu_pressure()}")  # fmt: skip
    ratios = {name: compare(name, runs) for name in SPECS}
    rate, speedup, growth = asyncio.run(pool_part(batch, rounds, renders))
    print(f"CPU pressure (60 s) at the end {cpu_pressure()}: above ~10 % other work was competing")
    print(
        f"render: bar10 ratio {ratios['bar10']:.2f}, line4k ratio {ratios['line4k']:.2f}, "
        f"scatter10k ratio {ratios['scatter10k']:.2f}, pool throughput {rate:.1f} charts/s "
        f"({speedup:.2f}x one process), rss growth {growth:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
