"""One drawer per chart type: data from a validated spec onto a matplotlib Axes.

Each drawer returns a ``Frame`` telling the page layout what it needs (legend, note, which axis
holds the values); margins, title and legend placement are done once, in ``draw``.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.axes import Axes

from bot.render.bars import draw_bar, draw_histogram
from bot.render.frame import Frame
from bot.render.lines import draw_area, draw_line
from bot.render.pies import draw_donut, draw_pie
from bot.render.scatter import draw_scatter
from bot.render.styles import Style
from bot.spec import ChartSpec, ChartType

__all__ = ["DRAWERS", "Frame"]

DRAWERS: dict[ChartType, Callable[[Axes, ChartSpec, Style], Frame]] = {
    ChartType.BAR: draw_bar,
    ChartType.LINE: draw_line,
    ChartType.AREA: draw_area,
    ChartType.PIE: draw_pie,
    ChartType.DONUT: draw_donut,
    ChartType.SCATTER: draw_scatter,
    ChartType.HISTOGRAM: draw_histogram,
}
