"""ChartSpec's plain-data form: what history stores and ``--spec`` prints."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from bot.spec import (
    Aggregation,
    ChartOptions,
    ChartSpec,
    ChartType,
    Filter,
    NumberFormat,
    Query,
    Series,
    SpecError,
)


def rich_spec() -> ChartSpec:
    return ChartSpec(
        chart_type=ChartType.BAR,
        title="Revenue by Region",
        x_labels=["North", "South"],
        series=[Series("Revenue", [10.5, None]), Series("Cost", [3, 4])],
        aggregation=Aggregation.SUM,
        filters=[Filter("Region", "in", ["North", "South"]), Filter("Year", "eq", 2024)],
        options=ChartOptions(stacked=True, color="blue"),
        number_format=NumberFormat(prefix="$", decimals=1),
        source="file",
        source_file="sales.xlsx",
        sheet="2024",
        rows=120,
        query=Query(
            measures=["Revenue"],
            dimension="Region",
            filters=[Filter("Year", "in", [2024])],
            auto_title=False,
            entity="orders",
            x_label_set=True,
        ),
    )


def test_to_dict_is_every_field_as_plain_data() -> None:
    spec = rich_spec()
    expected = asdict(spec) | {
        "chart_type": "bar",
        "aggregation": "sum",
        "y_values": [10.5, None],
    }
    assert spec.to_dict() == expected
    assert list(spec.to_dict()) == [*asdict(spec), "y_values"]
    assert ChartSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_to_dict_shares_nothing_with_the_spec() -> None:
    spec = rich_spec()
    data = spec.to_dict()
    data["x_labels"].append("East")
    data["series"][0]["values"][0] = 0
    data["filters"][0]["value"].append("West")
    data["query"]["filters"][0]["value"].append(2025)
    assert spec == rich_spec()


def test_the_query_keeps_how_the_chart_was_made_through_json() -> None:
    spec = ChartSpec.from_dict(json.loads(rich_spec().to_json()))
    assert isinstance(spec.query, Query)
    assert spec.query.filters == [Filter("Year", "in", [2024])]
    assert (spec.query.auto_title, spec.query.entity, spec.query.x_label_set) == (
        False,
        "orders",
        True,
    )


def test_a_query_with_a_key_it_does_not_know_is_refused_not_dropped() -> None:
    data = rich_spec().to_dict()
    data["query"]["colour_by"] = "Region"
    with pytest.raises(SpecError, match="colour_by"):
        ChartSpec.from_dict(data)
