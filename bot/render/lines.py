"""Line and area charts, with date, period, numeric or category x axes."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator

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
)
from bot.render.frame import (
    PLAIN,
    Frame,
    as_array,
    partial_indexes,
    partial_note,
    plot_size,
    thin,
    tick_width,
    value_axis,
    value_text,
    zero_line,
)
from bot.render.layout import TICK_PT, fit_labels, max_width, shorten
from bot.render.styles import Style, palette_for
from bot.spec import ChartSpec


def _x_axis(ax: Axes, labels: list[str], frame: Frame) -> tuple[np.ndarray, Callable[[], None]]:
    """x positions for the labels, and a function that sets up readable ticks afterwards."""
    n = len(labels)
    kind = date_kind(labels)
    plot_w = plot_size(ax)[0]
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
                unit = plot_w / max(x[-1], 1.0)
                ticks = period_ticks(labels, kind, unit, tick_width, positions=x)
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
            ticks = period_ticks(labels, kind, plot_w / max(n - 1, 1), tick_width)
        else:
            shown = [shorten(s, 18) for s in labels]
            fitted = fit_labels(shown, plot_w / n * 0.92, TICK_PT, max_lines=2)
            ticks = (
                list(enumerate(fitted))
                if fitted
                else thin(list(range(n)), shown, plot_w, max_width(shown, TICK_PT) + 0.25)
            )
        ax.xaxis.set_major_locator(FixedLocator([t for t, _ in ticks]))
        ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])

    return x, categories


def draw_line(ax: Axes, spec: ChartSpec, style: Style, *, area: bool = False) -> Frame:
    frame = Frame()
    labels = [str(s) for s in spec.x_labels]
    x, ticks = _x_axis(ax, labels, frame)
    ys = [as_array(s.values) for s in spec.series]
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
        partial = partial_indexes(spec, labels)
        for i, y in enumerate(ys):
            if partial and not area:
                _dashed_ends(ax, x, y, partial, colors[i], style)
                y = y.copy()
                y[partial] = np.nan  # the solid line ends where the whole periods do
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
    frame.note = partial_note(spec, labels, frame.note, "dashed")
    value_axis(ax, "y", spec)
    zero_line(ax, "y", ys, style)
    ticks()
    ax.margins(x=0.015 if not area or spec.options.show_values else 0)
    finite = [v for y in ys for v in y[np.isfinite(y)]]
    if area and not spec.options.log_scale and min(finite, default=0) >= 0:
        ax.set_ylim(bottom=0)
    if spec.options.show_values or len(x) == 1:  # a lone point says its value
        _line_values(ax, spec, style, x, ys, stacked=area and len(ys) > 1)
    return frame


def _dashed_ends(
    ax: Axes, x: np.ndarray, y: np.ndarray, partial: list[int], color: str, style: Style
) -> None:
    """A partly covered first or last period: a dashed step to a hollow point."""
    for i in partial:
        j = i + 1 if i == 0 else i - 1
        ax.plot(x[[j, i]], y[[j, i]], color=color, linewidth=style.line_width * 0.8,
                linestyle=(0, (2, 1.5)), zorder=3)  # fmt: skip
        ax.plot(x[i], y[i], linestyle="none", marker="o", markersize=5.5, zorder=4,
                markerfacecolor=style.background, markeredgecolor=color,
                markeredgewidth=1.6)  # fmt: skip


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
            value_text(ax, x[i], top[i], text, style, where="above")
    ax.margins(y=0.12)


def draw_area(ax: Axes, spec: ChartSpec, style: Style) -> Frame:
    return draw_line(ax, spec, style, area=True)
