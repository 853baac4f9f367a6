"""The chart spec (PRODUCT.md §6): what understanding produces and the renderer draws.

A spec is plain data: it round-trips through JSON (``--spec`` prints it, session metadata records
it) and rendering it is pure, so the same spec always gives the same picture.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any


class ChartType(StrEnum):
    BAR = "bar"
    LINE = "line"
    AREA = "area"
    PIE = "pie"
    DONUT = "donut"
    SCATTER = "scatter"
    HISTOGRAM = "histogram"


class Aggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    COUNT = "count"
    MIN = "min"
    MAX = "max"
    NONE = "none"


STYLES = ("default", "dark", "colorblind", "mono", "pastel")


class SpecError(ValueError):
    """A spec that cannot be drawn; the message is safe to show to a user."""


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class NumberFormat:
    """How values read to a person: ``$1,200`` has prefix ``$``; ``65%`` has suffix ``%``."""

    prefix: str = ""
    suffix: str = ""
    decimals: int | None = None


@dataclass
class Filter:
    """A structured filter ``(column, op, value)``; nothing here is ever evaluated as code.

    ``op`` is one of ``eq``, ``ne``, ``in``, ``not_in``, ``gt``, ``ge``, ``lt``, ``le``.
    """

    column: str
    op: str
    value: Any


@dataclass
class Query:
    """The structured query behind a file chart: filter → bucket → aggregate → sort → limit
    (``bot.understand.query.run``), and how the chart was dressed from it, so an edit such as
    "average instead" can re-run it and keep what the user set."""

    kind: str = "aggregate"  # "aggregate" | "scatter" | "histogram" | "total"
    measures: list[str] = field(default_factory=list)  # numeric columns; none → count rows
    dimension: str | None = None
    bucket: str | None = None  # for a date dimension
    group: str | None = None  # second dimension: one series per value
    group_bucket: str | None = None  # for a date group: "year" compares years side by side
    aggregation: str = "sum"
    filters: list[Filter] = field(default_factory=list)
    sort: str | None = None  # by value "asc" | "desc"; by label "alpha"/"x_asc" | "x_desc"
    limit: int | None = None
    bins: int | None = None
    bin_width: float | None = None  # "bins of 500": wins over a count of bins
    sheet: str | None = None
    # How the chart was made from the query, kept through edits:
    auto_title: bool = True  # the title was written by the bot (an edit may rewrite it)
    type_set: bool = False  # the user chose the chart type
    share: bool = False  # "share of …": a pie where it fits
    entity: str | None = None  # what a count counts ('orders')
    x_label_set: bool = False
    y_label_set: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Query:
        """A query recorded by ``to_dict`` (a key this version does not know is an error)."""
        data = copy.deepcopy(dict(data))
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise SpecError(f"not a chart query: unknown {', '.join(sorted(unknown))}")
        data["filters"] = [
            f if isinstance(f, Filter) else Filter(**f) for f in data.get("filters", [])
        ]
        return cls(**data)


@dataclass
class ChartOptions:
    stacked: bool = False
    horizontal: bool = False
    log_scale: bool = False
    show_values: bool = False
    trend_line: bool = False
    color: str | None = None  # a single colour ("blue", "#1f77b4") overriding the style's palette
    show_title: bool = True  # "remove the title" hides it (the reply still names the chart)
    legend: bool | None = None  # None: a legend when there are several series
    axis_titles: bool | None = None  # None: the axis titles that are set; False: none
    text_scale: float = 1.0  # "bigger text": every text this many times its usual size
    partial: list[str] = field(default_factory=list)  # period labels the data covers in part


@dataclass
class ChartSpec:
    chart_type: ChartType
    title: str
    x_labels: list[Any]
    series: list[Series]
    x_label: str = ""
    y_label: str = ""
    aggregation: Aggregation = Aggregation.NONE
    sort: str | None = None  # "asc" | "desc" | None (keep the given order)
    limit: int | None = None
    filters: list[Filter] = field(default_factory=list)
    style: str = "default"
    options: ChartOptions = field(default_factory=ChartOptions)
    number_format: NumberFormat = field(default_factory=NumberFormat)
    source: str = "inline"  # "inline" | "file" | "previous"
    source_file: str | None = None
    sheet: str | None = None
    rows: int | None = None  # how many data rows went into the chart (for the comment)
    query: Query | None = None  # the query behind a file chart; None for inline data

    @property
    def y_values(self) -> list[float | None]:
        return self.series[0].values if self.series else []

    def evolve(self, **changes: Any) -> ChartSpec:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data that shares no list with the spec. ``asdict`` gives the same, but
        deep-copies every label and value one by one: slow for a scatter of thousands."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(
            chart_type=str(self.chart_type),
            x_labels=list(self.x_labels),
            series=[{"name": s.name, "values": list(s.values)} for s in self.series],
            aggregation=str(self.aggregation),
            filters=[asdict(f) for f in self.filters],
            options=asdict(self.options),
            number_format=asdict(self.number_format),
            query=self.query.to_dict() if self.query is not None else None,
            y_values=list(self.y_values),
        )
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChartSpec:
        try:
            return cls(
                chart_type=ChartType(data["chart_type"]),
                title=str(data.get("title", "")),
                x_labels=list(data.get("x_labels", [])),
                series=[Series(str(s["name"]), list(s["values"])) for s in data["series"]],
                x_label=str(data.get("x_label", "")),
                y_label=str(data.get("y_label", "")),
                aggregation=Aggregation(data.get("aggregation", "none")),
                sort=data.get("sort"),
                limit=data.get("limit"),
                filters=[Filter(**f) for f in data.get("filters", [])],
                style=str(data.get("style", "default")),
                options=ChartOptions(**data.get("options", {})),
                number_format=NumberFormat(**data.get("number_format", {})),
                source=str(data.get("source", "inline")),
                source_file=data.get("source_file"),
                sheet=data.get("sheet"),
                rows=data.get("rows"),
                query=Query.from_dict(data["query"]) if data.get("query") else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecError(f"not a chart spec: {exc}") from exc
