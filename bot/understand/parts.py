"""Leaving out, or keeping only, the named parts of a chart: its labels or whole series.

"without pears" drops a label, "without 2023" a series, "only 2024" keeps one series, "just
apples and pears" two labels. A name that matches nothing changes nothing, and the chart always
keeps at least one label and one series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.spec import ChartSpec
from bot.understand.build import labels_title
from bot.understand.columns import norm_words

_DROP = re.compile(
    r"\b(?:without|remove|drop|exclude|excluding|except|hide|minus|no more|take out|leave out)"
    r"\s+(?:the\s+)?(?P<what>[^\n;.]{1,200})",
    re.I,
)
_KEEP = re.compile(
    r"^\s*(?:(?:show|keep|plot|chart)\s+)?(?:only|just)\s+(?:the\s+)?(?P<what>[^\n;.]{1,200}?)"
    r"(?:\s+(?:only|please))?\s*$|^\s*(?:show|keep)\s+(?:the\s+)?(?P<what2>[^\n;.]{1,200}?)"
    r"\s+only\s*$",
    re.I,
)
_FILLER = {"series", "one", "ones", "bar", "bars", "line", "lines", "column", "columns", "data"}


@dataclass
class Change:
    note: str  # what was left out, for the reply


def drop_parts(spec: ChartSpec, text: str) -> Change | None:
    """'without pears' / 'without 2023': leave out the named labels or series."""
    m = _DROP.search(text)
    if m is None:
        return None
    change = _apply(spec, _wanted(m["what"]), keep=False)
    if change is None and spec.query is None:  # a file chart's words may still be a filter
        return Change(f"This chart has no “{m['what'].strip()}”, so nothing was left out.")
    return change


def asks_to_keep(text: str) -> bool:
    """Whether ``text`` reads as 'only …' / 'just …', before any chart is copied to try it."""
    return _KEEP.match(text) is not None


def keep_parts(spec: ChartSpec, text: str) -> Change | None:
    """'only 2024' / 'just apples and pears': keep the named series or labels only."""
    m = _KEEP.match(text)
    if m is None:
        return None
    return _apply(spec, _wanted(m["what"] or m["what2"]), keep=True)


def _wanted(phrase: str) -> list[tuple[str, ...]]:
    pieces = re.split(r",|\band\b|&|\bor\b", phrase)
    found = [tuple(w for w in norm_words(p) if w not in _FILLER) for p in pieces]
    return [w for w in found if w]


def _apply(spec: ChartSpec, wanted: list[tuple[str, ...]], *, keep: bool) -> Change | None:
    if not wanted:
        return None
    names = [tuple(norm_words(s.name)) for s in spec.series]
    labels = [tuple(norm_words(str(x))) for x in spec.x_labels]
    if len(spec.series) > 1 and any(w in names for w in wanted):
        chosen = [i for i, n in enumerate(names) if (n in wanted) == keep]
        if not chosen:
            return None
        left = [s.name for i, s in enumerate(spec.series) if i not in chosen]
        old = " vs ".join(s.name for s in spec.series)
        spec.series = [spec.series[i] for i in chosen]
        spec.title = spec.title.replace(old, " vs ".join(s.name for s in spec.series))
        return Change(_left_out(left))
    if any(w in labels for w in wanted):
        chosen = [i for i, n in enumerate(labels) if (n in wanted) == keep]
        if not chosen or len(chosen) == len(labels):
            return None
        left = [str(x) for i, x in enumerate(spec.x_labels) if i not in chosen]
        ordered = next(
            (o for o in (False, True) if spec.title == labels_title(spec.x_labels, ordered=o)), None
        )
        spec.x_labels = [spec.x_labels[i] for i in chosen]
        if ordered is not None:  # a title made from the labels follows them
            spec.title = labels_title(spec.x_labels, ordered=ordered)
        for s in spec.series:
            s.values = [s.values[i] for i in chosen]
        spec.rows = len(spec.x_labels)
        return Change(_left_out(left))
    return None


def _left_out(names: list[str]) -> str:
    shown = [f"“{n}”" for n in names[:6]] + ([f"{len(names) - 6} more"] if len(names) > 6 else [])
    return "Left out " + ", ".join(shown) + "."
