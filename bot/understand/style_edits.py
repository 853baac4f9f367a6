"""The look-of-the-chart edits: title on/off, axis titles, text size, swapped axes, legend.

``finish`` runs last on every presentation edit (``edits._restyle``), so it also keeps what
follows from the data in step with it: a title made from the labels follows the labels, and a
line over time sorted by value becomes a sorted bar chart.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.spec import ChartSpec, ChartType
from bot.understand.build import Built, labels_title
from bot.understand.inline import is_time_sequence
from bot.understand.request import Modifiers

BIGGER_TEXT = 1.3  # ChartOptions.text_scale for "bigger text" (the renderer's largest)

_THE = r"(?:the\s+|a\s+)?"
_TEXT = r"(?:text|font|fonts|labels|type|letters|writing|words)"
_BIGGER = r"(?:bigger|larger|big|large|increase|enlarge)"
_SMALLER = r"(?:smaller|small|decrease|reduce|shrink)"
_AXIS_TITLES = r"(?:axis|axes)\s+(?:labels?|titles?|names?)"
_OFF = r"(?:hide|remove|no|without|drop|delete|turn\s+off|take\s+(?:away|off|out))"
_SWAP = r"(?:swap|switch|flip|exchange|transpose|invert)"
_RESTORE = r"(?:show|put\s+back|bring\s+back|restore)"
_ON = r"(?:show|add|put|include|turn\s+on|bring\s+back|with|put\s+back)"

# (pattern, what it means); every match counts, so "no legend, bigger text" does both.
_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_OFF}\s+{_THE}{_AXIS_TITLES}", re.I), "axis_titles_off"),
    (re.compile(rf"\b{_ON}\s+{_THE}{_AXIS_TITLES}(?:\s+back)?\b", re.I), "axis_titles_on"),
    (re.compile(rf"\b{_BIGGER}\s+(?:the\s+)?{_TEXT}\b", re.I), "bigger"),
    (re.compile(rf"\b{_TEXT}\s+(?:size\s+)?(?:much\s+)?{_BIGGER}\b", re.I), "bigger"),
    (re.compile(rf"\b{_SMALLER}\s+(?:the\s+)?{_TEXT}\b", re.I), "smaller"),
    (re.compile(rf"\b{_TEXT}\s+(?:size\s+)?{_SMALLER}\b", re.I), "smaller"),
    (re.compile(rf"\b{_SWAP}\s+(?:the\s+)?(?:axes|axis|x\s+and\s+y(?:\s+axes)?)\b", re.I), "swap"),
    (re.compile(rf"\b{_OFF}\s+{_THE}legend\b|\blegend\s+off\b", re.I), "legend_off"),
    (re.compile(rf"\b{_ON}\s+{_THE}legend\b|\blegend\s+on\b", re.I), "legend_on"),
    (re.compile(rf"\b{_ON}\s+{_THE}title\s+back\b|\b{_RESTORE}\s+{_THE}title\b", re.I), "title_on"),
]


def style_words(text: str) -> list[str]:
    """What the message asks of the chart's look, in the order of ``_WORDS``."""
    return [kind for pattern, kind in _WORDS if pattern.search(text)]


def without_style_words(text: str) -> str:
    """``text`` with the look words taken out, so what is left can be read for columns."""
    for pattern, _ in _WORDS:
        text = pattern.sub(" ", text)
    return text


def finish(prev: ChartSpec, built: Built, mods: Modifiers, text: str) -> Built:
    """The presentation edit ``built`` made from ``prev``, with the look words of ``text`` and
    everything that depends on the final labels brought up to date."""
    spec, notes = built.spec, built.notes
    words = style_words(text)
    options = spec.options
    if mods.title == "":  # "remove the title": hidden, while the reply still names the chart
        spec.title = prev.title
        options = replace(options, show_title=False)
    elif mods.title is not None or "title_on" in words:
        options = replace(options, show_title=True)
    if "legend_off" in words:
        options = replace(options, legend=False)
        if spec.chart_type in (ChartType.PIE, ChartType.DONUT):
            notes.append("A pie keeps its legend: it names the slices.")
    elif "legend_on" in words:
        options = replace(options, legend=True)
    if "axis_titles_off" in words:
        options = replace(options, axis_titles=False)
    elif "axis_titles_on" in words:
        options = replace(options, axis_titles=True)
    if "bigger" in words:
        if options.text_scale >= BIGGER_TEXT:
            notes.append("The text is already as big as this chart has room for.")
        options = replace(options, text_scale=BIGGER_TEXT)
    elif "smaller" in words:
        if options.text_scale <= 1.0:
            notes.append("The text is already as small as reads well in a Slack thread.")
        options = replace(options, text_scale=1.0)
    spec.options = options
    if "swap" in words:
        _swap(spec, notes)
    _sorted_time(prev, spec, mods, notes)
    _title_from_labels(prev, spec, mods)
    return Built(spec, notes)


def _swap(spec: ChartSpec, notes: list[str]) -> None:
    if spec.chart_type is ChartType.BAR:
        spec.options = replace(spec.options, horizontal=not spec.options.horizontal)
    elif spec.chart_type is ChartType.SCATTER and len(spec.series) == 1:
        xs, ys = list(spec.x_labels), list(spec.series[0].values)
        spec.x_labels, spec.series[0].values = ys, xs
        spec.series[0].name = spec.x_label or spec.series[0].name
        spec.x_label, spec.y_label = spec.y_label, spec.x_label
        spec.title = _swapped_title(spec.title)
        if spec.query is not None and len(spec.query.measures) == 2:
            spec.query.measures = spec.query.measures[::-1]
    else:
        notes.append(f"A {spec.chart_type} chart keeps its axes; bars and scatters can swap.")


def _swapped_title(title: str) -> str:
    parts = re.split(r"\s+vs\.?\s+", title, maxsplit=1, flags=re.I)
    if len(parts) != 2:
        return title
    second = parts[1]
    return second[:1].upper() + second[1:] + " vs " + parts[0][:1].lower() + parts[0][1:]


def _sorted_time(prev: ChartSpec, spec: ChartSpec, mods: Modifiers, notes: list[str]) -> None:
    """Sorting a line over time by value: the line would zigzag through the calendar, so the
    sorted values become bars."""
    if mods.sort not in ("asc", "desc") or spec.chart_type not in (ChartType.LINE, ChartType.AREA):
        return
    if not is_time_sequence([str(x) for x in prev.x_labels]):
        return
    spec.chart_type = ChartType.BAR
    if prev.chart_type is ChartType.AREA and len(spec.series) > 1:
        spec.options = replace(spec.options, stacked=True)
    notes.append("Sorted by value as bars: a line over time keeps the order of time.")


def _title_from_labels(prev: ChartSpec, spec: ChartSpec, mods: Modifiers) -> None:
    """A title made of the labels ("Apples, pears and plums") names the labels still shown."""
    if mods.title is not None or spec.x_labels == prev.x_labels:
        return
    for ordered in (False, True):
        if prev.title == labels_title(prev.x_labels, ordered=ordered):
            same = sorted(map(str, spec.x_labels)) == sorted(map(str, prev.x_labels))
            if not (ordered and same):  # "Jan to Dec" still names the same months
                spec.title = labels_title(spec.x_labels, ordered=ordered and not mods.sort)
            return
