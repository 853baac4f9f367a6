"""File names for a chart and what it is exported as, made from its title: a thread's files of
one chart share a name."""

from __future__ import annotations

import re

from bot.render.describe import chart_title
from bot.spec import ChartSpec


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "chart"


def _stem(spec: ChartSpec) -> str:
    return _slug(spec.title or chart_title(spec))


def chart_filename(title: str) -> str:
    """``"revenue-by-region.png"``: the drawn chart's image."""
    return f"{_slug(title)}.png"


def workbook_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.xlsx"``."""
    return f"{_stem(spec)}.xlsx"


def png_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.png"``: the name the chart's own upload has."""
    return f"{_stem(spec)}.png"


def csv_filename(spec: ChartSpec) -> str:
    """``"revenue-by-region.csv"``."""
    return f"{_stem(spec)}.csv"
