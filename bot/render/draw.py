"""Chart spec → matplotlib ``Figure`` → PNG bytes, with the object API only (never pyplot).

The page is fixed (1600 × 1000 px); margins are computed from the measured tick labels, title and
legend, so nothing is clipped and no layout engine has to draw the figure twice.
"""

from __future__ import annotations

import io
import math

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.render.charts import DRAWERS, Frame
from bot.render.describe import chart_title, dimension_name, measure_name
from bot.render.frame import reach_ticks
from bot.render.layout import (
    DPI,
    FIG_H,
    FIG_W,
    LABEL_PT,
    LEGEND_PT,
    NOTE_PT,
    PAD,
    TICK_PT,
    TITLE_PT,
    fit_width,
    line_count,
    max_width,
    shorten,
    text_height,
    text_width,
    title_lines,
)
from bot.render.styles import Style, style_named
from bot.render.validate import validate
from bot.spec import ChartSpec, ChartType

# Only what a spec must not influence: "$5 and $6" in a label is text, never mathtext.
_RC = {"text.parse_math": False, "font.family": "DejaVu Sans", "axes.unicode_minus": False}
PNG_COMPRESSION = 3  # zlib level: 6 (the default) costs ~20 % more time for ~10 % fewer bytes


def render_png(spec: ChartSpec) -> bytes:
    """The chart as PNG bytes: pure and deterministic (no timestamp or version in the file)."""
    return figure_png(build_figure(spec))


def figure_png(fig: Figure) -> bytes:
    """Draw ``fig`` (from ``build_figure``) and encode it; no timestamp or version is written."""
    with mpl.rc_context(_RC):
        fig.canvas.draw()
    rgba = fig.canvas.buffer_rgba()
    image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=PNG_COMPRESSION)
    return out.getvalue()


def build_figure(spec: ChartSpec) -> Figure:
    """The validated spec drawn on a fresh ``Figure`` (attached to an Agg canvas, not yet drawn)."""
    spec = validate(spec)
    style = style_named(spec.style)
    with mpl.rc_context(_RC):
        # Bigger text is a smaller page drawn at a higher dpi: the same pixels, larger type.
        scale = spec.options.text_scale
        fig = Figure(
            figsize=(FIG_W / scale, FIG_H / scale), dpi=DPI * scale, facecolor=style.background
        )
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8), facecolor=style.background)
        frame = DRAWERS[spec.chart_type](ax, spec, style)
        if spec.chart_type not in (ChartType.PIE, ChartType.DONUT):  # a pie's legend stays
            _legend_option(ax, spec, frame)
        top = _heading(fig, spec, style, frame)
        if spec.chart_type in (ChartType.PIE, ChartType.DONUT):
            _pie_page(fig, ax, style, frame, top)
        else:
            for axis in ("x", "y") if frame.value_axis == "both" else (frame.value_axis,):
                reach_ticks(ax, axis)
            _decorate(ax, spec, style, frame)
            _legend_top(fig, style, frame, top)
            _margins(fig, ax, spec, frame, top + _legend_height(fig, frame))
    return fig


def _legend_option(ax: Axes, spec: ChartSpec, frame: Frame) -> None:
    """ "legend off" drops it; "legend on" names even a single series."""
    if spec.options.legend is False:
        frame.legend = []
    elif spec.options.legend and not frame.legend:
        drawn = [line for line in ax.lines if line.get_transform() is ax.transData]
        handles = list(ax.containers) or drawn
        frame.legend = [(h, s.name) for h, s in zip(handles, spec.series, strict=False)]


def _heading(fig: Figure, spec: ChartSpec, style: Style, frame: Frame) -> float:
    """Title (and note) at the top left; returns the inches they take from the top edge."""
    fig_w, fig_h = fig.get_size_inches()
    used = PAD - 0.04
    if spec.options.show_title:
        title = title_lines(spec.title or chart_title(spec), fig_w - 2 * PAD)
        fig.text(
            PAD / fig_w, 1 - PAD / fig_h, title, ha="left", va="top",
            fontsize=TITLE_PT, fontweight="bold", color=style.text,
        )  # fmt: skip
        used = PAD + text_height(title.count("\n") + 1, TITLE_PT)
    if frame.note:
        note = fit_width(frame.note, fig_w - 2 * PAD, NOTE_PT)
        fig.text(PAD / fig_w, 1 - (used + 0.04) / fig_h, note, ha="left",
                 va="top", fontsize=NOTE_PT, color=style.muted)  # fmt: skip
        used += 0.04 + text_height(1, NOTE_PT)
    return used + 0.1 + text_height(0.5, TICK_PT)  # the top tick label reaches above the plot


def _legend_columns(frame: Frame, room: float) -> tuple[int, int]:
    items = [text_width(label, LEGEND_PT) for _, label in frame.legend]
    each = max(items, default=0) + (1.2 + 0.8 + 1.6) * LEGEND_PT / 72  # handle, gap, spacing
    cols = max(1, min(len(items), int(room / each)))
    return cols, math.ceil(len(items) / cols)


def _legend_height(fig: Figure, frame: Frame) -> float:
    if not frame.legend:
        return 0.0
    _, rows = _legend_columns(frame, fig.get_size_inches()[0] - 2 * PAD)
    return rows * LEGEND_PT * 1.75 / 72 + 0.08


def _legend_top(fig: Figure, style: Style, frame: Frame, top: float) -> None:
    if not frame.legend:
        return
    fig_w, fig_h = fig.get_size_inches()
    cols, _ = _legend_columns(frame, fig_w - 2 * PAD)
    handles, labels = zip(*frame.legend, strict=True)
    fig.legend(
        handles, labels, loc="upper left", bbox_to_anchor=(PAD / fig_w, 1 - top / fig_h),
        ncols=cols, frameon=False, fontsize=LEGEND_PT, labelcolor=style.text,
        handlelength=1.2, handletextpad=0.6, columnspacing=1.6, borderaxespad=0,
        borderpad=0,
    )  # fmt: skip


def _decorate(ax: Axes, spec: ChartSpec, style: Style, frame: Frame) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for spine in ax.spines.values():
        spine.set_color(style.muted)
        spine.set_linewidth(0.9)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=TICK_PT, labelcolor=style.text, color=style.muted, length=0, pad=5)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(axis="x", pad=7)  # clear of the lowest value label on the y axis
    grid = {"color": style.grid, "linewidth": 0.8}
    if frame.value_axis == "y":
        ax.spines["left"].set_visible(False)
        ax.yaxis.grid(True, **grid)
    elif frame.value_axis == "x":
        ax.spines["bottom"].set_visible(False)
        ax.xaxis.grid(True, **grid)
    else:  # scatter: both axes carry numbers
        ax.grid(True, **grid)
        ax.tick_params(length=3)
    x_label, y_label = axis_titles(spec)
    if frame.swap_labels:
        x_label, y_label = y_label, x_label
    if frame.swap_labels and not y_label:
        y_label = ""
    label = {"fontsize": LABEL_PT, "color": style.text, "labelpad": 7}
    if x_label:
        ax.set_xlabel(shorten(x_label, 80), **label)
    if y_label:
        ax.set_ylabel(shorten(y_label, 60), **label)


def axis_titles(spec: ChartSpec) -> tuple[str, str]:
    """The x and y axis titles: as set, none ("remove the axis labels"), or named after the
    dimension and measure when asked for and not set ("add axis labels")."""
    wanted = spec.options.axis_titles
    if wanted is False:
        return "", ""
    if wanted is None:
        return spec.x_label, spec.y_label
    x = spec.x_label or ("x" if spec.chart_type is ChartType.SCATTER else dimension_name(spec))
    return x[:1].upper() + x[1:], spec.y_label or measure_name(spec).capitalize()


def _tick_texts(axis: Axis) -> list[str]:
    """The tick labels matplotlib will draw (locator + formatter, inside the view)."""
    locs = axis.get_majorticklocs()
    lo, hi = sorted(axis.get_view_interval())
    slack = (hi - lo) * 1e-6
    locs = [v for v in locs if lo - slack <= v <= hi + slack]
    return [t for t in axis.get_major_formatter().format_ticks(locs) if t]


def _margins(fig: Figure, ax: Axes, spec: ChartSpec, frame: Frame, top: float) -> None:
    x_ticks, y_ticks = _tick_texts(ax.xaxis), _tick_texts(ax.yaxis)
    size_x = size_y = TICK_PT  # every tick label has one size (asking an axis for it costs 12 %)
    left = PAD + max_width(y_ticks, size_y) + 0.1
    if ax.get_ylabel():
        left += text_height(ax.get_ylabel().count("\n") + 1, LABEL_PT) + 0.1
    bottom = PAD + text_height(line_count(x_ticks), size_x) + 0.1
    if frame.date_offset:
        bottom += text_height(1, size_x)
    if ax.get_xlabel():
        bottom += text_height(1, LABEL_PT) + 0.1
    # A tick label centred on the axis ends overhangs the plot by half its width.
    edge_right = text_width(x_ticks[-1], size_x) / 2 + 0.05 if x_ticks else 0.0
    edge_left = text_width(x_ticks[0], size_x) / 2 + 0.05 if x_ticks else 0.0
    left = max(left, PAD + edge_left)
    right = max(PAD + 0.1, edge_right + 0.08)
    fig_w, fig_h = fig.get_size_inches()
    width, height = fig_w - left - right, fig_h - top - bottom
    ax.set_position((left / fig_w, bottom / fig_h, width / fig_w, height / fig_h))


def _pie_page(fig: Figure, ax: Axes, style: Style, frame: Frame, top: float) -> None:
    """Pie on the left, a legend of label, value and share on the right."""
    fig_w, fig_h = fig.get_size_inches()
    height = fig_h - top - PAD
    labels_w = max_width([label for _, label in frame.legend], LEGEND_PT + 1) + 0.35
    size = max(1.0, min(height, fig_w * 0.52, fig_w - 2 * PAD - 0.7 - labels_w))
    ax.set_position(
        ((PAD + 0.25) / fig_w, (PAD + (height - size) / 2) / fig_h, size / fig_w, size / fig_h)
    )
    handles, labels = zip(*frame.legend, strict=True)
    left = (PAD + 0.25 + size + 0.45) / fig_w
    fig.legend(
        handles, labels, loc="center left", bbox_to_anchor=(left, (PAD + height / 2) / fig_h),
        frameon=False, fontsize=LEGEND_PT + 1, labelcolor=style.text, handlelength=1.1,
        handleheight=1.1, labelspacing=0.75, borderaxespad=0,
    )  # fmt: skip
