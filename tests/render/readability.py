"""What a reader sees of a chart in a Slack thread, judged from the drawn figure's own text boxes.

Slack shows an image in a thread about 480 px wide; every measure here is taken at that width.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.render.formats import date_kind
from bot.render.layout import THREAD_PX  # how wide Slack shows an image in a thread
from bot.spec import ChartSpec, ChartType
from tests.render.conftest import drawn_texts, drawn_tick_labels

MIN_TEXT_PX = 8.0
LINE_SPACING = 1.2  # matplotlib's default: n lines are n × 1.2 em tall


def all_texts(fig: Figure) -> list[Text]:
    """Every drawn text, including the axis offset texts ("1e6", a date axis's year)."""
    texts = drawn_texts(fig)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            offset = axis.get_offset_text()
            if offset.get_visible() and offset.get_text():
                texts.append(offset)
    return [t for t in texts if t.get_visible()]


def em_px(text: Text, renderer, scale: float) -> float:
    """The text's size (its em) in display pixels, from its drawn extent."""
    box = text.get_window_extent(renderer)
    if text.get_rotation() % 180:
        return float(renderer.points_to_pixels(text.get_fontsize())) * scale
    lines = text.get_text().count("\n") + 1
    return box.height * scale / (1 if lines == 1 else LINE_SPACING * lines)


def problems(fig: Figure, spec: ChartSpec) -> list[str]:
    """What a reader of the thread-sized picture would stumble on; empty when it reads well."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    scale = THREAD_PX / width
    found: list[str] = []
    texts = all_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    for text, box in zip(texts, boxes, strict=True):
        name = text.get_text().replace("\n", " ")[:40]
        size = em_px(text, renderer, scale)
        if size < MIN_TEXT_PX - 1e-6:
            found.append(f"{name!r} is {size:.1f} px tall at {THREAD_PX} px wide")
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            found.append(f"{name!r} is cut off by the figure edge")
    for (a, box_a), (b, box_b) in itertools.combinations(zip(texts, boxes, strict=True), 2):
        if box_a.overlaps(box_b):
            found.append(f"{a.get_text()[:30]!r} overlaps {b.get_text()[:30]!r}")
    found += _unlabelled(fig, spec, texts)
    found += _broken_words(spec, texts)
    if spec.chart_type not in (ChartType.PIE, ChartType.DONUT, ChartType.SCATTER):
        found += _value_axis(fig, spec)
    return found


def _shown(text: str) -> str:
    return " ".join(text.split())


def _labels_category(label: str, shown: set[str]) -> bool:
    label = _shown(label)
    if label in shown or (_month_names([label]) and label[:3] in shown):
        return True
    return any(s.endswith("…") and label.startswith(s[:-1].rstrip()) for s in shown if len(s) > 1)


def _unlabelled(fig: Figure, spec: ChartSpec, texts: list[Text]) -> list[str]:
    """Every category is named on the chart, or the chart says how many there are."""
    labels = [str(s) for s in spec.x_labels]
    if spec.chart_type in (ChartType.SCATTER, ChartType.HISTOGRAM) or date_kind(labels):
        return []
    if spec.chart_type in (ChartType.LINE, ChartType.AREA) and _month_names(labels):
        return []  # a calendar axis: every other month named reads fine
    shown = {_shown(t.get_text()) for t in texts}
    # Pie legends read "label  value (share)": the label is what comes before the value.
    shown |= {_shown(t.get_text().split("  ")[0]) for t in texts}
    missing = [s for s in labels if not _labels_category(s, shown)]
    if not missing:
        return []
    numbers = {int(n) for t in texts for n in re.findall(r"\b\d+\b", t.get_text())}
    if len(labels) in numbers or len(missing) in numbers:
        return []
    return [f"{len(missing)} of {len(labels)} categories are neither named nor counted"]


def _broken_words(spec: ChartSpec, texts: list[Text]) -> list[str]:
    """A label wrapped onto lines breaks between words, never inside one ("Janua / ry")."""
    words = {w for s in spec.x_labels for w in str(s).split()}
    found = []
    for text in texts:
        lines = text.get_text().split("\n")
        for a, b in itertools.pairwise(lines):
            tail, head = a.split()[-1:] or [""], b.split()[:1] or [""]
            if tail[0] + head[0] in words:
                found.append(f"{tail[0] + head[0]!r} is broken across lines")
    return found


def _month_names(labels: list[str]) -> bool:
    months = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
    return all(s[:3].lower() in months for s in labels)


def _value_axis(fig: Figure, spec: ChartSpec) -> list[str]:
    """The value axis names a tick at or above the highest value (or the values are printed),
    and a log axis names every decade it spans."""
    ax: Axes = fig.axes[0]
    horizontal = spec.chart_type is ChartType.BAR and _is_horizontal(ax)
    axis = "x" if horizontal else "y"
    ticks = drawn_tick_labels(fig, axis)
    locs = [t.get_position()[0 if horizontal else 1] for t in ticks]
    values = _drawn_values(ax, horizontal)
    found = []
    if not values.size:
        return found
    top = float(values.max())
    printed = bool(ax.texts) and spec.options.show_values
    if not printed and top > 0 and (not locs or max(locs) < top * (1 - 1e-9)):
        found.append(f"the highest value {top:g} is above the top labelled tick")
    scale = ax.get_xscale() if horizontal else ax.get_yscale()
    if scale == "log":
        lo, hi = sorted(ax.get_xlim() if horizontal else ax.get_ylim())
        first, last = math.ceil(math.log10(lo) - 1e-9), int(math.log10(hi))
        decades = {10.0**k for k in range(first, last + 1)}
        named = {v for v in locs if any(math.isclose(v, d) for d in decades)}
        if len(named) < len(decades):
            found.append(f"the log axis names {len(named)} of its {len(decades)} decades")
        if len(locs) < 3:
            found.append(f"the log axis has {len(locs)} labelled ticks")
    return found


def _is_horizontal(ax: Axes) -> bool:
    return ax.yaxis_inverted()  # horizontal bars put the first category on top


def _drawn_values(ax: Axes, horizontal: bool) -> np.ndarray:
    """The far ends of the bars and the points of the lines, in data units."""
    ends: list[float] = []
    for p in ax.patches:
        if hasattr(p, "get_height") and hasattr(p, "get_y"):
            if horizontal:
                ends.append(p.get_x() + p.get_width())
            else:
                ends.append(p.get_y() + p.get_height())
    for line in ax.lines:
        data = np.asarray(line.get_xdata() if horizontal else line.get_ydata(), dtype=float)
        if line.get_transform() is ax.transData:  # a plotted line, not the zero line
            ends += list(data[np.isfinite(data)])
    for coll in ax.collections:  # stacked areas
        for path in coll.get_paths():
            ends += list(path.vertices[:, 0 if horizontal else 1])
    return np.array([v for v in ends if math.isfinite(v)])
