"""Bar charts as Excel workbooks: the data sheet holds the spec's labels and values, and the
native chart is a column or bar chart whose series point at those cells and cache those values."""

from __future__ import annotations

from bot.export import chart_workbook, workbook_filename
from bot.spec import ChartOptions, ChartSpec, ChartType, NumberFormat, Series
from tests.export.xlsx import NS, column, open_chart, open_sheet

REGIONS = ["North", "South", "East", "West"]


def revenue(**options: bool) -> ChartSpec:
    return ChartSpec(
        chart_type=ChartType.BAR,
        title="Revenue by region",
        x_labels=REGIONS,
        series=[Series("Revenue", [1200.0, 800.0, 450.5, 990.0])],
        x_label="Region",
        y_label="Revenue (USD)",
        number_format=NumberFormat(prefix="$"),
        options=ChartOptions(**options),
    )


def two_years(**options: bool) -> ChartSpec:
    spec = revenue(**options)
    spec.series = [Series("2023", [10.0, 20.0, 30.0, 40.0]), Series("2024", [15.0, None, 5, 1])]
    return spec


def test_bar_chart_is_a_column_chart_of_the_data_sheet() -> None:
    data = chart_workbook(revenue())
    sheet = open_sheet(data)
    assert [sheet["A1"].value, sheet["B1"].value] == ["Region", "Revenue"]
    assert column(sheet, 1) == REGIONS
    assert column(sheet, 2) == [1200, 800, 450.5, 990]
    assert sheet["B2"].number_format == '"$"#,##0.0'

    chart = open_chart(data)
    assert chart.kind == "barChart"
    assert chart.val("c:barDir") == "col"
    assert chart.val("c:grouping") == "clustered"
    assert chart.title == "Revenue by region"
    assert chart.axis_titles() == [("catAx", "Region"), ("valAx", "Revenue (USD)")]
    [series] = chart.series()
    assert series.name_ref == "Data!$B$1"
    assert series.cat_ref == "Data!$A$2:$A$5"
    assert series.val_ref == "Data!$B$2:$B$5"
    assert series.cat_cache == REGIONS
    assert series.val_cache == [1200, 800, 450.5, 990]


def test_horizontal_bar_chart_is_an_excel_bar_chart_with_the_first_category_on_top() -> None:
    chart = open_chart(chart_workbook(revenue(horizontal=True)))
    assert chart.kind == "barChart"
    assert chart.val("c:barDir") == "bar"
    assert chart.axis_titles() == [("catAx", "Region"), ("valAx", "Revenue (USD)")]
    category = chart.axis("catAx")
    assert category.find("c:scaling/c:orientation", NS).get("val") == "maxMin"
    # The value axis crosses at the last category: with the order reversed, at the bottom.
    assert chart.axis("valAx").find("c:crosses", NS).get("val") == "max"


def test_grouped_bars_are_one_series_per_column() -> None:
    data = chart_workbook(two_years())
    sheet = open_sheet(data)
    assert [c.value for c in sheet[1]] == ["Region", "2023", "2024"]
    assert column(sheet, 3) == [15, None, 5, 1]
    chart = open_chart(data)
    assert chart.val("c:grouping") == "clustered"
    first, second = chart.series()
    assert (first.name_ref, first.val_ref) == ("Data!$B$1", "Data!$B$2:$B$5")
    assert (second.name_ref, second.val_ref) == ("Data!$C$1", "Data!$C$2:$C$5")
    assert second.cat_ref == "Data!$A$2:$A$5"
    assert first.val_cache == [10, 20, 30, 40]
    assert second.val_cache == [15, None, 5, 1]  # the gap stays a gap, not a zero


def test_stacked_bars_are_excels_stacked_subtype() -> None:
    chart = open_chart(chart_workbook(two_years(stacked=True)))
    assert chart.val("c:barDir") == "col"
    assert chart.val("c:grouping") == "stacked"
    assert chart.val("c:overlap") == "100"
    assert len(chart.series()) == 2


def test_sorted_and_limited_bars_keep_the_chart_order() -> None:
    spec = revenue()
    spec.sort, spec.limit = "desc", 3
    data = chart_workbook(spec)
    assert column(open_sheet(data), 1) == ["North", "West", "South"]
    [series] = open_chart(data).series()
    assert series.cat_cache == ["North", "West", "South"]
    assert series.val_cache == [1200, 990, 800]


def test_workbook_is_named_after_the_title() -> None:
    assert workbook_filename(revenue()) == "revenue-by-region.xlsx"
