"""File names for what a chart is exported as, made from its title."""

from __future__ import annotations

import re

from bot.render.describe import chart_title
from bot.spec import ChartSpec


def _stem(spec: ChartSpec) -> str:
    # The same slug as the chart's PNG (handlers.outbox.chart_filename), so a thread's files
    # of one chart share a name.
    slug = re.sub(r"[^a-z0-9]+", "-", (spec.title or chart_title(spec)).lower()).strip("-")[:60]
    return slug or "chart"


def workbook_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.xlsx"``."""
    return f"{_stem(spec)}.xlsx"


def png_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.png"``: the name the chart's own upload has."""
    return f"{_stem(spec)}.png"


def csv_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.csv"``."""
    return f"{_stem(spec)}.csv"
