"""Bar charts (vertical, horizontal, grouped, stacked) and histograms."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, MaxNLocator

from bot.render.formats import (
    MINUS,
    AxisFormatter,
    as_number,
    date_kind,
    format_number,
    needs_compact,
    period_ticks,
    readable_label,
)
from bot.render.frame import (
    MAX_BARS,
    PLAIN,
    Frame,
    as_array,
    column_labels,
    hatch,
    partial_indexes,
    partial_note,
    plot_size,
    row_count,
    row_labels,
    thin,
    tick_width,
    value_axis,
    value_text,
    zero_line,
)
from bot.render.layout import LINE, TICK_PT, max_width, shorten
from bot.render.styles import Style, palette_for
from bot.spec import Aggregation, ChartSpec


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
    summable = spec.aggregation in (Aggregation.SUM, Aggregation.COUNT, Aggregation.NONE)
    other = float(np.nansum(totals[rest]))
    if summable and other > np.nanmax(np.abs(totals[kept])):
        # A bar for "Other" longer than every other bar would squash them into slivers.
        total = format_number(other, spec.number_format, compact=needs_compact([other]))
        return new_labels, new_values, f"Top {keep} of {n}; the other {len(rest)} add up to {total}"
    if summable:
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
    values = [as_array(s.values) for s in spec.series]
    kind = date_kind(labels)
    horizontal = spec.options.horizontal
    plot_w, plot_h = plot_size(ax)
    columns: list[str] | None = None
    if kind is None:
        if not horizontal and len(labels) <= MAX_BARS:
            columns = column_labels(labels, plot_w / len(labels))
        horizontal = horizontal or columns is None
        if horizontal and len(labels) > row_count(ax):
            labels, values, frame.note = _top_n(spec, labels, values, row_count(ax) - 1)
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
            handles.append(bars(pos, heights, 0.7, base, color=colors[i], hatch=hatch(style, i)))
            up += np.clip(heights, 0, None)
            down += np.clip(heights, None, 0)
        ends = [up + down]
    elif len(values) > 1:
        width = 0.8 / len(values)
        for i, v in enumerate(values):
            at = pos + (i - (len(values) - 1) / 2) * width
            handles.append(bars(at, v, width * 0.92, 0, color=colors[i], hatch=hatch(style, i)))
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
    if kind is not None:  # a partly covered period: a paler, hatched bar
        for i in partial_indexes(spec, labels):
            for container in handles:
                container.patches[i].set_alpha(0.5)
                container.patches[i].set_hatch("///")
        frame.note = partial_note(spec, labels, frame.note, "paler bars")

    axis = "x" if horizontal else "y"
    frame.value_axis = axis
    frame.swap_labels = horizontal
    value_axis(ax, axis, spec)
    zero_line(ax, axis, values, style)
    if spec.options.show_values:
        _bar_values(ax, spec, style, pos, ends, len(values), stacked, horizontal)

    readable = [readable_label(s, kind) for s in labels]
    if horizontal:
        page_w = float(ax.get_figure().get_size_inches()[0])
        ticks = list(enumerate(row_labels(readable, plot_h / n, page_w)))
        ticks = thin([t for t, _ in ticks], [s for _, s in ticks], plot_h, TICK_PT * LINE / 72)
        ax.set_yticks([t for t, _ in ticks], [s for _, s in ticks])
        ax.set_ylim(n - 0.4, -0.6)  # first category on top
    else:
        if kind in ("year", "quarter", "month"):
            ticks = period_ticks(labels, kind, plot_w / n, tick_width)
        else:
            shown = columns or column_labels(readable, plot_w / n) or readable
            ticks = list(enumerate(shown))
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
        ax.set_xlim(-0.6, n - 0.4)
    return frame


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
                value_text(ax, value, at, text, style, where="right" if value >= 0 else "left")
            else:
                value_text(ax, at, value, text, style, where="above" if value >= 0 else "below")
    if horizontal:
        ax.margins(x=0.12)
    else:
        ax.margins(y=0.1)


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
    counts = as_array(spec.y_values)
    color = palette_for(style, spec.options.color, 1)[0]
    edges = bin_edges(labels)
    # Neighbouring bins touch: a line of background between them keeps them apart (also in
    # mono, whose dark outline would merge them).
    outline = {"edgecolor": style.background, "linewidth": 0.8}
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
        room = plot_size(ax)[0]
        ticks = thin(list(range(len(labels))), shown, room, max_width(shown, TICK_PT) + 0.2)
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
        ax.set_xlim(-0.5, len(labels) - 0.5)
    value_axis(ax, "y", spec, PLAIN)
    if spec.options.show_values and len(labels) <= 30:
        for at, value in zip(centres, counts, strict=True):
            if np.isfinite(value):
                value_text(ax, at, value, format_number(float(value), PLAIN), style, where="above")
        ax.margins(y=0.1)
    return frame
