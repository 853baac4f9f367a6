"""Normalise a sloppy chart spec into one the renderer can draw, or say plainly why not."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import math
import re
from dataclasses import replace
from typing import Any

from bot.render.styles import normalize_color
from bot.spec import (
    STYLES,
    Aggregation,
    ChartOptions,
    ChartSpec,
    ChartType,
    NumberFormat,
    Series,
    SpecError,
)

MAX_VALUES = 400_000  # across all series: beyond this a chart is unreadable and slow to draw
MAX_SERIES = 24
MAX_TEXT = 300

# Words people (and language models) use for the types; the option they imply comes along.
_TYPE_ALIASES: dict[str, tuple[ChartType, dict[str, bool]]] = {
    "column": (ChartType.BAR, {}),
    "columns": (ChartType.BAR, {}),
    "bars": (ChartType.BAR, {}),
    "barh": (ChartType.BAR, {"horizontal": True}),
    "hbar": (ChartType.BAR, {"horizontal": True}),
    "horizontal": (ChartType.BAR, {"horizontal": True}),
    "horizontal_bar": (ChartType.BAR, {"horizontal": True}),
    "grouped": (ChartType.BAR, {}),
    "grouped_bar": (ChartType.BAR, {}),
    "stacked": (ChartType.BAR, {"stacked": True}),
    "stacked_bar": (ChartType.BAR, {"stacked": True}),
    "lines": (ChartType.LINE, {}),
    "timeseries": (ChartType.LINE, {}),
    "stacked_area": (ChartType.AREA, {"stacked": True}),
    "doughnut": (ChartType.DONUT, {}),
    "ring": (ChartType.DONUT, {}),
    "points": (ChartType.SCATTER, {}),
    "hist": (ChartType.HISTOGRAM, {}),
    "distribution": (ChartType.HISTOGRAM, {}),
}
_NUMBER_NOISE = re.compile(r"[\s,_$€£¥%]|(?<=\d)'(?=\d)")
_NUMBER = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(k|K|m|M|bn|b|B)?")
_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
_MISSING = {"", "nan", "none", "null", "n/a", "na", "-", "—", "–", "#n/a", "?"}


def validate(spec: ChartSpec | dict[str, Any]) -> ChartSpec:
    """Return a clean copy of ``spec``: known type and style, float/None values, str labels.

    Raises ``SpecError`` (a message fit for the user) when the data cannot make this chart.
    """
    if isinstance(spec, dict):
        spec = ChartSpec.from_dict(spec)
    if not isinstance(spec, ChartSpec):
        raise SpecError("That is not a chart description I can draw.")
    chart_type, implied = _chart_type(spec.chart_type)
    options = _options(spec.options, implied)
    series = _series(spec.series)
    labels = list(spec.x_labels or [])
    if chart_type is ChartType.SCATTER and not labels:
        raise SpecError("A scatter chart needs x values: one number per point.")
    for s in series:
        if len(s.values) != len(labels):
            raise SpecError(
                f"The series {s.name!r} has {len(s.values)} values but there are "
                f"{len(labels)} labels; each label needs exactly one value."
            )
    if chart_type is ChartType.SCATTER:
        x_labels: list[Any] = _scatter_x(labels)
    else:
        x_labels = [_label(v) for v in labels]
    if sum(len(s.values) for s in series) > MAX_VALUES:
        raise SpecError(f"That is too much data for one chart (over {MAX_VALUES:,} values).")
    if all(v is None for s in series for v in s.values):
        raise SpecError("There are no numbers to draw: every value is empty.")
    _check_type_rules(chart_type, x_labels, series, options)

    clean = replace(
        spec,
        chart_type=chart_type,
        title=_text(spec.title),
        x_label=_text(spec.x_label),
        y_label=_text(spec.y_label),
        x_labels=x_labels,
        series=series,
        aggregation=_aggregation(spec.aggregation),
        sort=spec.sort if spec.sort in ("asc", "desc") else None,
        limit=_limit(spec.limit),
        filters=list(spec.filters or []),
        style=_style(spec.style),
        options=options,
        number_format=_number_format(spec.number_format),
        source=spec.source if spec.source in ("inline", "file", "previous") else "inline",
        source_file=_text(spec.source_file) or None,
        sheet=_text(spec.sheet) or None,
        rows=_rows(spec.rows),
    )
    return _sort_and_limit(clean)


def _chart_type(value: Any) -> tuple[ChartType, dict[str, bool]]:
    if isinstance(value, ChartType):
        return value, {}
    text = re.sub(r"[\s-]+", "_", str(value or "").strip().lower())
    text = text.removesuffix("_chart").removesuffix("_plot").removesuffix("_graph")
    try:
        return ChartType(text), {}
    except ValueError:
        pass
    if text in _TYPE_ALIASES:
        return _TYPE_ALIASES[text]
    kinds = ", ".join(t.value for t in ChartType)
    raise SpecError(f"I can't draw a {str(value)[:40]!r} chart. I can draw: {kinds}.")


def _options(options: Any, implied: dict[str, bool]) -> ChartOptions:
    if isinstance(options, dict):
        known = set(ChartOptions.__dataclass_fields__)
        options = ChartOptions(**{k: v for k, v in options.items() if k in known})
    if not isinstance(options, ChartOptions):
        options = ChartOptions()
    flags = {
        name: bool(getattr(options, name))
        for name in ("stacked", "horizontal", "log_scale", "show_values", "trend_line")
    }
    flags.update(implied)
    tri = {n: None if getattr(options, n) is None else bool(getattr(options, n))
           for n in ("legend", "axis_titles")}  # fmt: skip
    return ChartOptions(
        **flags, **tri, color=normalize_color(options.color),
        show_title=bool(options.show_title), text_scale=_text_scale(options.text_scale),
        partial=[_text(p) for p in (options.partial or [])[:2]],
    )  # fmt: skip


# Smaller than 1 would drop text under 8 px in a Slack thread; above 1.3 a chart runs out of room.
TEXT_SCALES = (1.0, 1.3)


def _text_scale(value: Any) -> float:
    try:
        scale = float(value)
    except (TypeError, ValueError):
        return 1.0
    if not math.isfinite(scale):
        return 1.0
    return round(min(max(scale, TEXT_SCALES[0]), TEXT_SCALES[1]), 3)


def _series(raw: Any) -> list[Series]:
    if not raw:
        raise SpecError("There is no data to draw. Give me some labels and numbers.")
    if len(raw) > MAX_SERIES:
        raise SpecError(f"That is {len(raw)} series; a readable chart has at most {MAX_SERIES}.")
    series = []
    for index, item in enumerate(raw):
        name, values = (item.name, item.values) if isinstance(item, Series) else item
        name = _text(name) or ("value" if len(raw) == 1 else f"Series {index + 1}")
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            raise SpecError(f"The series {name!r} should be a list of numbers.")
        series.append(Series(name, [_number(v, name) for v in values]))
    if all(not s.values for s in series):
        raise SpecError("There is no data to draw. Give me some labels and numbers.")
    return series


def _number(value: Any, where: str) -> float | None:
    """A value as float; None/NaN/blank/"n/a"/infinity become None (a gap, not a zero)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | decimal.Decimal):
        with contextlib.suppress(ValueError, OverflowError):
            number = float(value)
            return number if math.isfinite(number) else None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _MISSING:
            return None
        negative = text.startswith("(") and text.endswith(")")  # accounting style: (1,200)
        text = _NUMBER_NOISE.sub("", text.strip("()")).replace("\u2212", "-")
        match = _NUMBER.fullmatch(text)
        if match:
            scale = _SCALES[match.group(2).lower()] if match.group(2) else 1.0
            number = float(match.group(1)) * scale * (-1 if negative else 1)
            return number if math.isfinite(number) else None
    raise SpecError(f"{str(value)[:40]!r} in {where!r} is not a number.")


def _label(value: Any) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, float):
        if math.isnan(value):
            return "(blank)"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text[:MAX_TEXT] if text else "(blank)"


def _scatter_x(labels: list[Any]) -> list[float | None]:
    if not labels:
        raise SpecError("A scatter chart needs x values: one number per point.")
    xs: list[float | None] = []
    for value in labels:
        try:
            xs.append(_number(value, "the x values"))
        except SpecError:
            raise SpecError(
                f"A scatter chart needs numbers on the x axis, and {str(value)[:40]!r} is not "
                "one. Try a bar or line chart for labels."
            ) from None
    if all(x is None for x in xs):
        raise SpecError("A scatter chart needs numbers on the x axis; all x values are empty.")
    return xs


def _check_type_rules(
    chart_type: ChartType, labels: list[Any], series: list[Series], options: ChartOptions
) -> None:
    if chart_type in (ChartType.PIE, ChartType.DONUT):
        values = series[0].values
        for label, value in zip(labels, values, strict=True):
            if value is not None and value < 0:
                raise SpecError(
                    f"A {chart_type.value} chart can't show negative values ({label} is "
                    f"{value:g}). Try a bar chart instead."
                )
        if not any(v for v in values if v is not None):
            raise SpecError(f"A {chart_type.value} chart needs some values above zero.")
    if chart_type is ChartType.HISTOGRAM and any(
        v is not None and v < 0 for s in series for v in s.values
    ):
        raise SpecError("A histogram shows counts, and counts can't be negative.")
    if options.log_scale and not any(v is not None and v > 0 for s in series for v in s.values):
        raise SpecError("A log scale needs values above zero, and there are none.")


def _text(value: Any) -> str:
    return " ".join(str(value).split())[:MAX_TEXT] if value is not None else ""


def _style(value: Any) -> str:
    name = str(value or "").strip().lower()
    return name if name in STYLES else "default"


def _aggregation(value: Any) -> Aggregation:
    try:
        return Aggregation(str(value).lower())
    except ValueError:
        return {"avg": Aggregation.MEAN, "average": Aggregation.MEAN}.get(
            str(value).lower(), Aggregation.NONE
        )


def _limit(value: Any) -> int | None:
    try:
        limit = int(value)
    except (TypeError, ValueError):
        return None
    return limit if limit > 0 else None


def _rows(value: Any) -> int | None:
    try:
        rows = int(value)
    except (TypeError, ValueError):
        return None
    return rows if rows >= 0 else None


def _number_format(value: Any) -> NumberFormat:
    if isinstance(value, dict):
        value = NumberFormat(
            **{k: v for k, v in value.items() if k in NumberFormat.__dataclass_fields__}
        )
    if not isinstance(value, NumberFormat):
        return NumberFormat()
    decimals = _limit(value.decimals + 1) if isinstance(value.decimals, int) else None
    return NumberFormat(
        prefix=str(value.prefix or "")[:8],
        suffix=str(value.suffix or "")[:12],
        decimals=None if decimals is None else min(decimals - 1, 6),
    )


def _sort_and_limit(spec: ChartSpec) -> ChartSpec:
    """Apply ``sort`` and ``limit`` to categorical charts (idempotent: a sorted spec stays put).

    Time-like and numeric axes (line, area, scatter, histogram) keep their order.
    """
    if spec.chart_type not in (ChartType.BAR, ChartType.PIE, ChartType.DONUT):
        return spec
    order = list(range(len(spec.x_labels)))
    if spec.sort:

        def total(i: int) -> float:
            return sum(s.values[i] or 0.0 for s in spec.series)

        missing_last = [i for i in order if all(s.values[i] is None for s in spec.series)]
        present = [i for i in order if i not in set(missing_last)]
        present.sort(key=total, reverse=spec.sort == "desc")  # stable: ties keep given order
        order = present + missing_last
    if spec.limit:
        order = order[: spec.limit]
    if order == list(range(len(spec.x_labels))):
        return spec
    return replace(
        spec,
        x_labels=[spec.x_labels[i] for i in order],
        series=[Series(s.name, [s.values[i] for i in order]) for s in spec.series],
    )
