"""Turning understood pieces into a resolved ChartSpec (PRODUCT.md §6).

Two sources: inline data (values as typed, order kept) and a query over the active table (defaults
chosen from the data: date → line, category → bar of the sum, two measures → scatter, one measure
→ histogram, a small "share" → pie).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.spec import (
    Aggregation,
    ChartOptions,
    ChartSpec,
    ChartType,
    Filter,
    NumberFormat,
    Series,
)
from bot.table import BLANK, Column, ColumnType, Dataset, Table
from bot.understand.inline import InlineData, is_time_sequence
from bot.understand.numbers import tidy
from bot.understand.query import (
    Query,
    QueryError,
    auto_bucket,
    bin_labels,
    histogram_bins,
    run,
    sort_limit,
)
from bot.understand.request import Modifiers
from bot.understand.state import Parsed

PIE_MAX = 6


class Refusal(Exception):
    """What stopped a chart: the reason, in words for the user."""

    def __init__(self, reason: str, missing: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


@dataclass
class Built:
    spec: ChartSpec
    notes: list[str] = field(default_factory=list)


_AGG_WORD = {
    "sum": "",
    "mean": "Average ",
    "count": "Count of ",
    "min": "Minimum ",
    "max": "Maximum ",
    "none": "",
}


def options_from(mods: Modifiers, base: ChartOptions | None = None) -> ChartOptions:
    opts = ChartOptions(**vars(base)) if base else ChartOptions()
    for name in ("stacked", "horizontal", "log_scale", "show_values", "trend_line"):
        value = getattr(mods, name)
        if value is not None:
            setattr(opts, name, value)
    if mods.color is not None:
        opts.color = mods.color
    return opts


# ------------------------------------------------------------------------------------ inline

_INTRO_WORDS = set(
    """hey hi hello yo ok okay please pls plz can could would you u i we need want like make create
    draw plot chart graph show me us display visualize visualise render generate build give a an
    the some quick simple nice of for with from using showing this these that those data numbers
    compare comparing
    values following here is are it me my our these them of:""".split()  # noqa: SIM905 - a word list reads best as text
)


def _without_intro(hint: str) -> str:
    """'can you plot the number of users' → 'number of users': request words at either end go,
    those inside the name stay."""
    words = hint.split()
    if len(words) > 7:
        return hint
    while words and words[0].lower() in _INTRO_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _INTRO_WORDS:
        words.pop()
    return " ".join(words)


_TRAILING = re.compile(
    r"[\s,.!?;:]*(?:\b(?:please|pls|plz|thanks|thank you|thx|ty)\b[\s,.!?]*)*$", re.I
)


def _tidy_label(label: str, first: bool) -> str:
    words = label.split()
    if first and len(words) > 1:
        i = 0
        while i < len(words) - 1 and words[i].lower().strip(":,") in _INTRO_WORDS:
            i += 1
        words = words[i:]
    joined = " ".join(words)
    if re.match(r"=[A-Za-z]", joined):  # a formula-looking label is kept as typed
        return joined.rstrip(" :=,;-")
    return joined.strip(" :=,;-") or label


def inline_chart(data: InlineData, mods: Modifiers, style: str) -> Built:
    if data.problem:
        raise Refusal(data.problem, "one value per label")
    labels: list[Any] = (
        list(data.labels)
        if data.pasted
        else [_tidy_label(x, i == 0) for i, x in enumerate(data.labels)]
    )
    series = data.series
    notes: list[str] = []
    ctype = mods.chart_type
    if ctype is ChartType.HISTOGRAM or (mods.distribution and ctype is None):
        values = [v for s in series for v in s.values if v is not None]
        if data.xy or not values:
            values = [float(x) for x in labels if _is_float(x)] or values
        edges, counts, note = histogram_bins(values, mods.bins, mods.bin_width)
        labels = bin_labels(edges)
        series = [Series("Count", list[float | None](counts))]
        notes += [note] if note else []
        ctype = ChartType.HISTOGRAM
    elif ctype is None:
        if data.xy:
            ctype = ChartType.SCATTER
        elif mods.share and len(labels) <= PIE_MAX and len(series) == 1:
            ctype = ChartType.PIE
        elif is_time_sequence(labels) and not mods.horizontal and not mods.stacked:
            ctype = ChartType.LINE
        else:
            ctype = ChartType.BAR
    if ctype is ChartType.SCATTER and data.xy:
        labels = [tidy(float(x)) for x in labels]
    if ctype in (ChartType.PIE, ChartType.DONUT) and len(series) > 1:
        notes.append(f"A pie shows one series; using “{series[0].name}”.")
        series = series[:1]
    sort = None if mods.sort in (None, "none") else mods.sort
    if sort or mods.limit:
        labels, series = sort_limit(labels, series, sort, mods.limit)
    hint = _TRAILING.sub("", data.leftover[:200]).strip(" :,-")
    hint = _without_intro(hint)
    if mods.title is not None:
        title = mods.title
    elif hint and len(hint) <= 80 and re.search(r"[a-zA-Z]{3}", hint):
        title = hint[0].upper() + hint[1:]
    elif data.label_name and series[0].name not in ("value", ""):
        title = f"{' and '.join(s.name for s in series)} by {data.label_name}"
    elif len(series) > 1:
        title = " vs ".join(s.name for s in series)
    elif ctype in (ChartType.SCATTER, ChartType.HISTOGRAM):
        title = "Values"
    else:
        title = labels_title(labels, ordered=ctype in (ChartType.LINE, ChartType.AREA))
    y_label = (
        series[0].name if len(series) == 1 and series[0].name not in ("value", "Count") else ""
    )
    if ctype is ChartType.HISTOGRAM:
        y_label = "Count"
    spec = ChartSpec(
        chart_type=ctype,
        title=title,
        x_labels=labels,
        series=series,
        x_label=mods.x_label if mods.x_label is not None else data.label_name,
        y_label=mods.y_label if mods.y_label is not None else y_label,
        aggregation=Aggregation.COUNT if ctype is ChartType.HISTOGRAM else Aggregation.NONE,
        sort=sort if sort in ("asc", "desc") else None,
        limit=mods.limit,
        style=mods.style or style,
        options=options_from(mods),
        number_format=data.number_format if ctype is not ChartType.HISTOGRAM else NumberFormat(),
        source="inline",
        rows=len(labels),
    )
    if ctype is ChartType.BAR and mods.stacked is None and len(series) == 1:
        spec.options.stacked = False
    return Built(spec, notes)


def _is_float(x: str) -> bool:
    try:
        float(x)
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------------------------- query


def make_query(
    parsed: Parsed, mods: Modifiers, table: Table, sheet: str | None
) -> tuple[Query, list[str]]:
    """Decide the query (and the defaults) for a request that names columns."""
    notes: list[str] = []
    measures = list(parsed.measures)
    dims = list(parsed.dims)
    ctype = mods.chart_type
    agg = mods.aggregation
    if agg is Aggregation.COUNT and mods.count_word == "number" and measures:
        agg = Aggregation.SUM  # 'number of units by region' is how many units, a sum
    q = Query(filters=list(parsed.filters), sheet=sheet, bins=mods.bins, bin_width=mods.bin_width)
    q.sort = None if mods.sort in (None, "none") else mods.sort
    q.limit = mods.limit
    wants_hist = ctype is ChartType.HISTOGRAM or (mods.distribution and ctype is None)
    if parsed.compare_years and measures and not wants_hist:
        return _year_over_year(q, parsed, measures, dims, agg, table), notes
    if (
        parsed.versus
        or ctype is ChartType.SCATTER
        or (len(measures) >= 2 and not dims and agg is None and ctype is None and not wants_hist)
    ):
        if len(measures) < 2:
            raise Refusal("A scatter chart needs two number columns.", "a second number column")
        if len(measures) > 2:
            notes.append(
                f"A scatter shows two columns; using “{measures[0].name}” and “{measures[1].name}”."
            )
        if dims:  # 'coloured by species', 'sales vs profit by region'
            q.group = dims[0].name
        q.kind, q.measures, q.aggregation = "scatter", [m.name for m in measures[:2]], "none"
        return q, notes
    if wants_hist and measures:
        if dims:
            notes.append(f"A histogram counts values; grouping by “{dims[0].name}” is not used.")
        q.kind, q.measures, q.aggregation = "histogram", [measures[0].name], "count"
        q.sort = q.sort if q.sort in ("asc", "desc") else None
        return q, notes
    if wants_hist and dims and not measures:
        agg = Aggregation.COUNT  # 'distribution of region': how many rows per region
    if not dims:
        if (measures and ctype in (ChartType.LINE, ChartType.AREA)) or (
            measures and parsed.time_asked
        ):
            dates = [c for c in table.columns if c.type is ColumnType.DATE]
            if dates:
                dims = [dates[0]]
        if not dims:
            if measures and agg is not None and agg is not Aggregation.NONE:
                q.kind = "total"
                q.measures = [m.name for m in measures]
                q.aggregation = str(agg)
                return q, notes
            dates = [c for c in table.columns if c.type is ColumnType.DATE]
            timed = [d for d in dates if any(f.column == d.name for f in q.filters)]
            if measures and timed and not wants_hist:
                dims = timed[:1]
            elif measures and len(measures) == 1:
                q.kind, q.measures, q.aggregation = "histogram", [measures[0].name], "count"
                return q, notes
    if not dims:
        raise Refusal(
            "I couldn't tell what to group the values by.", "a column to group by (“by …”)"
        )
    q.dimension = dims[0].name
    if dims[0].type is ColumnType.DATE:
        q.bucket = parsed.bucket or auto_bucket(dims[0].values)
    if len(dims) > 1:
        q.group = dims[1].name
        if len(dims) > 2:
            notes.append(f"Grouping by “{dims[0].name}” and “{dims[1].name}” only.")
        if len(measures) > 1:
            notes.append(f"With two groupings I chart one measure: “{measures[0].name}”.")
            measures = measures[:1]
    if agg is None or agg is Aggregation.NONE:
        agg = Aggregation.SUM if measures else Aggregation.COUNT
        if measures and all(m.number_format.suffix == "%" for m in measures):
            agg = Aggregation.MEAN  # percentages do not add up
            notes.append("Averaging the percentages (adding them up would mislead).")
    if not measures:
        agg = Aggregation.COUNT
    q.measures = [m.name for m in measures]
    q.aggregation = str(agg)
    return q, notes


def _year_over_year(
    q: Query,
    parsed: Parsed,
    measures: list[Column],
    dims: list[Column],
    agg: Aggregation | None,
    table: Table,
) -> Query:
    """'2023 vs 2024 by region', 'monthly revenue 2023 vs 2024': one series per year."""
    year_filter = next(
        f for f in q.filters if f.op == "in" and sorted(f.value) == parsed.compare_years
    )
    date = table.column(year_filter.column)
    categories = [d for d in dims if d is not date]
    if categories:
        q.dimension = categories[0].name
    else:
        q.dimension = date.name
        q.bucket = "quarter_of_year" if parsed.bucket == "quarter" else "month_of_year"
    q.group, q.group_bucket = date.name, "year"
    q.measures = [measures[0].name]
    q.aggregation = str(agg if agg not in (None, Aggregation.NONE, Aggregation.COUNT) else "sum")
    return q


def query_chart(
    q: Query,
    mods: Modifiers,
    dataset: Dataset,
    table: Table,
    style: str,
    *,
    share: bool = False,
    entity: str | None = None,
    base: ChartSpec | None = None,
) -> Built:
    """Run ``q`` and dress the result as a spec (``base``: the previous chart being edited)."""
    try:
        result = run(table, q)
    except QueryError as exc:
        raise Refusal(str(exc), "rows that match") from None
    notes = list(result.notes)
    labels, series = result.labels, result.series
    before = base.query if base is not None else None  # how the edited chart was made
    base_set = before is not None and before.type_set
    keep_type = (
        base.chart_type if base is not None and base_set and mods.chart_type is None else None
    )
    if base is not None and not base_set and mods.chart_type is None:
        same_shape = before is not None and before.dimension == q.dimension
        if same_shape or (mods.horizontal or mods.stacked):
            keep_type = base.chart_type
    ctype = mods.chart_type or keep_type
    if q.kind == "scatter":
        ctype = ChartType.SCATTER
    elif q.kind == "histogram":
        ctype = ChartType.HISTOGRAM
    elif ctype in (ChartType.SCATTER, ChartType.HISTOGRAM):
        ctype = None
    if ctype is None:
        if share and len(labels) <= PIE_MAX and len(series) == 1:
            ctype = ChartType.PIE
        elif share:
            ctype = ChartType.BAR
            notes.append(
                f"{len(labels)} parts are too many for a readable pie; showing bars instead."
            )
        elif (result.time_axis or is_time_sequence([str(x) for x in labels])) and not (
            mods.horizontal or q.limit
        ):
            ctype = ChartType.LINE
        else:
            ctype = ChartType.BAR
    if q.limit and ctype in (ChartType.LINE, ChartType.AREA) and mods.chart_type is None:
        ctype = ChartType.BAR  # 'top 3 months' are ranked, no longer a time line
    if ctype in (ChartType.PIE, ChartType.DONUT) and len(series) > 1:
        notes.append(f"A pie shows one series; using “{series[0].name}”.")
        series = series[:1]
    measures = [table.column(m) for m in q.measures]
    fmt = _format(measures, q)
    title = _title(q, measures, entity, table)
    title = title[:1].upper() + title[1:]
    if base is not None and before is not None and not before.auto_title:
        title = base.title
    if mods.title is not None:
        title = mods.title
    record = replace(
        q,
        filters=list(q.filters),
        measures=list(q.measures),
        auto_title=mods.title is None and (before is None or before.auto_title),
        type_set=mods.chart_type is not None or base_set,
        share=share or q.share,
        entity=entity or q.entity,
        x_label_set=before is not None and before.x_label_set,
        y_label_set=before is not None and before.y_label_set,
    )
    x_label, y_label = _axis_labels(q, measures, series, table)
    opts = options_from(mods, base.options if base is not None else None)
    opts.partial = list(result.partial)
    if ctype is ChartType.BAR and q.group and mods.stacked is None and base is None:
        opts.stacked = False
    spec = ChartSpec(
        chart_type=ctype,
        title=title,
        x_labels=labels,
        series=series,
        x_label=x_label,
        y_label=y_label,
        aggregation=Aggregation(q.aggregation),
        sort=q.sort if q.sort in ("asc", "desc") else None,
        limit=q.limit,
        filters=list(q.filters),
        style=mods.style or (base.style if base is not None else style),
        options=opts,
        number_format=fmt,
        source="file",
        source_file=dataset.filename,
        sheet=table.sheet,
        rows=result.rows,
        query=record,
    )
    if base is not None:
        if mods.x_label is None and record.x_label_set:
            spec.x_label = base.x_label
        if mods.y_label is None and record.y_label_set:
            spec.y_label = base.y_label
    if mods.x_label is not None:
        spec.x_label = mods.x_label
        record.x_label_set = True
    if mods.y_label is not None:
        spec.y_label = mods.y_label
        record.y_label_set = True
    return Built(spec, notes)


def _format(measures: list[Column], q: Query) -> NumberFormat:
    if q.kind == "histogram" or q.aggregation == "count" or not measures:
        return NumberFormat()
    nf = measures[0].number_format if q.kind != "scatter" else measures[1].number_format
    return NumberFormat(prefix=nf.prefix, suffix=nf.suffix, decimals=nf.decimals)


def labels_title(labels: list, *, ordered: bool) -> str:
    """A title from the labels themselves when the message named nothing: "Apples, pears and
    plums", or "Jan to Jun" for a sequence."""
    names = [str(x) for x in labels]
    if not names or (len(names) == 1 and not names[0].strip()):
        return "Values"
    if ordered and len(names) > 2:
        text = f"{names[0]} to {names[-1]}"
    elif len(names) <= 4:
        text = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    else:
        text = f"{', '.join(names[:3])} and {len(names) - 3} more"
    return text[:1].upper() + text[1:] if len(text) <= 80 else "Values"


def _title(q: Query, measures: list[Column], entity: str | None, table: Table) -> str:
    names = " and ".join(m.name for m in measures)
    if q.kind == "scatter":
        base = f"{measures[0].name} vs {measures[1].name}"
        base += f" by {q.group}" if q.group else ""
    elif q.kind == "histogram":
        base = f"Distribution of {measures[0].name}"
    elif q.kind == "total":
        base = f"{_AGG_WORD[q.aggregation] or 'Total '}{names}".strip()
    else:
        if q.aggregation == "count":
            what = f"Count of {entity}" if entity else "Count"
        else:
            what = f"{_AGG_WORD[q.aggregation]}{names}"
        by = _dimension_name(q, table)
        yearly = _compared_years(q)
        if yearly:
            base = f"{what} by {by}, {' vs '.join(yearly.value)}"
            return base + _filter_suffix(q, skip=yearly)
        if q.group:
            by += f" and {q.group}"
        base = f"{what} by {by}"
        if q.limit:
            base += f", {'top' if q.sort != 'asc' else 'bottom'} {q.limit}"
    return base + _filter_suffix(q)


def _dimension_name(q: Query, table: Table) -> str:
    """'Region', or 'Month' for a date column bucketed by month."""
    if q.bucket and q.dimension and table.column(q.dimension).type is ColumnType.DATE:
        return q.bucket.removesuffix("_of_year").capitalize()
    return q.dimension or ""


def _compared_years(q: Query) -> Filter | None:
    """The year filter behind a year-over-year chart (one series per year)."""
    if q.group_bucket != "year":
        return None
    return next((f for f in q.filters if f.column == q.group and f.op == "in"), None)


def _filter_suffix(q: Query, skip: Filter | None = None) -> str:
    parts = []
    for f in q.filters:
        if f is skip:
            continue
        if isinstance(f.value, bool):
            yes = f.value == (f.op == "eq")
            parts.append(f.column if yes else f"not {f.column}")
            continue
        vals = f.value if isinstance(f.value, list) else [f.value]
        shown = ", ".join(f"blank {f.column}" if v == BLANK else str(v) for v in vals)
        if f.op in ("eq", "in"):
            parts.append(shown)
        elif f.op in ("ne", "not_in"):
            parts.append(f"excluding {shown}")
        else:
            sym = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}[f.op]
            parts.append(f"{f.column} {sym} {shown}")
    return f" ({'; '.join(parts)})" if parts else ""


_CYCLIC = ("quarter_of_year", "month_of_year", "weekday")  # the axis names the period, not the date


def _axis_labels(
    q: Query, measures: list[Column], series: list[Series], table: Table
) -> tuple[str, str]:
    if q.kind == "scatter":
        return measures[0].name, measures[1].name
    if q.kind == "histogram":
        return measures[0].name, "Count"
    if q.kind == "total":
        return "", _AGG_WORD[q.aggregation].strip() or "Total"
    x = _dimension_name(q, table) if q.bucket in _CYCLIC else q.dimension or ""
    if q.aggregation == "count":
        y = "Count"
    elif len(measures) == 1:
        y = f"{_AGG_WORD[q.aggregation]}{measures[0].name}"
    else:
        y = ""
    return x, y
