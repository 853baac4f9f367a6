"""Chart buttons (PRODUCT.md §9): which ones a chart offers, and what a click is to the core.

A click is a request like a typed one. It names the chart it was made on by the chart id logged
with it, never by data, and the core answers it through the same paths as the words would
("make it a pie", "undo"). Nothing here knows how a chat service shows a button.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.render import validate
from bot.spec import ChartSpec, ChartType, SpecError
from bot.understand.build import Built, Refusal
from bot.understand.edits import edit
from bot.understand.request import Modifiers
from bot.understand.timelabels import is_time_sequence

UNDO, DATA, EXCEL = "undo", "data", "excel"
PNG = "png"  # the chart as an image: offered where the chart is not one (a native chart)
# The types a chart may turn into from a button, in the order they are shown, by kind of data.
_FOR_CATEGORIES = (ChartType.BAR, ChartType.LINE, ChartType.PIE)
_FOR_TIME = (ChartType.LINE, ChartType.AREA, ChartType.BAR)
_PIES = (ChartType.PIE, ChartType.DONUT)
# Two clicks of one button on one chart this close together are one request: a double click.
DOUBLE_CLICK_SECONDS = 5.0


@dataclass
class Action:
    """A click on one of a chart's buttons, whatever surface it came from. It has what the core
    needs of a message (``key``, ``user_id``, ``ts``: when it was clicked)."""

    key: str
    user_id: str
    ts: str
    chart_id: str
    button: str  # UNDO, DATA, EXCEL, PNG, or a chart type ("pie")
    event_id: str | None = None


@dataclass(frozen=True)
class Controls:
    """The buttons a chart reply carries."""

    chart_id: str
    types: tuple[str, ...]  # chart types it can be redrawn as
    undo: bool  # whether there is an earlier chart to go back to

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Controls:
        """Controls recorded as JSON (``dataclasses.asdict``)."""
        return cls(str(data["chart_id"]), tuple(data["types"]), bool(data["undo"]))


def is_button(name: str) -> bool:
    return name in (UNDO, DATA, EXCEL, PNG) or name in {t.value for t in ChartType}


def retyped(spec: ChartSpec, chart_type: ChartType) -> Built:
    """``spec`` redrawn as ``chart_type`` by the edit typed "make it a <type>" makes.
    Raises ``Refusal`` when the data cannot take that type."""
    return edit(spec, Modifiers(chart_type=chart_type), None, "", None, spec.style)


def chart_types(spec: ChartSpec) -> list[str]:
    """The types a button may turn ``spec`` into: the usual ones for its kind of data, less its
    own type, a pie for several series (a pie shows one) and any the validation refuses."""
    if spec.chart_type in (ChartType.SCATTER, ChartType.HISTOGRAM):
        return []  # points and bins are not categories: no other type draws them
    over_time = bool(spec.query and spec.query.bucket) or is_time_sequence(
        [str(x) for x in spec.x_labels]
    )
    offered = []
    for chart_type in _FOR_TIME if over_time else _FOR_CATEGORIES:
        if chart_type is spec.chart_type or (chart_type in _PIES and len(spec.series) > 1):
            continue
        try:
            validate(retyped(spec, chart_type).spec)
        except (Refusal, SpecError):
            continue
        offered.append(chart_type.value)
    return offered


def click_generation(
    history: list[dict[str, Any]], chart_id: str, button: str, ts: str
) -> int | None:
    """How many clicks of this button on this chart were answered before: with the chart and
    button it names one click, so a double click's payloads that arrive together are claimed
    once. None when the last answered one was a moment before ``ts``: a double click whose
    first click is already answered."""
    clicks = [
        entry["metadata"].get("ts", "")
        for entry in history
        if entry.get("role") == "user"
        and entry.get("metadata", {}).get("type") == "action"
        and entry["metadata"].get("chart_id") == chart_id
        and entry["metadata"].get("button") == button
    ]
    if clicks and abs(_seconds(ts) - _seconds(clicks[-1])) < DOUBLE_CLICK_SECONDS:
        return None
    return len(clicks)


def _seconds(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return dt.datetime.now(dt.UTC).timestamp()
