"""What the data sheet holds: typed labels, number formats that read like the chart, text that
stays text, and a workbook built without temporary files."""

from __future__ import annotations

import datetime as dt
import tempfile

import pytest

from bot.export import chart_workbook, data_table
from bot.spec import ChartSpec, ChartType, NumberFormat, Series
from tests.export.xlsx import NS, column, open_chart, open_sheet


def line(labels: list[str], fmt: NumberFormat | None = None) -> ChartSpec:
    values = [float(i + 1) for i in range(len(labels))]
    return ChartSpec(
        ChartType.LINE, "Sales", labels, [Series("Sales", values)],
        number_format=fmt or NumberFormat(),
    )  # fmt: skip


def test_days_are_dates_and_the_line_gets_a_date_axis() -> None:
    data = chart_workbook(line(["2024-03-01", "2024-03-02", "2024-03-05"]))
    sheet = open_sheet(data)
    assert column(sheet, 1) == [dt.datetime(2024, 3, d) for d in (1, 2, 5)]
    assert sheet["A2"].number_format == "d mmm yyyy"
    assert open_chart(data).axis_titles() == []  # no titles were set
    assert open_chart(data).root.find("c:chart/c:plotArea/c:dateAx", NS) is not None


def test_monthly_bars_stay_side_by_side_on_a_text_axis() -> None:
    spec = line(["2024-01", "2024-02", "2024-05"])
    spec.chart_type = ChartType.BAR
    data = chart_workbook(spec)
    assert column(open_sheet(data), 1) == [dt.datetime(2024, m, 1) for m in (1, 2, 5)]
    root = open_chart(data).root
    assert root.find("c:chart/c:plotArea/c:dateAx", NS) is None
    # Without c:auto Excel keeps a text axis; c:auto="1" would let it switch to a date axis.
    assert root.find("c:chart/c:plotArea/c:catAx/c:auto", NS) is None


def test_years_are_numbers_on_a_category_axis() -> None:
    data = chart_workbook(line(["2022", "2023", "2024"]))
    assert column(open_sheet(data), 1) == [2022, 2023, 2024]
    root = open_chart(data).root
    assert root.find("c:chart/c:plotArea/c:dateAx", NS) is None  # 2024 is not a day in 1905
    assert root.find("c:chart/c:plotArea/c:catAx", NS) is not None


def test_quarters_read_as_on_the_chart() -> None:
    data = chart_workbook(line(["2024-Q1", "2024-Q2"]))
    assert column(open_sheet(data), 1) == ["Q1 2024", "Q2 2024"]


@pytest.mark.parametrize(("fmt", "values", "expected", "shown"), [
    (NumberFormat(prefix="$"), [1200.0, 5.0], '"$"#,##0', "$1,200"),
    (NumberFormat(prefix="$"), [1200.0, 5.25], '"$"#,##0.00', "$5.25"),
    (NumberFormat(suffix="%"), [65.0, 35.0], '#,##0"%"', "65%"),
    (NumberFormat(prefix="€", decimals=1), [3.0, 4.0], '"€"#,##0.0', "€3.0"),
])  # fmt: skip
def test_values_get_an_excel_format_like_the_charts(
    fmt: NumberFormat, values: list[float], expected: str, shown: str
) -> None:
    spec = ChartSpec(ChartType.BAR, "T", ["a", "b"], [Series("v", values)], number_format=fmt)
    sheet = open_sheet(chart_workbook(spec))
    assert sheet["B2"].number_format == expected
    assert shown in {row[1] for row in data_table(spec).rows}


def test_labels_that_look_like_formulas_or_links_stay_text() -> None:
    labels = ["=1+1", "http://example.com", "0042"]
    spec = ChartSpec(ChartType.BAR, "T", labels, [Series("v", [1.0, 2, 3])])
    data = chart_workbook(spec)
    sheet = open_sheet(data)
    assert column(sheet, 1) == labels
    assert sheet["A2"].data_type == "s"
    assert open_chart(data).series()[0].cat_cache == labels


def test_scatter_table_has_the_x_and_y_columns() -> None:
    spec = ChartSpec(
        ChartType.SCATTER, "Rating vs price", [9.5, 1200.0, None], [Series("Rating", [3.5, 4, 1])],
        x_label="Price",
    )  # fmt: skip
    table = data_table(spec)
    assert table.header == ["Price", "Rating"]
    assert table.rows == [["9.5", "3.5"], ["1,200", "4"], ["", "1"]]
    assert table.raw == [[9.5, 3.5], [1200.0, 4.0], [None, 1.0]]


def test_histogram_table_is_the_bins_and_their_counts() -> None:
    spec = ChartSpec(
        ChartType.HISTOGRAM, "Age", ["0–10", "10–20"], [Series("Count", [1200.0, 3])],
        x_label="Age", number_format=NumberFormat(prefix="$"),
    )  # fmt: skip
    table = data_table(spec)
    assert table.header == ["Age", "Count"]
    assert table.rows == [["0–10", "1,200"], ["10–20", "3"]]  # counts, never "$"
    assert open_sheet(chart_workbook(spec))["B2"].number_format == "#,##0"


def test_the_workbook_is_built_without_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_temp_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was created")

    # XlsxWriter writes its parts through mkstemp unless it works in memory.
    monkeypatch.setattr(tempfile, "mkstemp", no_temp_files)
    data = chart_workbook(line(["2024-01", "2024-02"]))
    assert open_chart(data).kind == "lineChart"
