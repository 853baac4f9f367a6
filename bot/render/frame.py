"""What every chart drawer shares: the ``Frame`` it hands to the page layout, the plot-size
estimates, value axes, zero lines, value labels and label thinning."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

from bot.render.formats import AxisFormatter, date_kind, readable_label
from bot.render.layout import (
    LINE,
    TICK_PT,
    VALUE_PT,
    fit_labels,
    fit_width,
    text_width,
    wrap,
)
from bot.render.styles import Style
from bot.spec import ChartSpec, NumberFormat

MAX_BARS = 30  # vertical bars before the smallest are merged into "Other"
MAX_HBARS = 14  # horizontal bars (rows) before the same: each row's label one line of ticks
MAX_SLICES = 8
ROW_LABEL_SHARE = 0.34  # the most a horizontal bar's label may take of the width
LABEL_GAP = 0.1  # inches between neighbouring category labels
PLAIN = NumberFormat()


def plot_size(ax: Axes) -> tuple[float, float]:
    """Width and height in inches of the plot area, estimated before the margins are known."""
    width, height = ax.get_figure().get_size_inches()
    return float(width) - 1.1, float(height) - 1.5


def row_count(ax: Axes) -> int:
    """How many horizontal bars get a one-line label each."""
    return max(3, min(MAX_HBARS, int(plot_size(ax)[1] / (TICK_PT * LINE / 72))))


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
        low = ax.dataLim.minposy if axis == "y" else ax.dataLim.minposx
        high = ax.dataLim.y1 if axis == "y" else ax.dataLim.x1
        decades = math.log10(high / low) if 0 < low < high < math.inf else 0.0
        # Every decade named; within two decades 1-2-5 steps too, so there are enough to read.
        subs = (1.0, 2.0, 5.0) if decades < 2.3 else (1.0,)
        target.set_major_locator(LogLocator(base=10, subs=subs, numticks=40))
    target.set_major_formatter(AxisFormatter(fmt or spec.number_format, log=spec.options.log_scale))
    if not spec.options.log_scale:
        # About one tick per 0.4 in: six on a full page, fewer when the text is bigger.
        length = plot_size(ax)[1 if axis == "y" else 0]
        nbins = max(3, min(6, int(length / 0.4)))
        target.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))


def reach_ticks(ax: Axes, axis: str) -> None:
    """Widen a value axis to the tick at or beyond its highest (and lowest negative) value, so a
    reader can always tell the top of the tallest bar."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    get, put = (ax.get_ylim, ax.set_ylim) if axis == "y" else (ax.get_xlim, ax.set_xlim)
    box = ax.dataLim
    low, high = (box.y0, box.y1) if axis == "y" else (box.x0, box.x1)
    if not (math.isfinite(low) and math.isfinite(high)):
        return
    for _ in range(3):  # a wider view may choose a coarser step: settle in a few rounds
        lo, hi = get()
        if lo > hi:
            return  # an inverted axis holds categories, not values
        eps = (hi - lo) * 1e-9
        ticks = np.asarray(target.get_major_locator().tick_values(lo, hi), dtype=float)
        inside = ticks[(ticks >= lo - eps) & (ticks <= hi + eps)]
        new_lo, new_hi = lo, hi
        above = ticks[ticks >= high - eps]
        if high > 0 and above.size and (not inside.size or inside.max() < high - eps):
            new_hi = float(above.min())
        below = ticks[ticks <= low + eps]
        if low < 0 and below.size and (not inside.size or inside.min() > low + eps):
            new_lo = float(below.max())
        if (new_lo, new_hi) == (lo, hi):
            return
        put(new_lo, new_hi)


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


def calendar_short(label: str) -> str | None:
    """ "September" → "Sep", "Monday" → "Mon": the usual short form of a month or weekday."""
    from bot.understand.inline import month_index, weekday_index  # the one table of names

    word = label.strip()
    if not word.isalpha():
        return None
    if month_index(word) is not None or weekday_index(word) is not None:
        return word[:3]
    return None


def column_labels(labels: list[str], slot_in: float) -> list[str] | None:
    """Labels under vertical bars ``slot_in`` inches apart: as they are, in their short
    calendar form, or wrapped between words onto up to three lines; None when they do not fit
    (the bars then turn horizontal)."""
    room = slot_in - LABEL_GAP
    shorts = [calendar_short(s) for s in labels]
    if all(shorts) and text_width(max(labels, key=len), TICK_PT) > room:
        labels = [s for s in shorts if s]
    return fit_labels(labels, room, TICK_PT, max_lines=3)


def row_labels(labels: list[str], slot_in: float, page_w: float) -> list[str]:
    """Labels beside horizontal bars ``slot_in`` inches apart: whole when they fit, wrapped onto
    two lines when the rows have room, else shortened with "…"."""
    room = page_w * ROW_LABEL_SHARE
    two_lines = slot_in >= 2 * TICK_PT * LINE / 72 + 0.04
    out = []
    for label in labels:
        if text_width(label, TICK_PT) <= room:
            out.append(label)
            continue
        if two_lines:
            for chars in range(len(label) // 2 + 8, 5, -1):
                wrapped = wrap(label, chars, 2)
                if all(text_width(line, TICK_PT) <= room for line in wrapped.split("\n")):
                    break
            lines = wrapped.split("\n")
            out.append("\n".join(fit_width(line, room, TICK_PT) for line in lines))
        else:
            out.append(fit_width(label, room, TICK_PT))
    return out


def partial_indexes(spec: ChartSpec, labels: list[str]) -> list[int]:
    """Where the first or last period holds only part of its time (``options.partial``)."""
    wanted = set(spec.options.partial)
    return [i for i in {0, len(labels) - 1} if len(labels) > 1 and labels[i] in wanted]


def partial_note(spec: ChartSpec, labels: list[str], note: str, how: str) -> str:
    """The chart's note, saying which periods are partial and how they are drawn."""
    found = [labels[i] for i in sorted(partial_indexes(spec, labels))]
    if not found:
        return note
    kind = date_kind(labels)
    names = " and ".join(readable_label(s, kind) for s in found)
    said = f"{names} {'is' if len(found) == 1 else 'are'} only partly covered ({how})"
    return f"{note}; {said}" if note else said
