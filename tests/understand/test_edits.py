"""Follow-up edits on the previous chart, with the previous spec passed through JSON the way the
session stores it."""

from __future__ import annotations

import itertools
import json

import pytest

from bot.spec import ChartSpec
from bot.understand import ChartResult, Command, Context, NotUnderstood, understand
from tests.understand.data import sales_dataset
from tests.understand.expect import SALES, grouped, month

DS = sales_dataset()
REGION = lambda r: r["Region"]  # noqa: E731
PRODUCT = lambda r: r["Product"]  # noqa: E731


def chart(text: str, previous: ChartSpec | None = None, dataset=DS) -> ChartSpec:
    result = understand(text, Context(dataset=dataset, previous=previous))
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    return result.spec


def stored(spec: ChartSpec) -> ChartSpec:
    """What the next message sees: the spec after a JSON round trip."""
    return ChartSpec.from_dict(json.loads(spec.to_json()))


@pytest.fixture
def rev_by_region() -> ChartSpec:
    return stored(chart("revenue by region"))


def values(spec: ChartSpec) -> list[list[float]]:
    return [s.values for s in spec.series]


@pytest.mark.parametrize(
    ("text", "chart_type"),
    [
        ("make it a pie", "pie"),
        ("as a line", "line"),
        ("line chart instead", "line"),
        ("turn it into a donut", "donut"),
        ("area chart pls", "area"),
        ("change to bar", "bar"),
        ("pie", "pie"),
    ],
)
def test_change_type_keeps_data(rev_by_region, text, chart_type) -> None:
    spec = chart(text, rev_by_region)
    assert str(spec.chart_type) == chart_type
    assert spec.x_labels == rev_by_region.x_labels
    assert values(spec) == values(rev_by_region)
    assert spec.source == "previous"


@pytest.mark.parametrize(
    ("text", "option", "value"),
    [
        ("horizontal", "horizontal", True),
        ("make it horizontal", "horizontal", True),
        ("flip it sideways", "horizontal", True),
        ("log scale", "log_scale", True),
        ("use a logarithmic axis", "log_scale", True),
        ("show values", "show_values", True),
        ("add data labels", "show_values", True),
        ("show the numbers on the bars", "show_values", True),
        ("in blue", "color", "blue"),
        ("make the bars red", "color", "red"),
        ("colour it dark green", "color", "darkgreen"),
        ("add a trend line", "trend_line", True),
    ],
)
def test_option_edits(rev_by_region, text, option, value) -> None:
    spec = chart(text, rev_by_region)
    assert getattr(spec.options, option) == value
    assert values(spec) == values(rev_by_region)


@pytest.mark.parametrize("text", ["dark style", "make it dark", "in dark mode", "dark theme pls"])
def test_style_words_on_a_chart_restyle_it(rev_by_region, text) -> None:
    assert chart(text, rev_by_region).style == "dark"


def test_style_words_without_chart_are_a_thread_setting() -> None:
    assert understand("dark style", Context(dataset=DS)) == Command("set_style", "dark")
    assert understand("use pastel theme", Context()) == Command("set_style", "pastel")


def test_title_and_axis_labels(rev_by_region) -> None:
    spec = chart("title: Sales 2024", rev_by_region)
    assert spec.title == "Sales 2024"
    spec = chart("x axis: Area, y axis: Dollars", stored(spec))
    assert (spec.x_label, spec.y_label) == ("Area", "Dollars")
    assert spec.title == "Sales 2024"  # earlier edits survive later ones
    spec = chart("average instead", stored(spec))
    assert spec.title == "Sales 2024" and spec.x_label == "Area"


def test_sorting_and_top_n(rev_by_region) -> None:
    labels, (vals,) = grouped(SALES, REGION, ["Revenue"], sort="desc")
    spec = chart("sort descending", rev_by_region)
    assert spec.x_labels == labels and spec.y_values == vals
    spec = chart("only top 3", rev_by_region)
    assert spec.x_labels == labels[:3] and spec.y_values == vals[:3]
    spec = chart("bottom 2", rev_by_region)
    asc, (asc_vals,) = grouped(SALES, REGION, ["Revenue"], sort="asc")
    assert spec.x_labels == asc[:2] and spec.y_values == asc_vals[:2]


def test_stacked_on_grouped_chart() -> None:
    prev = stored(chart("revenue by region and product"))
    spec = chart("stacked", prev)
    assert spec.options.stacked and str(spec.chart_type) == "bar"
    assert values(spec) == values(prev)


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("average instead", "mean"),
        ("use the mean", "mean"),
        ("max instead", "max"),
        ("show the minimum", "min"),
        ("sum it", "sum"),
    ],
)
def test_switch_aggregation_reruns_the_query(rev_by_region, text, how) -> None:
    labels, (vals,) = grouped(SALES, REGION, ["Revenue"], how)
    spec = chart(text, rev_by_region)
    assert spec.x_labels == labels
    assert spec.y_values == pytest.approx(vals)
    assert str(spec.aggregation) == how


def test_count_instead(rev_by_region) -> None:
    labels, (vals,) = grouped(SALES, REGION, None, "count")
    spec = chart("count instead", rev_by_region)
    assert spec.x_labels == labels and spec.y_values == vals


@pytest.mark.parametrize("text", ["units instead", "show units", "switch to units", "units"])
def test_switch_measure(rev_by_region, text) -> None:
    labels, (vals,) = grouped(SALES, REGION, ["Units"])
    spec = chart(text, rev_by_region)
    assert spec.x_labels == labels and spec.y_values == vals
    assert spec.series[0].name == "Units"


@pytest.mark.parametrize(
    "text", ["by product instead", "by product", "group by product", "per product"]
)
def test_switch_dimension(rev_by_region, text) -> None:
    labels, (vals,) = grouped(SALES, PRODUCT, ["Revenue"])
    spec = chart(text, rev_by_region)
    assert spec.x_labels == labels and spec.y_values == vals


def test_switch_to_months_becomes_a_line(rev_by_region) -> None:
    labels, (vals,) = grouped(SALES, month, ["Revenue"], ordered=True)
    spec = chart("by month", rev_by_region)
    assert str(spec.chart_type) == "line"
    assert spec.x_labels == labels and spec.y_values == vals


def test_add_and_drop_series(rev_by_region) -> None:
    labels, (rev, cost) = grouped(SALES, REGION, ["Revenue", "Cost"])
    spec = chart("add cost", rev_by_region)
    assert [s.name for s in spec.series] == ["Revenue", "Cost"]
    assert values(spec) == [rev, cost]
    spec = chart("remove revenue", stored(spec))
    assert [s.name for s in spec.series] == ["Cost"] and spec.y_values == cost
    assert spec.x_labels == labels


@pytest.mark.parametrize(
    ("text", "keep"),
    [
        ("only west", lambda r: r["Region"] == "West"),
        ("for 2024", lambda r: r["Date"].year == 2024),
        ("excluding widgets", lambda r: r["Product"] != "Widget"),
        ("just the open ones", lambda r: r["Status"] == "Open"),
        ("without returns", lambda r: r["Status"] != "Returned"),
        ("where units > 30", lambda r: r["Units"] > 30),
    ],
)
def test_filter_edits(rev_by_region, text, keep) -> None:
    labels, (vals,) = grouped(SALES, REGION, ["Revenue"], where=keep)
    spec = chart(text, rev_by_region)
    assert spec.x_labels == labels and spec.y_values == pytest.approx(vals)
    assert spec.filters


def test_filter_then_clear(rev_by_region) -> None:
    spec = chart("only gadgets", rev_by_region)
    assert spec.filters
    spec = chart("remove the filter", stored(spec))
    assert not spec.filters and spec.y_values == rev_by_region.y_values


def test_a_new_full_request_starts_a_new_chart(rev_by_region) -> None:
    labels, (vals,) = grouped(SALES, PRODUCT, ["Cost"])
    spec = chart("cost by product", rev_by_region)
    assert spec.source == "file" and spec.x_labels == labels and spec.y_values == vals
    spec = chart("apples 3, pears 5", rev_by_region)
    assert spec.source == "inline" and spec.x_labels == ["apples", "pears"]


def test_undo_is_a_command(rev_by_region) -> None:
    assert understand("undo", Context(dataset=DS, previous=rev_by_region)) == Command("undo")


def test_inline_chart_edits() -> None:
    prev = stored(chart("apples 3, pears 5, plums 2", dataset=None))
    spec = chart("make it a pie", prev, dataset=None)
    assert str(spec.chart_type) == "pie" and spec.x_labels == ["apples", "pears", "plums"]
    spec = chart("only top 2", prev, dataset=None)
    assert spec.x_labels == ["pears", "apples"] and spec.y_values == [5, 3]
    spec = chart("without pears", prev, dataset=None)
    assert spec.x_labels == ["apples", "plums"] and spec.y_values == [3, 2]
    spec = chart("sorted ascending", prev, dataset=None)
    assert spec.y_values == [2, 3, 5]


def test_edit_that_needs_the_file_is_refused_when_file_is_gone(rev_by_region) -> None:
    result = understand("average instead", Context(dataset=None, previous=rev_by_region))
    assert isinstance(result, NotUnderstood) or result.spec.y_values == rev_by_region.y_values


def test_unknown_measure_in_edit_is_refused(rev_by_region) -> None:
    result = understand("profit instead", Context(dataset=DS, previous=rev_by_region))
    assert isinstance(result, NotUnderstood) and "profit" in result.message


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("can you make that a pie chart", lambda s: str(s.chart_type) == "pie"),
        ("now as bars", lambda s: str(s.chart_type) == "bar"),
        ("flip it", lambda s: s.options.horizontal),
        ("biggest first", lambda s: s.y_values == sorted(s.y_values, reverse=True)),
        ("just the top two", lambda s: len(s.x_labels) == 2 and s.limit == 2),
        ("change title to Q4 numbers", lambda s: s.title == "Q4 numbers"),
        ("label the y axis USD", lambda s: s.y_label == "USD"),
        ("colour blind friendly please", lambda s: s.style == "colorblind"),
        ("make it greyscale", lambda s: s.style == "mono"),
        ("hide the values", lambda s: not s.options.show_values),
        ("what about units", lambda s: s.series[0].name == "Units"),
        ("and cost?", lambda s: s.series[0].name == "Cost"),
        ("also add units", lambda s: [x.name for x in s.series] == ["Revenue", "Units"]),
        ("now do it by product", lambda s: s.x_labels == ["Widget", "Gadget", "Gizmo"]),
        ("break it down by status", lambda s: set(s.x_labels) == {"Open", "Closed", "Returned"}),
        ("what about in 2024", lambda s: s.filters[0].value == "2024"),
        ("monthly", lambda s: str(s.chart_type) == "line" and s.x_labels[0] == "2023-01"),
        ("over time", lambda s: s.title == "Revenue by Month"),
        ("same but for units", lambda s: s.series[0].name == "Units"),
    ],
)
def test_more_ways_to_say_an_edit(rev_by_region, text, check) -> None:
    assert check(chart(text, rev_by_region))


@pytest.mark.parametrize("text", ["thanks!", "ok cool", "perfect 👍"])
def test_thanks_is_not_a_chart_and_not_an_error(rev_by_region, text) -> None:
    result = understand(text, Context(dataset=DS, previous=rev_by_region))
    assert isinstance(result, NotUnderstood) and "Glad" in result.message


def test_columns_of_another_sheet_are_found_with_a_note() -> None:
    result = understand("average score per team", Context(dataset=DS))
    assert isinstance(result, ChartResult)
    assert result.spec.sheet == "Q3" and result.spec.x_labels == ["Red", "Blue", "Green"]
    assert any("Q3" in n for n in result.notes)


def test_scatter_edits() -> None:
    prev = stored(chart("units vs revenue"))
    spec = chart("cost instead", prev)
    assert str(spec.chart_type) == "scatter"
    assert spec.x_labels == [r["Units"] for r in SALES]
    assert spec.y_values == [r["Cost"] for r in SALES]
    spec = chart("for 2024", prev)
    assert spec.x_labels == [r["Units"] for r in SALES if r["Date"].year == 2024]
    result = understand("make it a pie", Context(dataset=DS, previous=prev))
    assert isinstance(result, NotUnderstood) and "scatter" in result.message


def test_histogram_edits() -> None:
    prev = stored(chart("distribution of revenue"))
    spec = chart("20 bins", prev)
    assert str(spec.chart_type) == "histogram" and len(spec.x_labels) > len(prev.x_labels)
    assert sum(spec.y_values) == len(SALES)
    spec = chart("only west", prev)
    assert sum(spec.y_values) == sum(1 for r in SALES if r["Region"] == "West")


def test_top_months_become_ranked_bars() -> None:
    prev = stored(chart("revenue by month"))
    labels, (vals,) = grouped(SALES, month, ["Revenue"], sort="desc", limit=3)
    spec = chart("top 3", prev)
    assert str(spec.chart_type) == "bar"
    assert spec.x_labels == labels and spec.y_values == vals


def test_stacked_lines_become_stacked_area() -> None:
    prev = stored(chart("revenue and cost by month"))
    spec = chart("stacked", prev)
    assert str(spec.chart_type) == "area" and spec.options.stacked
    assert str(chart("as area", prev).chart_type) == "area"


def _counts_by_width(values: list[float], width: float) -> tuple[list[str], list[int]]:
    """Bins [k·width, (k+1)·width) from the one holding the smallest value to the largest."""
    first, last = int(min(values) // width), int(max(values) // width)
    edges = [k * width for k in range(first, last + 2)]
    labels = [f"{a:g}–{b:g}" for a, b in itertools.pairwise(edges)]
    counts = [sum(1 for v in values if a <= v < b) for a, b in itertools.pairwise(edges)]
    return labels, counts


@pytest.mark.parametrize(
    "text",
    [
        "histogram of revenue with bins of 250",
        "revenue distribution, bin width 250",
        "revenue histogram in 250-wide bins",
        "distribution of revenue, bins of size 250",
        "histogram of revenue, bucket size: 250",
    ],
)
def test_histogram_bin_width(text: str) -> None:
    spec = chart(text)
    labels, counts = _counts_by_width([r["Revenue"] for r in SALES], 250)
    assert str(spec.chart_type) == "histogram"
    assert spec.x_labels == labels and spec.y_values == counts


def test_bin_width_and_count_replace_each_other_in_edits() -> None:
    prev = stored(chart("distribution of revenue"))
    spec = stored(chart("bins of 500", prev))
    assert (spec.x_labels, spec.y_values) == _counts_by_width([r["Revenue"] for r in SALES], 500)
    spec = chart("10 bins", spec)
    assert spec.x_labels[:2] == ["0–200", "200–400"] and sum(spec.y_values) == len(SALES)


def test_too_narrow_bins_are_widened_with_a_note() -> None:
    result = understand("histogram of revenue with bins of 1", Context(dataset=DS))
    assert isinstance(result, ChartResult)
    assert len(result.spec.x_labels) <= 100 and sum(result.spec.y_values) == len(SALES)
    assert result.notes == ["Bins of 1 would make over 100 bars, so I used bins of 20."]


def test_zero_bin_width_is_refused_in_words() -> None:
    result = understand("histogram of revenue with bins of 0", Context(dataset=DS))
    assert isinstance(result, NotUnderstood) and "bin width has to be more than 0" in result.message


def test_inline_histogram_with_bin_width() -> None:
    spec = chart("histogram 1, 5, 7, 12, 13, 22 bins of 5", dataset=None)
    assert spec.x_labels == ["0–5", "5–10", "10–15", "15–20", "20–25"]
    assert spec.y_values == [1, 2, 2, 0, 1]


def test_add_and_change_points_of_an_inline_chart() -> None:
    prev = stored(chart("bar chart of apples 3, pears 5, plums 2", dataset=None))
    result = understand("add bananas 4 and kiwis 6", Context(previous=prev))
    assert isinstance(result, ChartResult)
    spec = stored(result.spec)
    assert spec.x_labels == ["apples", "pears", "plums", "bananas", "kiwis"]
    assert spec.y_values == [3, 5, 2, 4, 6]
    assert result.notes == ["Added “bananas”.", "Added “kiwis”."]
    assert spec.title == "Apples, pears, plums and 2 more"  # a title made from the labels
    assert spec.rows == 5  # what the comment counts

    result = understand("set Pears to $7", Context(previous=spec))
    assert isinstance(result, ChartResult)
    assert result.spec.y_values == [3, 7, 2, 4, 6] and result.notes == ["Changed “pears” to $7."]
    spec = chart("add apples 1", result.spec, dataset=None)
    assert spec.y_values == [1, 7, 2, 4, 6]


def test_added_points_keep_an_explicit_title_and_the_sort() -> None:
    prev = stored(chart("apples 3, pears 5, plums 2 sorted descending title: Fruit", dataset=None))
    spec = chart("add figs 4", prev, dataset=None)
    assert spec.title == "Fruit"
    assert spec.x_labels == ["pears", "figs", "apples", "plums"]
    assert spec.y_values == [5, 4, 3, 2]


def test_a_file_chart_takes_no_typed_points(rev_by_region: ChartSpec) -> None:
    result = understand("add atlantis 40", Context(dataset=DS, previous=rev_by_region))
    assert not (isinstance(result, ChartResult) and "atlantis" in result.spec.x_labels)
    unknown = understand(
        "set nowhere to 5", Context(previous=stored(chart("a 1, b 2", None, None)))
    )
    assert not isinstance(unknown, ChartResult) or unknown.spec.x_labels == ["a", "b"]


def test_day_of_week_axis_is_named_for_the_days() -> None:
    spec = chart("revenue by day of week")
    assert spec.x_label == "Weekday" and spec.x_labels[0] == "Mon"
