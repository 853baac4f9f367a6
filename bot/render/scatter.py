"""Scatter plots, with an optional least-squares trend line."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from bot.render.formats import AxisFormatter
from bot.render.frame import PLAIN, Frame, as_array, value_axis, zero_line
from bot.render.styles import Style, palette_for
from bot.spec import ChartSpec


def draw_scatter(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    frame = Frame(value_axis="both")
    x = as_array(spec.x_labels)
    ys = [as_array(s.values) for s in spec.series]
    colors = palette_for(style, spec.options.color, len(ys))
    count = sum(int(np.isfinite(y).sum()) for y in ys)
    size, alpha = (6.0, 0.85) if count <= 300 else (4.0, 0.6) if count <= 3000 else (2.6, 0.4)
    handles = []
    for i, y in enumerate(ys):
        # plot() with markers draws thousands of points far faster than scatter().
        ax.plot(
            x, y, linestyle="none", marker="o", markersize=size, alpha=alpha,
            markeredgewidth=0, color=colors[i], zorder=2,
        )  # fmt: skip
        # The legend gets a solid, larger dot than the faint specks of a dense cloud.
        key = Line2D([], [], linestyle="none", marker="o", markersize=7, color=colors[i])
        handles.append((key, spec.series[i].name))
    if spec.options.trend_line:
        for i, y in enumerate(ys[:3]):
            trend = _trend(x, y)
            if trend is None:
                continue
            xs, line_y, r = trend
            (line,) = ax.plot(xs, line_y, color=_trend_color(style, colors[i], len(ys)),
                              linewidth=2.0, linestyle="--", zorder=3)  # fmt: skip
            name = f"Trend (r = {r:.2f})" if len(ys) == 1 else f"{spec.series[i].name} trend"
            handles.append((line, name))
    if len(handles) > 1:
        frame.legend = handles
    value_axis(ax, "y", spec)
    ax.xaxis.set_major_formatter(AxisFormatter(PLAIN))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    zero_line(ax, "y", ys, style)
    return frame


def _trend(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Least-squares line over the points where both x and y are known, with Pearson's r."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2 or np.ptp(x[ok]) == 0:
        return None
    slope, intercept = np.polyfit(x[ok], y[ok], 1)
    xs = np.array([x[ok].min(), x[ok].max()])
    r = float(np.corrcoef(x[ok], y[ok])[0, 1]) if np.ptp(y[ok]) > 0 else 0.0
    return xs, slope * xs + intercept, r


def _trend_color(style: Style, color: str, series: int) -> str:
    return style.text if series == 1 else color
