"""What every chart drawer shares: the ``Frame`` it hands to the page layout, the plot-size
estimates, value axes, zero lines, value labels and label thinning."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, NullFormatter

from bot.render.formats import AxisFormatter
from bot.render.layout import FIG_H, FIG_W, TICK_PT, VALUE_PT, text_width
from bot.render.styles import Style
from bot.spec import ChartSpec, NumberFormat

MAX_BARS = 30  # vertical bars before the smallest are merged into "Other"
MAX_HBARS = 20  # horizontal bars (rows) before the same
MAX_SLICES = 8
PLOT_W = FIG_W - 1.6  # plot area estimate before the margins are known
PLOT_H = FIG_H - 1.9
PLAIN = NumberFormat()


@dataclass
class Frame:
    """What a drawer tells the page layout in ``draw``."""

    value_axis: str = "y"  # "y", "x" (horizontal bars), "both" (scatter) or "" (pie)
    legend: list[tuple[Any, str]] = field(default_factory=list)  # (handle, label) at the top
    note: str = ""  # one muted line under the title
    swap_labels: bool = False  # horizontal bars: the category name goes on the y axis
    date_offset: bool = False  # a date axis may print its year under the ticks


def as_array(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def value_axis(ax: Axes, axis: str, spec: ChartSpec, fmt: NumberFormat | None = None) -> None:
    """Scale and number format of a value axis (``"x"`` or ``"y"``)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if spec.options.log_scale:
        # "clip" lets bars that start at zero reach down to the bottom of a log axis.
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log", nonpositive="clip")
        target.set_minor_formatter(NullFormatter())
    target.set_major_formatter(AxisFormatter(fmt or spec.number_format, log=spec.options.log_scale))
    if not spec.options.log_scale:
        target.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))


def zero_line(ax: Axes, axis: str, values: list[np.ndarray], style: Style) -> None:
    """With negative values, a line at zero replaces the axis line at the bottom (or left)."""
    if any(np.nanmin(v) < 0 for v in values if np.isfinite(v).any()):
        line = ax.axhline if axis == "y" else ax.axvline
        line(0, color=style.zero_line, linewidth=1.0, zorder=3)
        ax.spines["bottom" if axis == "y" else "left"].set_visible(False)


def value_text(ax: Axes, x: float, y: float, text: str, style: Style, *, where: str) -> None:
    offsets = {"above": (0, 3), "below": (0, -3), "right": (4, 0), "left": (-4, 0)}
    align = {
        "above": ("center", "bottom"),
        "below": ("center", "top"),
        "right": ("left", "center"),
        "left": ("right", "center"),
    }[where]
    ax.annotate(
        text, (x, y), xytext=offsets[where], textcoords="offset points",
        ha=align[0], va=align[1], fontsize=VALUE_PT, color=style.text, zorder=4,
    )  # fmt: skip


def tick_width(text: str) -> float:
    return text_width(text, TICK_PT)


def hatch(style: Style, index: int) -> str:
    return style.hatches[index % len(style.hatches)]


def thin(positions: list[int], texts: list[str], room: float, each: float) -> list[tuple[int, str]]:
    """Every k-th label so that labels ``each`` inches apart fit in ``room`` inches."""
    fits = max(1, int(room / max(each, 1e-6)))
    stride = max(1, math.ceil(len(positions) / fits))
    return [(positions[i], texts[i]) for i in range(0, len(positions), stride)]
