"""Title, alt text and the one-line comment that go with a chart, written from its spec and data."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.render.formats import date_kind, format_number, readable_label
from bot.render.validate import validate
from bot.spec import Aggregation, ChartSpec, ChartType, NumberFormat

MAX_ALT = 1000
MAX_COMMENT = 300
_GENERIC = {"", "value", "values", "y", "count"}
_AGGREGATION = {
    Aggregation.SUM: "sum",
    Aggregation.MEAN: "average",
    Aggregation.COUNT: "count",
    Aggregation.MIN: "minimum",
    Aggregation.MAX: "maximum",
}


@dataclass(frozen=True)
class Description:
    title: str
    alt_text: str  # for screen readers: what is drawn and its extremes (≤ 1000 characters)
    comment: str  # one line posted with the chart: what was drawn and from what


def describe(spec: ChartSpec) -> Description:
    spec = validate(spec)
    title = spec.title or chart_title(spec)
    return Description(title=title, alt_text=_alt_text(spec, title), comment=_comment(spec))


def kind_name(spec: ChartSpec) -> str:
    t = spec.chart_type
    several = len(spec.series) > 1
    if t is ChartType.BAR:
        prefix = "Stacked bar" if spec.options.stacked and several else (
            "Grouped bar" if several else "Bar"
        )  # fmt: skip
        if spec.options.horizontal:
            prefix = "Horizontal " + prefix[0].lower() + prefix[1:]
        return prefix + " chart"
    if t is ChartType.AREA:
        return "Stacked area chart" if several else "Area chart"
    return {
        ChartType.LINE: "Line chart",
        ChartType.PIE: "Pie chart",
        ChartType.DONUT: "Donut chart",
        ChartType.SCATTER: "Scatter plot",
        ChartType.HISTOGRAM: "Histogram",
    }[t]


def measure_name(spec: ChartSpec) -> str:
    """What is measured: the y label ("Sales"), or the series names ("Revenue and Cost") when the
    y label is only a unit such as "USD" or "%"."""
    names = [s.name for s in spec.series if s.name.strip().lower() not in _GENERIC]
    unit = len(spec.y_label) <= 4 and (spec.y_label.isupper() or not spec.y_label.isalpha())
    label = spec.y_label if not (unit and names) else ""
    if label and spec.chart_type is not ChartType.HISTOGRAM:
        return label
    if not names or (spec.chart_type in (ChartType.PIE, ChartType.DONUT) and len(names) > 1):
        names = names[:1]
    if not names:
        return "values"
    if len(names) > 3:
        return f"{names[0]}, {names[1]} and {len(names) - 2} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def dimension_name(spec: ChartSpec) -> str:
    return spec.x_label or "label"


def scatter_pair(spec: ChartSpec) -> str:
    """ "Rating vs Price": y vs x, or the order the title already uses ("Mpg vs hp")."""
    y, x = measure_name(spec), spec.x_label or "x"
    if spec.title.lower().startswith(f"{x} vs ".lower()):
        return f"{x} vs {y}"
    return f"{y} vs {x}"


def chart_title(spec: ChartSpec) -> str:
    """A title for a spec that has none: "Revenue by Region", "Rating vs Price"."""
    measure = measure_name(spec)
    if spec.chart_type is ChartType.SCATTER:
        return _cap(scatter_pair(spec))
    if spec.chart_type is ChartType.HISTOGRAM:
        return _cap(f"Distribution of {spec.x_label or measure}")
    if not spec.x_label:
        return _cap(measure)
    return _cap(f"{measure} by {spec.x_label}")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def counted(spec: ChartSpec) -> int | None:
    """How many values (typed data) or rows (a file) the picture is made of, as drawn now: a
    histogram counts what it binned, typed data the values it shows after every edit."""
    if spec.chart_type is ChartType.HISTOGRAM:
        return int(sum(v for v in spec.y_values if v is not None))
    if spec.source_file is None and spec.aggregation is Aggregation.NONE:
        return sum(1 for s in spec.series for v in s.values if v is not None)
    return spec.rows


def _comment(spec: ChartSpec) -> str:
    kind = kind_name(spec)
    if spec.chart_type is ChartType.SCATTER:
        what = scatter_pair(spec)
    elif spec.chart_type is ChartType.HISTOGRAM:
        what = spec.x_label or measure_name(spec)
    elif measure_name(spec) == "values" and not spec.x_label and spec.title:
        what = _from_labels(spec)  # "Bar chart of apples, pears and plums"
    else:
        what = f"{measure_name(spec)} by {dimension_name(spec)}"
    parts = [f"{kind} of {what}"]
    unit = "row" if spec.source_file else "value"  # typed data has values, not rows
    count = counted(spec)
    rows = f"{count:,} {unit}{'s' if count != 1 else ''}" if count is not None else ""
    agg = _AGGREGATION.get(spec.aggregation)
    if agg and rows:
        parts.append(f"({agg} of {rows})")
    elif agg:
        parts.append(f"({agg})")
    elif rows:
        parts.append(f"({rows})")
    if spec.source_file:
        parts.append(f"from {spec.source_file}" + (f" › {spec.sheet}" if spec.sheet else ""))
    elif spec.source == "inline":
        parts.append("from your message")
    elif spec.source == "previous":
        parts.append("from the previous chart")
    text = " ".join(parts)
    if spec.chart_type not in (ChartType.SCATTER, ChartType.HISTOGRAM) and len(spec.series) == 1:
        text += "; " + _extremes(_labels(spec), spec.y_values, spec.number_format)
    text = _clip(text, MAX_COMMENT - 1)
    return text if text.endswith("…") else text + "."  # notes follow it in the same reply


def _from_labels(spec: ChartSpec) -> str:
    """The title in mid-sentence: "apples, pears and plums", but "Jan to Apr" stays capital."""
    first = str(spec.x_labels[0]) if spec.x_labels else ""
    if first[:1].islower() and spec.title[:1] == first[:1].upper():
        return spec.title[:1].lower() + spec.title[1:]
    return spec.title


def _num(value: float, fmt: NumberFormat) -> str:
    """Numbers as a person would say them: "$1.2M", "$2,919", "3.5%"."""
    if abs(value) >= 10_000:
        return format_number(value, fmt, compact=True)
    decimals = fmt.decimals if fmt.decimals is not None or abs(value) < 100 else 0
    return format_number(value, fmt, decimals=decimals)


def _alt_text(spec: ChartSpec, title: str) -> str:
    kind = kind_name(spec)
    sentences = [f"{kind} titled “{title}”."]
    t = spec.chart_type
    if t is ChartType.SCATTER:
        sentences += _scatter_alt(spec)
    elif t is ChartType.HISTOGRAM:
        sentences += _histogram_alt(spec)
    elif t in (ChartType.PIE, ChartType.DONUT):
        sentences += _pie_alt(spec)
    else:
        sentences += _category_alt(spec)
    return _clip(" ".join(sentences), MAX_ALT)


def _labels(spec: ChartSpec) -> list[str]:
    labels = [str(s) for s in spec.x_labels]
    kind = date_kind(labels)
    return [readable_label(s, kind) for s in labels] if kind else labels


def _extremes(labels: list[str], values: list[float | None], fmt: NumberFormat) -> str:
    known = [(v, label) for label, v in zip(labels, values, strict=True) if v is not None]
    if not known:
        return "no values"
    high = max(known, key=lambda p: p[0])
    low = min(known, key=lambda p: p[0])
    if len(known) == 1:
        return f"{high[1]} {_num(high[0], fmt)}"
    return f"highest {high[1]} {_num(high[0], fmt)}, lowest {low[1]} {_num(low[0], fmt)}"


def _category_alt(spec: ChartSpec) -> list[str]:
    labels = _labels(spec)
    n = len(labels)
    fmt = spec.number_format
    dim = spec.x_label or "label"
    span = f"from {labels[0]} to {labels[-1]}" if date_kind([str(s) for s in spec.x_labels]) else ""
    out = [f"{_cap(measure_name(spec))} by {dim}, {n:,} point{'s' if n != 1 else ''}"
           + (f" {span}" if span else "") + "."]  # fmt: skip
    if len(spec.series) == 1:
        out.append(_cap(_extremes(labels, spec.y_values, fmt)) + ".")
    else:
        for s in spec.series[:4]:
            out.append(f"{s.name}: {_extremes(labels, s.values, fmt)}.")
        if len(spec.series) > 4:
            out.append(f"And {len(spec.series) - 4} more series.")
    if spec.chart_type in (ChartType.LINE, ChartType.AREA):
        for s in spec.series[:2]:
            known = [(label, v) for label, v in zip(labels, s.values, strict=True) if v is not None]
            if len(known) >= 2:
                (a, va), (b, vb) = known[0], known[-1]
                trend = "rises" if vb > va else "falls" if vb < va else "ends level"
                who = f"{s.name} " if len(spec.series) > 1 else ""
                out.append(
                    f"{_cap(who + trend)} from {_num(va, fmt)} ({a}) to {_num(vb, fmt)} ({b})."
                )
    negatives = sum(1 for s in spec.series for v in s.values if v is not None and v < 0)
    missing = sum(1 for s in spec.series for v in s.values if v is None)
    if negatives:
        out.append(f"{negatives} value{'s are' if negatives != 1 else ' is'} negative.")
    if missing:
        out.append(f"{missing} value{'s are' if missing != 1 else ' is'} missing.")
    if len(spec.series) == 1 and 1 < n <= 30 and not span:
        # The full names, which the picture may have had to shorten.
        pairs = zip(labels, spec.y_values, strict=True)
        out.append("In order: " + "; ".join(f"{a} {_value(v, fmt)}" for a, v in pairs) + ".")
    return out


def _value(value: float | None, fmt: NumberFormat) -> str:
    return "missing" if value is None else _num(value, fmt)


def _pie_alt(spec: ChartSpec) -> list[str]:
    labels = _labels(spec)
    pairs = [(label, v) for label, v in zip(labels, spec.y_values, strict=True) if v]
    total = sum(v for _, v in pairs)
    fmt = spec.number_format
    pairs.sort(key=lambda p: -p[1])
    out = [f"{_cap(measure_name(spec))} by {spec.x_label or 'label'}, {len(pairs)} slices, "
           f"total {_num(total, fmt)}."]  # fmt: skip
    top = ", ".join(f"{label} {v / total:.0%} ({_num(v, fmt)})" for label, v in pairs[:3])
    out.append(f"Largest: {top}.")
    if len(pairs) > 3:
        label, v = pairs[-1]
        out.append(f"Smallest: {label} {v / total:.0%} ({_num(v, fmt)}).")
    return out


def _scatter_alt(spec: ChartSpec) -> list[str]:
    xs = spec.x_labels
    out = []
    x_name = spec.x_label or "x"
    for s in spec.series[:3]:
        points = [
            (x, y) for x, y in zip(xs, s.values, strict=True) if x is not None and y is not None
        ]
        if not points:
            continue
        px = [p[0] for p in points]
        py = [p[1] for p in points]
        out.append(
            f"{len(points):,} points of {s.name if s.name not in _GENERIC else 'y'} against "
            f"{x_name}: {x_name} from {_num(min(px), NumberFormat())} to "
            f"{_num(max(px), NumberFormat())}, values from {_num(min(py), spec.number_format)} "
            f"to {_num(max(py), spec.number_format)}."
        )
        r = _pearson(px, py)
        if r is not None:
            strength = "strong" if abs(r) >= 0.7 else "moderate" if abs(r) >= 0.4 else "weak"
            direction = "positive" if r > 0 else "negative"
            out.append(f"The correlation is {strength} and {direction} (r = {r:.2f}).")
    return out


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def _histogram_alt(spec: ChartSpec) -> list[str]:
    labels = [str(s) for s in spec.x_labels]
    counts = spec.y_values
    known = [(label, c) for label, c in zip(labels, counts, strict=True) if c is not None]
    total = sum(c for _, c in known)
    what = spec.x_label or measure_name(spec)
    out = [f"{format_number(total)} values of {what} in {len(labels)} bins from {labels[0]} "
           f"to {labels[-1]}."]  # fmt: skip
    if known:
        label, count = max(known, key=lambda p: p[1])
        out.append(f"The most common bin is {label} with {format_number(count)}.")
    return out


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
