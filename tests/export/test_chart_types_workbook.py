"""Every chart type maps to its closest native Excel chart: line, area, pie, doughnut, scatter and
a histogram's bins as a column chart without gaps (bars have their own file). Each test opens the
file as a user's spreadsheet would and compares it with the spec's labels and values."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from bot.export import chart_workbook
from bot.spec import ChartOptions, ChartSpec, ChartType, NumberFormat, Series
from bot.understand import ChartResult, Context, understand
from tests.export.xlsx import NS, ChartXml, column, open_chart, open_sheet

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04"]


def monthly(chart_type: ChartType, *series: Series) -> ChartSpec:
    return ChartSpec(
        chart_type=chart_type,
        title="Orders by month",
        x_labels=MONTHS,
        series=list(series) or [Series("Orders", [120.0, 95.0, None, 140.0])],
        x_label="Month",
        y_label="Orders",
    )


def test_line_chart_has_dates_on_a_date_axis() -> None:
    data = chart_workbook(monthly(ChartType.LINE))
    sheet = open_sheet(data)
    assert column(sheet, 1) == [dt.datetime(2024, m, 1) for m in (1, 2, 3, 4)]
    assert sheet["A2"].number_format == "mmm yyyy"
    assert column(sheet, 2) == [120, 95, None, 140]
    chart = open_chart(data)
    assert chart.kind == "lineChart"
    assert chart.title == "Orders by month"
    assert chart.axis_titles() == [("dateAx", "Month"), ("valAx", "Orders")]
    [series] = chart.series()
    assert (series.cat_ref, series.val_ref) == ("Data!$A$2:$A$5", "Data!$B$2:$B$5")
    serials = [(dt.datetime(2024, m, 1) - dt.datetime(1899, 12, 30)).days for m in (1, 2, 3, 4)]
    assert series.cat_cache == [str(s) for s in serials]
    assert series.val_cache == [120, 95, None, 140]
    blanks = chart.root.find("c:chart/c:dispBlanksAs", NS)  # absent: Excel leaves a gap
    assert blanks is None or blanks.get("val") == "gap"


def test_several_lines_are_several_series() -> None:
    spec = monthly(ChartType.LINE, Series("Web", [1.0, 2, 3, 4]), Series("Shop", [4.0, 3, 2, 1]))
    chart = open_chart(chart_workbook(spec))
    web, shop = chart.series()
    assert (web.name_ref, web.val_ref, web.val_cache) == (
        "Data!$B$1",
        "Data!$B$2:$B$5",
        [1, 2, 3, 4],
    )
    assert (shop.name_ref, shop.val_ref, shop.val_cache) == (
        "Data!$C$1",
        "Data!$C$2:$C$5",
        [4, 3, 2, 1],
    )
    assert chart.root.find("c:chart/c:legend/c:legendPos", NS).get("val") == "t"


def test_area_chart_of_one_series_is_a_standard_area() -> None:
    chart = open_chart(chart_workbook(monthly(ChartType.AREA)))
    assert chart.kind == "areaChart"
    assert chart.val("c:grouping") == "standard"
    assert chart.series()[0].val_cache == [120, 95, None, 140]


def test_area_chart_of_several_series_is_stacked_as_drawn() -> None:
    spec = monthly(ChartType.AREA, Series("Web", [1.0, 2, 3, 4]), Series("Shop", [4.0, 3, 2, 1]))
    chart = open_chart(chart_workbook(spec))
    assert chart.kind == "areaChart"
    assert chart.val("c:grouping") == "stacked"
    assert [s.val_ref for s in chart.series()] == ["Data!$B$2:$B$5", "Data!$C$2:$C$5"]


@pytest.mark.parametrize(("chart_type", "element"), [
    (ChartType.PIE, "pieChart"), (ChartType.DONUT, "doughnutChart"),
])  # fmt: skip
def test_pie_and_donut_are_their_native_charts_with_shares(
    chart_type: ChartType, element: str
) -> None:
    spec = ChartSpec(
        chart_type, "Share of votes", ["Yes", "No", "Blank"], [Series("Votes", [65.0, 30, 5])],
        x_label="Answer", number_format=NumberFormat(suffix="%"),
    )  # fmt: skip
    data = chart_workbook(spec)
    sheet = open_sheet(data)
    assert column(sheet, 1) == ["Yes", "No", "Blank"]
    assert column(sheet, 2) == [65, 30, 5]
    assert sheet["B2"].number_format == '#,##0"%"'  # 65 reads "65%", not Excel's 6500 %
    chart = open_chart(data)
    assert chart.kind == element
    assert chart.title == "Share of votes"
    [series] = chart.series()
    assert (series.cat_ref, series.val_ref) == ("Data!$A$2:$A$4", "Data!$B$2:$B$4")
    assert series.cat_cache == ["Yes", "No", "Blank"]
    assert series.val_cache == [65, 30, 5]
    assert chart.plot.find("c:ser/c:dLbls/c:showPercent", NS).get("val") == "1"
    holes = chart.plot.findall("c:holeSize", NS)
    assert len(holes) == (1 if chart_type is ChartType.DONUT else 0)


def test_a_pie_of_several_series_shows_the_first_as_drawn_and_keeps_all_data() -> None:
    spec = ChartSpec(
        ChartType.PIE, "Fruit", ["a", "b"], [Series("2023", [1.0, 2]), Series("2024", [3.0, 4])]
    )
    data = chart_workbook(spec)
    assert column(open_sheet(data), 3) == [3, 4]
    [series] = open_chart(data).series()
    assert (series.name_ref, series.val_cache) == ("Data!$B$1", [1, 2])


def test_scatter_is_markers_only_with_x_values_as_numbers() -> None:
    spec = ChartSpec(
        ChartType.SCATTER, "Rating vs price", [9.5, 12.0, 30.25, 18.0],
        [Series("Rating", [3.5, 4.0, None, 4.5])], x_label="Price", y_label="Rating",
        options=ChartOptions(trend_line=True),
    )  # fmt: skip
    data = chart_workbook(spec)
    sheet = open_sheet(data)
    assert [sheet["A1"].value, sheet["B1"].value] == ["Price", "Rating"]
    assert column(sheet, 1) == [9.5, 12, 30.25, 18]
    chart = open_chart(data)
    assert chart.kind == "scatterChart"
    assert chart.axis_titles() == [("valAx", "Price"), ("valAx", "Rating")]
    [series] = chart.series()
    assert (series.cat_ref, series.val_ref) == ("Data!$A$2:$A$5", "Data!$B$2:$B$5")
    assert [float(x) for x in series.cat_cache if x] == [9.5, 12, 30.25, 18]
    assert series.val_cache == [3.5, 4.0, None, 4.5]
    # Markers only: the series' line is not drawn.
    assert series_line(chart).find("a:noFill", NS) is not None
    assert chart.plot.find("c:ser/c:trendline/c:trendlineType", NS).get("val") == "linear"


def series_line(chart: ChartXml) -> ET.Element:
    line = chart.plot.find("c:ser/c:spPr/a:ln", NS)
    assert line is not None
    return line


def test_histogram_is_a_gapless_column_chart_of_the_bins_as_drawn() -> None:
    outcome = understand(
        "histogram of 3, 7, 12, 15, 18, 22, 25, 31, 33, 38", Context(None, None, "default", [])
    )
    assert isinstance(outcome, ChartResult)
    spec = outcome.spec
    data = chart_workbook(spec)
    sheet = open_sheet(data)
    assert column(sheet, 1) == spec.x_labels  # the bins the PNG draws, e.g. "0–10"
    assert column(sheet, 2) == spec.y_values
    assert sum(spec.y_values) == 10
    chart = open_chart(data)
    assert chart.kind == "barChart"
    assert chart.val("c:barDir") == "col"
    assert chart.val("c:gapWidth") == "0"
    [series] = chart.series()
    n = len(spec.x_labels)
    assert (series.cat_ref, series.val_ref) == (f"Data!$A$2:$A${n + 1}", f"Data!$B$2:$B${n + 1}")
    assert series.cat_cache == spec.x_labels
    assert series.val_cache == spec.y_values


def test_log_scale_and_value_labels_carry_over() -> None:
    spec = monthly(ChartType.LINE)
    spec.options = ChartOptions(log_scale=True, show_values=True)
    chart = open_chart(chart_workbook(spec))
    assert chart.axis("valAx").find("c:scaling/c:logBase", NS).get("val") == "10"
    assert chart.plot.find("c:ser/c:dLbls/c:showVal", NS).get("val") == "1"


def test_a_hidden_title_stays_hidden() -> None:
    spec = monthly(ChartType.LINE)
    spec.options = ChartOptions(show_title=False)
    chart = open_chart(chart_workbook(spec))
    assert chart.root.find("c:chart/c:autoTitleDeleted", NS).get("val") == "1"
