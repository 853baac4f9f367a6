"""Follow-up edits on the thread's previous chart ("make it a pie", "only top 3", "average").

Presentation edits change the spec in place. Edits that change the data (measure, grouping,
aggregation, filters) re-run the query recorded in ``spec.query`` on the dataset, so the numbers
stay exact rather than being patched.
"""

from __future__ import annotations

import copy
import re

from bot.spec import ChartSpec, ChartType, Filter, Series
from bot.table import ColumnType, Dataset, Table
from bot.understand.build import Built, Refusal, labels_title, options_from, query_chart
from bot.understand.columns import norm_words
from bot.understand.numbers import Number, parse_number
from bot.understand.parts import asks_to_keep, drop_parts, keep_parts
from bot.understand.pies import pie_series
from bot.understand.query import Query, auto_bucket, sort_limit
from bot.understand.records import records
from bot.understand.request import Modifiers
from bot.understand.state import Parsed
from bot.understand.style_edits import finish

_CLEAR_FILTERS = re.compile(
    r"\b(?:(?:remove|clear|drop|reset|no|without)\s+(?:the\s+|all\s+|any\s+)?filters?|unfiltered|"
    r"all\s+(?:the\s+)?(?:rows|data|regions|years|products|categories)|everything)\b",
    re.I,
)


def _table_for(prev: ChartSpec, dataset: Dataset | None) -> Table | None:
    if dataset is None or prev.source_file != dataset.filename:
        return None
    if prev.sheet and prev.sheet in dataset.tables:
        return dataset.tables[prev.sheet]
    return dataset.table


def _names(cols: list) -> list[str]:
    return [c.name for c in cols]


def edit(
    prev: ChartSpec,
    mods: Modifiers,
    parsed: Parsed | None,
    text: str,
    dataset: Dataset | None,
    style: str,
) -> Built:
    table = _table_for(prev, dataset) if prev.query else None
    if table is not None and dataset is not None and parsed is not None:
        q = copy.deepcopy(prev.query) if prev.query is not None else Query()
        if _change_query(q, prev, mods, parsed, text, table):
            built = query_chart(
                q,
                mods,
                dataset,
                table,
                style,
                share=prev.query is not None and prev.query.share,
                entity=prev.query.entity if prev.query is not None else None,
                base=prev,
            )
            built.spec.source = "previous"
            built.notes[:0] = parsed.notes
            return built
    if table is not None and dataset is not None and _pie_of_many(prev, mods):
        return _pie_of_query(prev, mods, dataset, table, style)
    if parsed is not None and (parsed.measures or parsed.dims or parsed.filters) and table is None:
        raise Refusal(
            "The previous chart isn't from the active file, so I can't change its data.",
            "a new request such as “revenue by region”",
        )
    return _restyle(prev, mods, text)


_PIES = (ChartType.PIE, ChartType.DONUT)
_AGG_WORDS = {"sum": "total", "mean": "average", "min": "minimum", "max": "maximum"}


def _pie_of_many(prev: ChartSpec, mods: Modifiers) -> bool:
    return mods.chart_type in _PIES and prev.chart_type not in _PIES and len(prev.series) > 1


def _pie_of_query(
    prev: ChartSpec, mods: Modifiers, dataset: Dataset, table: Table, style: str
) -> Built:
    """'make it a pie' on a file chart of several series: grouped series become the totals per
    label, queried again over all their rows (exact for averages too); several measures are
    different things, so the reply asks which one."""
    q = copy.deepcopy(prev.query) if prev.query is not None else Query()
    if not q.group:
        names = " or ".join(f"“{m}”" for m in q.measures) or "which series"
        raise Refusal(
            f"A pie shows one series: which one, {names}?",
            f"a request such as “pie of {q.measures[0] if q.measures else 'Revenue'}”",
        )
    group, q.group, q.group_bucket = q.group, None, None
    built = query_chart(
        q,
        mods,
        dataset,
        table,
        style,
        share=q.share,
        entity=q.entity,
        base=prev,
    )
    built.spec.source = "previous"
    word = _AGG_WORDS.get(q.aggregation, q.aggregation)
    built.notes.insert(
        0, f"A pie shows one series, so each slice is the {word} over every {group}."
    )
    return built


def _change_query(
    q: Query, prev: ChartSpec, mods: Modifiers, parsed: Parsed, text: str, table: Table
) -> bool:
    changed = False
    numeric = [c for c in parsed.measures if c.type is ColumnType.NUMBER]
    if parsed.added:
        for c in parsed.added:
            if c.name not in q.measures:
                q.measures.append(c.name)
        q.group = None if len(q.measures) > 1 else q.group
        changed = True
    if parsed.dropped:
        for c in parsed.dropped:
            if c.name in q.measures and len(q.measures) > 1:
                q.measures.remove(c.name)
            elif c.name == q.group:
                q.group = None
        changed = True
    elif numeric and not parsed.added and q.kind != "scatter":
        q.measures = _names(numeric) if q.kind != "histogram" else _names(numeric[:1])
        changed = True
    elif len(numeric) >= 2 and q.kind == "scatter":
        q.measures = _names(numeric[:2])
        changed = True
    elif numeric and q.kind == "scatter" and numeric[0].name not in q.measures:
        q.measures = [q.measures[0], numeric[0].name]  # 'cost instead': a new y for the same x
        changed = True
    dims = [c for c in parsed.dims if not (c.type is ColumnType.NUMBER and c in parsed.measures)]
    if dims and q.kind in ("aggregate", "total"):
        q.kind = "aggregate"
        q.dimension = dims[0].name
        q.group = dims[1].name if len(dims) > 1 else None
        q.bucket = (
            parsed.bucket or auto_bucket(dims[0].values)
            if dims[0].type is ColumnType.DATE
            else None
        )
        changed = True
    elif parsed.bucket and q.dimension and table.column(q.dimension).type is ColumnType.DATE:
        q.bucket = parsed.bucket
        changed = True
    if mods.aggregation is not None and q.kind in ("aggregate", "total"):
        q.aggregation = str(mods.aggregation)
        if mods.count_word == "number" and q.measures:
            q.aggregation = "sum"
        if q.aggregation == "count":
            q.measures = q.measures[:1]
        changed = True
    if _CLEAR_FILTERS.search(text) and q.filters:
        q.filters = []
        changed = True
    if parsed.filters:
        named = {f.column for f in parsed.filters}
        q.filters = [f for f in q.filters if f.column not in named] + [
            Filter(f.column, f.op, f.value) for f in parsed.filters
        ]
        changed = True
    if changed or mods.sort is not None or mods.limit is not None:
        if mods.sort is not None:
            q.sort = None if mods.sort == "none" else mods.sort
        if mods.limit is not None:
            q.limit = mods.limit
        _set_bins(q, mods)
        if mods.chart_type is ChartType.HISTOGRAM and q.kind != "histogram" and q.measures:
            q.kind, q.measures, q.aggregation = "histogram", q.measures[:1], "count"
        return True
    if (mods.bins is not None or mods.bin_width is not None) and q.kind == "histogram":
        _set_bins(q, mods)
        return True
    if mods.chart_type is ChartType.HISTOGRAM and q.kind == "aggregate" and q.measures:
        q.kind, q.measures, q.aggregation = "histogram", q.measures[:1], "count"
        return True
    return False


def _restyle(prev: ChartSpec, mods: Modifiers, text: str) -> Built:
    spec = copy.deepcopy(prev)
    notes: list[str] = []
    spec.source = "previous"
    if mods.chart_type is not None:
        if mods.chart_type is not spec.chart_type and ChartType.SCATTER in (
            mods.chart_type,
            spec.chart_type,
        ):
            raise Refusal(
                "A scatter's points are pairs of numbers, not categories, so I can't redraw "
                f"it as a {mods.chart_type} chart.",
                "a new request such as “revenue by region”",
            )
        if mods.chart_type is ChartType.HISTOGRAM and spec.chart_type is not ChartType.HISTOGRAM:
            raise Refusal(
                f"I can't turn this {spec.chart_type} chart into a {mods.chart_type} "
                "without new data.",
                "two number columns (scatter) or one (histogram)",
            )
        spec.chart_type = mods.chart_type
    if mods.horizontal and spec.chart_type is not ChartType.BAR and mods.chart_type is None:
        spec.chart_type = ChartType.BAR
    if mods.stacked and spec.chart_type is ChartType.LINE:
        spec.chart_type = ChartType.AREA
    inline_only = keep_parts(spec, text) if spec.query is None else None
    for change in (inline_only, drop_parts(spec, text)):
        if change is not None:
            notes.append(change.note)
    if spec.chart_type in _PIES and len(spec.series) > 1:
        chosen = pie_series(spec.series, spec.title, text)
        spec.series, spec.title = [chosen.series], chosen.title
        spec.y_label = chosen.series.name if chosen.series.name != "Total" else spec.y_label
        notes.append(chosen.note)
    spec.options = options_from(mods, spec.options)
    if mods.style is not None:
        spec.style = mods.style
    if mods.title is not None:
        spec.title = mods.title
        if spec.query is not None:
            spec.query.auto_title = False
    for axis in ("x_label", "y_label"):
        if getattr(mods, axis) is not None:
            setattr(spec, axis, getattr(mods, axis))
            if spec.query is not None:
                setattr(spec.query, f"{axis}_set", True)
    if mods.sort is not None or mods.limit is not None:
        sort = None if mods.sort == "none" else (mods.sort or spec.sort)
        spec.x_labels, spec.series = sort_limit(spec.x_labels, spec.series, sort, mods.limit)
        spec.sort = sort if sort in ("asc", "desc") else None
        spec.limit = mods.limit or spec.limit
    return finish(prev, Built(spec, notes), mods, text)  # look words, labels-made titles


_ADD_POINTS = re.compile(
    r"\s*(?:(?:nice|great|cool|ok|okay|thanks|now|then|and|also|please)\b[\s,.!]*)*"
    r"(?:add|also\s+add|plus|append)\s+(?P<what>.+)",
    re.I | re.S,
)
_NAMED_LIST = re.compile(r"(?:an?\s+|the\s+)?(?P<name>[^\d:=,;\n]{1,40}?)\s*:\s*(?P<data>.+)", re.S)
_SET_POINT = re.compile(
    r"\s*(?:please\s+)?(?:set|change|update|make)\s+(?P<label>.+?)\s+(?:to|=)\s+"
    r"(?P<num>[^\s,]+(?:(?:\s*,\s*|\s+(?:and\s+)?)[^\s,]+){0,11})\s*",
    re.I | re.S,
)


def edit_points(prev: ChartSpec, mods: Modifiers, text: str) -> Built | None:
    """'add bananas 4', 'add Q4 20 22' (one number per series), 'set pears to 7': new or
    changed categories of an inline chart (a file chart's numbers come from its data, not from
    the message); 'only 2024', 'just apples and pears': the parts of an inline chart to keep."""
    if (
        prev.query is None
        and asks_to_keep(text)  # every message of the thread comes here: no copy for most
        and keep_parts(copy.deepcopy(prev), text) is not None
    ):
        return _restyle(prev, mods, text)
    if prev.query is not None or prev.chart_type in _NOT_CATEGORIES:
        return None
    width = len(prev.series)
    points: list[tuple[str, list[Number]]]
    if (m := _ADD_POINTS.fullmatch(text)) is not None:
        added = _added_series(prev, m["what"])
        if added is not None:
            return added
        found = records(m["what"]) or []
        points = [(r.head, list(r.numbers)) for r in found if r.head and len(r.numbers) == width]
        points = points if len(points) == len(found) else []
    elif (m := _SET_POINT.fullmatch(text)) is not None:
        said = [parse_number(x) for x in re.split(r"\s*,\s*|\s+(?:and\s+)?", m["num"].strip())]
        numbers = [n for n in said if n is not None]
        if _key(m["label"]) not in {_key(x) for x in prev.x_labels} or len(numbers) < len(said):
            return None
        if len(numbers) != width:
            names = " and ".join(f"“{s.name}”" for s in prev.series)
            raise Refusal(
                f"This chart has {width} series ({names}), so “{m['label'].strip()}” needs "
                f"{width} numbers.",
                f"one number per series, such as “set {m['label'].strip()} to "
                + " ".join(str(n) for n in range(5, 5 + width))
                + "”",
            )
        points = [(m["label"].strip(), numbers)]
    else:
        return None
    if not points:
        return None
    built = _restyle(prev, mods, "")
    spec, notes = built.spec, built.notes
    auto_title = next(
        (o for o in (False, True) if prev.title == labels_title(prev.x_labels, ordered=o)), None
    )
    where = {_key(x): i for i, x in enumerate(spec.x_labels)}
    for label, numbers in points:
        i = where.get(_key(label))
        if i is None:
            spec.x_labels.append(label)
            for series, number in zip(spec.series, numbers, strict=True):
                series.values.append(number.value)
            notes.append(f"Added “{label}”.")
        else:
            for series, number in zip(spec.series, numbers, strict=True):
                series.values[i] = number.value
            shown = ", ".join(f"{n.prefix}{n.value:,g}{n.suffix}" for n in numbers)
            notes.append(f"Changed “{spec.x_labels[i]}” to {shown}.")
    if spec.sort in ("asc", "desc"):
        spec.x_labels, spec.series = sort_limit(spec.x_labels, spec.series, spec.sort, None)
    if auto_title is not None and mods.title is None:  # a title made from the labels follows them
        spec.title = labels_title(spec.x_labels, ordered=auto_title)
    spec.rows = len(spec.x_labels)
    return Built(spec, notes)


def _added_series(prev: ChartSpec, what: str) -> Built | None:
    """'add costs: Q1 80, Q2 90, …': a new series over the chart's own labels."""
    m = _NAMED_LIST.fullmatch(what.strip())
    found = records(m["data"]) if m is not None else None
    if m is None or not found or any(len(r.numbers) != 1 for r in found):
        return None
    where = {_key(x): i for i, x in enumerate(prev.x_labels)}
    unknown = [r.head for r in found if _key(r.head) not in where]
    if len(unknown) == len(found):
        return None
    if unknown:
        shown = ", ".join(f"“{x}”" for x in unknown[:3])
        raise Refusal(
            f"{shown} {'is' if len(unknown) == 1 else 'are'} not on this chart, so I can't add "
            f"“{m['name'].strip()}” to it.",
            "numbers for the chart's own labels: " + ", ".join(str(x) for x in prev.x_labels[:6]),
        )
    spec = copy.deepcopy(prev)
    spec.source = "previous"
    name = m["name"].strip()
    values: list[float | None] = [None] * len(spec.x_labels)
    for r in found:
        values[where[_key(r.head)]] = r.numbers[0].value
    if len(spec.series) == 1 and spec.series[0].name in ("value", ""):
        spec.series[0].name = spec.title  # the chart's one series was named by its title
    spec.series.append(Series(name, values))
    spec.title = " and ".join(s.name for s in spec.series)[:80]
    spec.y_label = ""
    notes = [f"Added the series “{name}”."]
    missing = [str(x) for x, v in zip(spec.x_labels, values, strict=True) if v is None]
    if missing:
        notes.append("No “" + name + "” number for " + ", ".join(f"“{x}”" for x in missing) + ".")
    return Built(spec, notes)


_NOT_CATEGORIES = (ChartType.SCATTER, ChartType.HISTOGRAM)


def _key(label: object) -> tuple[str, ...]:
    return tuple(norm_words(str(label)))


def _set_bins(q: Query, mods: Modifiers) -> None:
    """A new count of bins or bin width replaces the other."""
    if mods.bin_width is not None:
        q.bin_width, q.bins = mods.bin_width, None
    elif mods.bins is not None:
        q.bins, q.bin_width = mods.bins, None
