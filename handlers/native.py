"""Charts Slack draws itself (``CHART_FORMAT=native``, PRODUCT.md §9): a chart as Slack's
``data_visualization`` block where that block can show the picture Chartbot would draw, and
the message that carries it. Everything else stays a PNG.

slack_sdk has no model for the block, so it is a plain dict. Its limits (Slack's reference, with
the category count and label lengths third parties enforce): title ≤ 50 characters; bar, line
and area take 1-6 series with one point per category, at most 20 categories; pie takes 1-6
segments of value > 0; labels and series names ≤ 20 characters, axis titles ≤ 50.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.conversation import Reply
from bot.export import data_table
from bot.render.layout import shorten
from bot.spec import ChartSpec, ChartType
from handlers.buttons import button_blocks
from storage.base import Storage

log = logging.getLogger(__name__)

MAX_TITLE = 50
MAX_AXIS_TITLE = 50
MAX_LABEL = 20  # categories, pie segments and series names
MAX_SERIES = 6  # series of a bar, line or area; segments of a pie
MAX_CATEGORIES = 20
MAX_CONTEXT = 3000  # a context element's text
MAX_FALLBACK = 3900  # the message's text: well inside Slack's ~4,000 advice
REFUSED_SECONDS = 3600  # a workspace that refused the block gets PNGs for this long
REFUSALS = ("invalid_blocks", "invalid_arguments")

Block = dict[str, Any]


@dataclass(frozen=True)
class NativeChart:
    block: Block
    shortened: bool  # a label or name was cut to fit: the full ones go in the fallback text


def chart_block(spec: ChartSpec, title: str) -> NativeChart | None:
    """The ``data_visualization`` block for a validated ``spec``, or None when Slack's block
    would show something else than the PNG: a type it lacks (donut, scatter, histogram), a
    variant it lacks (horizontal, stacked, log scale, trend line, a chosen colour, dashed
    partial periods), too many series or categories, or values it cannot take (a gap)."""
    o = spec.options
    if o.color or o.log_scale or o.trend_line:
        return None
    if spec.chart_type is ChartType.PIE:
        chart = _pie(spec)
    elif spec.chart_type in (ChartType.BAR, ChartType.LINE, ChartType.AREA):
        chart = _series_chart(spec)
    else:  # a donut drawn as a pie would not be what was asked for
        chart = None
    if chart is None:
        return None
    body, shortened = chart
    block = {"type": "data_visualization", "title": _short(title, MAX_TITLE), "chart": body}
    return NativeChart(block, shortened)


def _series_chart(spec: ChartSpec) -> tuple[Block, bool] | None:
    o, several = spec.options, len(spec.series) > 1
    if o.horizontal or o.partial:
        return None
    if several and (o.stacked or spec.chart_type is ChartType.AREA):
        return None  # Slack groups bars and layers areas; Chartbot stacks them
    if not 1 <= len(spec.series) <= MAX_SERIES or not 1 <= len(spec.x_labels) <= MAX_CATEGORIES:
        return None
    if not all(_number(v) for s in spec.series for v in s.values):
        return None  # a gap in the PNG; Slack's points need numbers, and 0 would be a lie
    full = [str(label) for label in spec.x_labels]
    categories, names = _labels(full), _labels([s.name for s in spec.series])
    if categories is None or names is None:
        return None
    series = [
        {"name": name, "data": _points(categories, s.values)}
        for name, s in zip(names, spec.series, strict=True)
    ]
    axis: Block = {"categories": categories}
    if o.axis_titles is not False:
        if spec.x_label:
            axis["x_label"] = _short(spec.x_label, MAX_AXIS_TITLE)
        if y_label := _with_unit(spec):
            axis["y_label"] = _short(y_label, MAX_AXIS_TITLE)
    chart = {"type": str(spec.chart_type), "series": series, "axis_config": axis}
    return chart, categories != full or names != [s.name for s in spec.series]


def _points(labels: list[str], values: list[float | None]) -> list[Block]:
    return [{"label": label, "value": v} for label, v in zip(labels, values, strict=True)]


def _pie(spec: ChartSpec) -> tuple[Block, bool] | None:
    if len(spec.series) != 1:
        return None  # the PNG says which one series it shows
    # The PNG pie draws no slice for an empty, zero or negative value either.
    slices = zip(spec.x_labels, spec.y_values, strict=True)
    pairs = [(str(x), v) for x, v in slices if v is not None and _number(v) and v > 0]
    if not 1 <= len(pairs) <= MAX_SERIES:
        return None
    full = [label for label, _ in pairs]
    labels = _labels(full)
    if labels is None:
        return None
    segments = _points(labels, [v for _, v in pairs])
    return {"type": "pie", "segments": segments}, labels != full


def _number(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _labels(texts: list[str]) -> list[str] | None:
    """``texts`` within Slack's label length, or None when two would read the same."""
    short = [_short(t, MAX_LABEL) for t in texts]
    return short if all(short) and len(set(short)) == len(short) else None


def _short(text: str, limit: int) -> str:
    return shorten(" ".join(text.split()), limit)  # one line: a label has no room for more


def _with_unit(spec: ChartSpec) -> str:
    """The y axis title, with the unit the PNG's tick labels would show ("Revenue ($)")."""
    fmt = spec.number_format
    unit = " ".join(u.strip() for u in (fmt.prefix, fmt.suffix) if u.strip())
    if not unit:
        return spec.y_label
    return f"{spec.y_label} ({unit})" if spec.y_label else unit


def full_data(spec: ChartSpec) -> str:
    """The chart's full labels and values, for the fallback text when the block shortened
    them: "Data: North America 120; …" (one line per series when there are several), the
    cells as the Data button's table writes them."""
    table = data_table(spec)

    def values(column: int) -> str:
        return "; ".join(f"{row[0]} {row[column]}" for row in table.rows)

    if len(table.header) == 2:
        return "Data: " + values(1)
    series = enumerate(table.header[1:], start=1)
    return "Data:\n" + "\n".join(f"{name}: {values(i)}" for i, name in series)


def native_message(reply: Reply, chart: NativeChart) -> dict[str, Any]:
    """The native chart's message, assembled here only: the fallback ``text`` and the blocks
    (the chart, the same sentence as an image chart's reply as a context line, then the
    chart's buttons, with one for its PNG)."""
    assert reply.chart is not None
    text = reply.text
    if chart.shortened:
        text += "\n" + full_data(reply.chart.spec)
    context = {"type": "mrkdwn", "text": shorten(reply.text, MAX_CONTEXT)}
    blocks = [chart.block, {"type": "context", "elements": [context]}]
    if reply.controls is not None:
        blocks += button_blocks(reply.controls, png=True)
    return {"text": shorten(text, MAX_FALLBACK), "blocks": blocks}


def refused_block(exc: SlackApiError) -> bool:
    """Whether Slack turned the message down for its blocks: ``invalid_blocks`` (a workspace
    without the block answers that too), or ``invalid_arguments`` pointing at the blocks."""
    body = exc.response.data if isinstance(exc.response.data, dict) else {}
    error = body.get("error")
    if error == "invalid_blocks":
        return True
    said = [*body.get("errors", []), *body.get("response_metadata", {}).get("messages", [])]
    return error == "invalid_arguments" and any("blocks" in str(m) for m in said)


class NativeCharts:
    """Native charts for one workspace: which replies go as a block, and the memory of a
    refusal, kept in storage so every process on it sends that workspace PNGs for a while."""

    def __init__(self, storage: Storage, team_id: str) -> None:
        self.storage = storage
        self.mark = f"no-native-charts:{team_id}"

    async def message(self, reply: Reply) -> dict[str, Any] | None:
        """The message for ``reply``'s chart as a block, or None: post the PNG."""
        if reply.chart is None:
            return None
        chart = chart_block(reply.chart.spec, reply.chart.title)
        if chart is None:
            return None
        try:
            if await self.storage.marked(self.mark):
                return None
        except Exception:  # the memory is a saving; the block is still worth a try
            log.warning("could not read %s", self.mark, exc_info=True)
        return native_message(reply, chart)

    async def refused(self, exc: SlackApiError) -> bool:
        """True if ``exc`` is Slack refusing the block: remember it for the workspace."""
        if not refused_block(exc):
            return False
        body = exc.response.data if isinstance(exc.response.data, dict) else {}
        log.warning(
            "Slack refused a native chart (%s %s); PNGs for %s s",
            body.get("error"),
            body.get("errors") or body.get("response_metadata", {}).get("messages"),
            REFUSED_SECONDS,
        )
        try:
            await self.storage.mark(self.mark, REFUSED_SECONDS)
        except Exception:  # the PNG still goes out; only the next chart asks again
            log.warning("could not remember %s", self.mark, exc_info=True)
        return True
