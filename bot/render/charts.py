"""One drawer per chart type: data from a validated spec onto a matplotlib Axes.

Each drawer returns a ``Frame`` telling the page layout what it needs (legend, note, which axis
holds the values); margins, title and legend placement are done once, in ``draw``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter

from bot.render.formats import (
    MINUS,
    AxisFormatter,
    as_number,
    date_kind,
    format_number,
    needs_compact,
    parse_date,
    period_parts,
    period_ticks,
    readable_label,
)
from bot.render.layout import (
    FIG_H,
    FIG_W,
    LINE,
    TICK_PT,
    VALUE_PT,
    fit_labels,
    line_count,
    max_width,
    shorten,
    text_width,
)
from bot.render.styles import Style, palette_for
from bot.spec import Aggregation, ChartSpec, ChartType, NumberFormat

MAX_BARS = 30  # vertical bars before the smallest are merged into "Other"
MAX_HBARS = 20  # horizontal bars (rows) before the same
MAX_SLICES = 8
PLOT_W = FIG_W - 1.6  # plot area estimate before the margins are known
PLOT_H = FIG_H - 1.9
PLAIN = NumberFormat()


@dataclass
class Frame:
    value_axis: str = "y"  # "y", "x" (horizontal bars), "both" (scatter) or "" (pie)
    legend: list[tuple[Any, str]] = field(default_factory=list)  # (handle, label) at the top
    note: str = ""  # one muted line under the title
    swap_labels: bool = False  # horizontal bars: the category name goes on the y axis
    date_offset: bool = False  # a date axis may print its year under the ticks


def _array(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _value_axis(ax: Axes, axis: str, spec: ChartSpec, fmt: NumberFormat | None = None) -> None:
    """Scale and number format of a value axis (``"x"`` or ``"y"``)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if spec.options.log_scale:
        # "clip" lets bars that start at zero reach down to the bottom of a log axis.
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log", nonpositive="clip")
        target.set_minor_formatter(NullFormatter())
    target.set_major_formatter(AxisFormatter(fmt or spec.number_format, log=spec.options.log_scale))
    if not spec.options.log_scale:
        target.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))


def _zero_line(ax: Axes, axis: str, values: list[np.ndarray], style: Style) -> None:
    """With negative values, a line at zero replaces the axis line at the bottom (or left)."""
    if any(np.nanmin(v) < 0 for v in values if np.isfinite(v).any()):
        line = ax.axhline if axis == "y" else ax.axvline
        line(0, color=style.zero_line, linewidth=1.0, zorder=3)
        ax.spines["bottom" if axis == "y" else "left"].set_visible(False)


def _value_text(ax: Axes, x: float, y: float, text: str, style: Style, *, where: str) -> None:
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


# ---- bars ---------------------------------------------------------------------------------------


def _top_n(
    spec: ChartSpec, labels: list[str], values: list[np.ndarray], keep: int
) -> tuple[list[str], list[np.ndarray], str]:
    """The ``keep`` largest categories; the rest summed into "Other" when summing is meaningful."""
    totals = np.nansum(np.vstack(values), axis=0)
    order = np.argsort(totals if spec.sort == "asc" else -totals, kind="stable")
    kept, rest = order[:keep], order[keep:]
    new_labels = [labels[i] for i in kept]
    new_values = [v[kept] for v in values]
    n = len(labels)
    if spec.aggregation in (Aggregation.SUM, Aggregation.COUNT, Aggregation.NONE):
        new_labels.append(f"Other ({len(rest)})")
        merged = [np.nansum(v[rest]) if np.isfinite(v[rest]).any() else np.nan for v in values]
        new_values = [np.append(nv, m) for nv, m in zip(new_values, merged, strict=True)]
        return (
            new_labels,
            new_values,
            f"Top {keep} of {n}; the other {len(rest)} are summed in “Other”",
        )
    return new_labels, new_values, f"Top {keep} of {n} shown"


def draw_bar(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    frame = Frame()
    labels = [str(s) for s in spec.x_labels]
    values = [_array(s.values) for s in spec.series]
    kind = date_kind(labels)
    horizontal = spec.options.horizontal
    tick_labels: list[str] | None = None
    if kind is None:
        if len(labels) > MAX_BARS or (horizontal and len(labels) > MAX_HBARS):
            labels, values, frame.note = _top_n(spec, labels, values, MAX_HBARS - 1)
            horizontal = True
        elif not horizontal:
            tick_labels = fit_labels(labels, PLOT_W / len(labels) * 0.92, TICK_PT)
            if tick_labels is None:
                horizontal = True
                if len(labels) > MAX_HBARS:
                    labels, values, frame.note = _top_n(spec, labels, values, MAX_HBARS - 1)
    n = len(labels)
    pos = np.arange(n, dtype=float)
    stacked = spec.options.stacked and len(values) > 1
    colors = palette_for(style, spec.options.color, len(values))
    edge = {"edgecolor": style.edge, "linewidth": 0.8} if style.edge else {"linewidth": 0}

    def bars(at: np.ndarray, lengths: np.ndarray, thick: float, base: Any, **kw: Any) -> Any:
        if horizontal:
            return ax.barh(at, lengths, height=thick, left=base, zorder=2, **edge, **kw)
        return ax.bar(at, lengths, width=thick, bottom=base, zorder=2, **edge, **kw)

    handles = []
    if stacked:
        up, down = np.zeros(n), np.zeros(n)
        for i, v in enumerate(values):
            heights = np.nan_to_num(v)
            base = np.where(heights >= 0, up, down)
            handles.append(bars(pos, heights, 0.7, base, color=colors[i], hatch=_hatch(style, i)))
            up += np.clip(heights, 0, None)
            down += np.clip(heights, None, 0)
        ends = [up + down]
    elif len(values) > 1:
        width = 0.8 / len(values)
        for i, v in enumerate(values):
            at = pos + (i - (len(values) - 1) / 2) * width
            handles.append(bars(at, v, width * 0.92, 0, color=colors[i], hatch=_hatch(style, i)))
        ends = values
    else:
        v = values[0]
        fill: Any = colors[0]
        if spec.options.color is None and (v < 0).any():  # losses in a second colour
            fill = [style.negative if x < 0 else colors[0] for x in v]
        handles.append(bars(pos, v, 0.72, 0, color=fill))
        ends = values
    if len(values) > 1:
        frame.legend = [(h, s.name) for h, s in zip(handles, spec.series, strict=True)]

    axis = "x" if horizontal else "y"
    frame.value_axis = axis
    frame.swap_labels = horizontal
    _value_axis(ax, axis, spec)
    _zero_line(ax, axis, values, style)
    if spec.options.show_values:
        _bar_values(ax, spec, style, pos, ends, len(values), stacked, horizontal)

    readable = [readable_label(s, kind) for s in labels]
    if horizontal:
        slot = PLOT_H / n
        size = min(TICK_PT, slot * 72 * 0.72)
        lines = max(1, min(2, int(slot / (size * LINE / 72))))
        shown = fit_labels(readable, 2.4, size, max_lines=lines)
        shown = shown or [shorten(s, 32) for s in readable]
        ticks = _thin(list(range(n)), shown, PLOT_H, line_count(shown) * size * LINE / 72)
        ax.set_yticks([t for t, _ in ticks], [s for _, s in ticks], fontsize=size)
        ax.set_ylim(n - 0.4, -0.6)  # first category on top
    else:
        if kind in ("year", "quarter", "month"):
            ticks = period_ticks(labels, kind, PLOT_W / n, _tick_width)
        else:
            shown = tick_labels or fit_labels(readable, PLOT_W / n * 0.92, TICK_PT)
            shown = shown or [shorten(s, 14) for s in readable]
            ticks = _thin(list(range(n)), shown, PLOT_W, max_width(shown, TICK_PT) + 0.15)
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
        ax.set_xlim(-0.6, n - 0.4)
    return frame


def _tick_width(text: str) -> float:
    return text_width(text, TICK_PT)


def _hatch(style: Style, index: int) -> str:
    return style.hatches[index % len(style.hatches)]


def _thin(
    positions: list[int], texts: list[str], room: float, each: float
) -> list[tuple[int, str]]:
    """Every k-th label so that labels ``each`` inches apart fit in ``room`` inches."""
    fits = max(1, int(room / max(each, 1e-6)))
    stride = max(1, math.ceil(len(positions) / fits))
    return [(positions[i], texts[i]) for i in range(0, len(positions), stride)]


def _bar_values(
    ax: Axes, spec: ChartSpec, style: Style, pos: np.ndarray, ends: list[np.ndarray],
    count: int, stacked: bool, horizontal: bool,
) -> None:  # fmt: skip
    compact = needs_compact([float(x) for v in ends for x in v if np.isfinite(x)])
    width = 0.0 if stacked or count == 1 else 0.8 / count
    for i, v in enumerate(ends):
        for j, value in enumerate(v):
            if not np.isfinite(value):
                continue
            at = pos[j] + (i - (len(ends) - 1) / 2) * width
            text = format_number(float(value), spec.number_format, compact=compact, minus=MINUS)
            if horizontal:
                _value_text(ax, value, at, text, style, where="right" if value >= 0 else "left")
            else:
                _value_text(ax, at, value, text, style, where="above" if value >= 0 else "below")
    if horizontal:
        ax.margins(x=0.12)
    else:
        ax.margins(y=0.1)


# ---- lines and areas ----------------------------------------------------------------------------


def _x_axis(ax: Axes, labels: list[str], frame: Frame) -> tuple[np.ndarray, Callable[[], None]]:
    """x positions for the labels, and a function that sets up readable ticks afterwards."""
    n = len(labels)
    kind = date_kind(labels)
    if kind == "date":
        x = mdates.date2num([parse_date(s) for s in labels])
        frame.date_offset = True

        def dates() -> None:
            locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

        return x, dates
    if kind in ("year", "quarter", "month") and "" not in (s.strip() for s in labels):
        # Periods sit at their true distance: a missing month leaves a wider step, not a lie.
        per_year = {"year": 1, "quarter": 4, "month": 12}[kind]
        ordinals = [y * per_year + sub - 1 for y, sub in (period_parts(s, kind) for s in labels)]
        if all(b > a for a, b in itertools.pairwise(ordinals)):
            x = np.array(ordinals, dtype=float) - ordinals[0]

            def periods() -> None:
                unit = PLOT_W / max(x[-1], 1.0)
                ticks = period_ticks(labels, kind, unit, _tick_width, positions=x)
                ax.set_xticks([x[i] for i, _ in ticks], [s for _, s in ticks])

            return x, periods
    numbers = [as_number(s) for s in labels]
    if (
        kind is None
        and n > 1
        and all(v is not None for v in numbers)
        and all(b > a for a, b in itertools.pairwise(numbers))  # type: ignore[operator]
    ):

        def numeric() -> None:
            ax.xaxis.set_major_formatter(AxisFormatter(PLAIN))

        return np.array(numbers, dtype=float), numeric
    x = np.arange(n, dtype=float)

    def categories() -> None:
        if kind in ("year", "quarter", "month"):
            ticks = period_ticks(labels, kind, PLOT_W / max(n - 1, 1), _tick_width)
        else:
            shown = [shorten(s, 18) for s in labels]
            fitted = fit_labels(shown, PLOT_W / n * 0.92, TICK_PT, max_lines=2)
            ticks = (
                list(enumerate(fitted))
                if fitted
                else _thin(list(range(n)), shown, PLOT_W, max_width(shown, TICK_PT) + 0.25)
            )
        ax.xaxis.set_major_locator(FixedLocator([t for t, _ in ticks]))
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])

    return x, categories


def draw_line(ax: Axes, spec: ChartSpec, style: Style, *, area: bool = False) -> Frame:
    frame = Frame()
    labels = [str(s) for s in spec.x_labels]
    x, ticks = _x_axis(ax, labels, frame)
    ys = [_array(s.values) for s in spec.series]
    colors = palette_for(style, spec.options.color, len(ys))
    markers = len(x) <= 40
    handles = []
    if area and len(ys) > 1:
        handles = ax.stackplot(
            x, *[np.nan_to_num(y) for y in ys], colors=colors, alpha=0.88,
            edgecolor=style.background, linewidth=0.6, zorder=2,
        )  # fmt: skip
        for poly, hatch in zip(handles, style.hatches * len(ys), strict=False):
            poly.set_hatch(hatch)
    else:
        for i, y in enumerate(ys):
            (line,) = ax.plot(
                x, y, color=colors[i], linewidth=style.line_width,
                linestyle=style.line_styles[i % len(style.line_styles)],
                marker="o" if markers else None, markersize=4.5, zorder=3,
                solid_capstyle="round", solid_joinstyle="round",
            )  # fmt: skip
            if area:
                ax.fill_between(x, y, color=colors[i], alpha=0.28, linewidth=0, zorder=2)
            handles.append(line)
    if len(ys) > 1:
        frame.legend = [(h, s.name) for h, s in zip(handles, spec.series, strict=True)]
    _value_axis(ax, "y", spec)
    _zero_line(ax, "y", ys, style)
    ticks()
    ax.margins(x=0.015 if not area or spec.options.show_values else 0)
    finite = [v for y in ys for v in y[np.isfinite(y)]]
    if area and not spec.options.log_scale and min(finite, default=0) >= 0:
        ax.set_ylim(bottom=0)
    if spec.options.show_values:
        _line_values(ax, spec, style, x, ys, stacked=area and len(ys) > 1)
    return frame


def _line_values(
    ax: Axes, spec: ChartSpec, style: Style, x: np.ndarray, ys: list[np.ndarray], stacked: bool
) -> None:
    tops = list(np.cumsum([np.nan_to_num(y) for y in ys], axis=0)) if stacked else ys
    compact = needs_compact([float(v) for y in ys for v in y if np.isfinite(v)])
    for y, top in list(zip(ys, tops, strict=True))[:4]:
        finite = np.flatnonzero(np.isfinite(y))
        if not finite.size:
            continue
        if len(y) <= 20:
            picks = finite
        else:  # too many points to label: the extremes and the latest value
            picks = np.unique(
                [finite[np.argmax(y[finite])], finite[np.argmin(y[finite])], finite[-1]]
            )
        for i in picks:
            text = format_number(float(y[i]), spec.number_format, compact=compact, minus=MINUS)
            _value_text(ax, x[i], top[i], text, style, where="above")
    ax.margins(y=0.12)


def draw_area(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    return draw_line(ax, spec, style, area=True)


# ---- pie and donut ------------------------------------------------------------------------------


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
        ax.text(0, 0.07, total_text, ha="center", va="center", fontsize=16, fontweight="bold",
                color=style.text)  # fmt: skip
        ax.text(0, -0.13, "total", ha="center", va="center", fontsize=TICK_PT, color=style.muted)
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


# ---- scatter ------------------------------------------------------------------------------------


def draw_scatter(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    frame = Frame(value_axis="both")
    x = _array(spec.x_labels)
    ys = [_array(s.values) for s in spec.series]
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
    _value_axis(ax, "y", spec)
    ax.xaxis.set_major_formatter(AxisFormatter(PLAIN))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    _zero_line(ax, "y", ys, style)
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


# ---- histogram ----------------------------------------------------------------------------------

_BIN = re.compile(r"\s*[\[(]?\s*(-?[\d.,]+)\s*(?:–|—|-|to|,)\s*(-?[\d.,]+)\s*[\])]?\s*")


def bin_edges(labels: list[str]) -> list[tuple[float, float]] | None:
    """``["10–20", "20–30"]`` → ``[(10, 20), (20, 30)]`` when the bins are numeric and adjacent."""
    edges = []
    for label in labels:
        match = _BIN.fullmatch(label.replace("\u2212", "-"))
        if not match:
            return None
        lo, hi = as_number(match.group(1)), as_number(match.group(2))
        if lo is None or hi is None or hi <= lo:
            return None
        edges.append((lo, hi))
    for (_, hi), (lo, _) in itertools.pairwise(edges):
        if not math.isclose(hi, lo, rel_tol=1e-6, abs_tol=1e-9):
            return None
    return edges or None


def draw_histogram(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    frame = Frame()
    labels = [str(s) for s in spec.x_labels]
    counts = _array(spec.y_values)
    color = palette_for(style, spec.options.color, 1)[0]
    edges = bin_edges(labels)
    outline = {"edgecolor": style.edge or style.background, "linewidth": 0.8}
    if edges:
        lefts = np.array([lo for lo, _ in edges])
        widths = np.array([hi - lo for lo, hi in edges])
        ax.bar(lefts, counts, width=widths, align="edge", color=color, zorder=2, **outline)
        bounds = [*lefts, edges[-1][1]]
        ax.set_xlim(bounds[0], bounds[-1])
        if len(bounds) <= 13:
            ax.xaxis.set_major_locator(FixedLocator(bounds))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=10, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(AxisFormatter(spec.number_format))
        centres = lefts + widths / 2
    else:
        centres = np.arange(len(labels), dtype=float)
        ax.bar(centres, counts, width=1.0, color=color, zorder=2, **outline)
        shown = [shorten(s, 14) for s in labels]
        ticks = _thin(list(range(len(labels))), shown, PLOT_W, max_width(shown, TICK_PT) + 0.2)
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
        ax.set_xlim(-0.5, len(labels) - 0.5)
    _value_axis(ax, "y", spec, PLAIN)
    if spec.options.show_values and len(labels) <= 30:
        for at, value in zip(centres, counts, strict=True):
            if np.isfinite(value):
                _value_text(ax, at, value, format_number(float(value), PLAIN), style, where="above")
        ax.margins(y=0.1)
    return frame


DRAWERS: dict[ChartType, Callable[[Axes, ChartSpec, Style], Frame]] = {
    ChartType.BAR: draw_bar,
    ChartType.LINE: draw_line,
    ChartType.AREA: draw_area,
    ChartType.PIE: draw_pie,
    ChartType.DONUT: draw_donut,
    ChartType.SCATTER: draw_scatter,
    ChartType.HISTOGRAM: draw_histogram,
}
