"""Pie and donut charts: slices beyond eight merged into “Other”, a legend with values."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes

from bot.render.formats import format_number, needs_compact
from bot.render.frame import MAX_SLICES, Frame
from bot.render.layout import TICK_PT, shorten
from bot.render.styles import Style, palette_for
from bot.spec import Aggregation, ChartSpec


def draw_pie(ax: Axes, spec: ChartSpec, style: Style, *, donut: bool = False) -> Frame:
    frame = Frame(value_axis="")
    pairs = [(str(label), v) for label, v in zip(spec.x_labels, spec.y_values, strict=True)]
    pairs = [(label, v) for label, v in pairs if v is not None and v > 0]
    if len(pairs) > MAX_SLICES:
        pairs.sort(key=lambda p: -p[1])
        rest = pairs[MAX_SLICES - 1 :]
        pairs = [*pairs[: MAX_SLICES - 1], (f"Other ({len(rest)})", sum(v for _, v in rest))]
        frame.note = f"The smallest {len(rest)} slices are combined in “Other”"
    if len(spec.series) > 1:
        frame.note = f"Showing {spec.series[0].name}; a pie shows one series"
    values = np.array([v for _, v in pairs])
    total = float(values.sum())
    colors = palette_for(style, spec.options.color, len(pairs), slices=True)
    wedges, *_ = ax.pie(
        values, colors=colors, startangle=90, counterclock=False,
        wedgeprops={
            "edgecolor": style.background, "linewidth": 1.5, "width": 0.42 if donut else 1.0,
        },
    )  # fmt: skip
    radius = 0.79 if donut else 0.66
    for wedge, value, color in zip(wedges, values, colors, strict=True):
        share = value / total
        if share < 0.045:
            continue
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        ax.text(
            radius * math.cos(angle), radius * math.sin(angle), f"{share:.0%}",
            ha="center", va="center", fontsize=TICK_PT, fontweight="bold",
            color=_ink_on(color),
        )  # fmt: skip
    if donut and spec.aggregation in (Aggregation.SUM, Aggregation.COUNT, Aggregation.NONE):
        compact = needs_compact([total])
        total_text = format_number(total, spec.number_format, compact=compact)
        # Offsets in points, so the two lines stay apart at any text size.
        ax.annotate(total_text, (0, 0), xytext=(0, 0), textcoords="offset points", ha="center",
                    va="bottom", fontsize=16, fontweight="bold", color=style.text)  # fmt: skip
        ax.annotate("total", (0, 0), xytext=(0, -2), textcoords="offset points", ha="center",
                    va="top", fontsize=TICK_PT, color=style.muted)  # fmt: skip
    compact = needs_compact(list(values))
    frame.legend = [
        (w, f"{shorten(label, 28)}  {format_number(v, spec.number_format, compact=compact)}"
            f" ({v / total:.0%})")
        for w, (label, v) in zip(wedges, pairs, strict=True)
    ]  # fmt: skip
    ax.set_aspect("equal")
    return frame


def draw_donut(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    return draw_pie(ax, spec, style, donut=True)


def _ink_on(color: str) -> str:
    """Black or white text, whichever reads better on ``color``."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "#ffffff"
