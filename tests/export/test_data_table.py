"""The chart's data as a table: cells as the chart writes them, raw values, a plain-text form
that says how much it leaves out, and a CSV of everything."""

from __future__ import annotations

import csv
import io

from bot.export import csv_filename, data_table
from bot.spec import ChartSpec, ChartType, NumberFormat, Series


def revenue() -> ChartSpec:
    return ChartSpec(
        chart_type=ChartType.BAR,
        title="Revenue by region",
        x_labels=["North", "South", "East"],
        series=[Series("Revenue", [1200.0, -35.5, None]), Series("Cost", [900.0, 40.0, 12.0])],
        x_label="Region",
        number_format=NumberFormat(prefix="$"),
    )


def test_cells_are_formatted_as_on_the_chart() -> None:
    table = data_table(revenue())
    assert table.header == ["Region", "Revenue", "Cost"]
    assert table.rows == [
        ["North", "$1,200", "$900"],
        ["South", "-$35.5", "$40"],
        ["East", "", "$12"],
    ]
    assert table.raw == [["North", 1200.0, 900.0], ["South", -35.5, 40.0], ["East", None, 12.0]]


def test_percentages_keep_their_unit() -> None:
    spec = ChartSpec(
        ChartType.PIE, "Share", ["yes", "no"], [Series("Share", [65, 35])],
        number_format=NumberFormat(suffix="%"),
    )  # fmt: skip
    assert [row[1] for row in data_table(spec).rows] == ["65%", "35%"]


def test_month_labels_read_as_on_the_chart_and_stay_raw_in_raw() -> None:
    spec = ChartSpec(ChartType.LINE, "Sales", ["2024-01", "2024-02"], [Series("Sales", [1, 2])])
    table = data_table(spec)
    assert [row[0] for row in table.rows] == ["Jan 2024", "Feb 2024"]
    assert [row[0] for row in table.raw] == ["2024-01", "2024-02"]


def test_text_is_an_aligned_table() -> None:
    lines = data_table(revenue()).text().splitlines()
    assert lines[0].split() == ["Region", "Revenue", "Cost"]
    assert lines[2].split() == ["North", "$1,200", "$900"]
    # Numbers are right-aligned: each row's value column ends where its header does.
    assert lines[3].index("-$35.5") + len("-$35.5") == lines[0].index("Revenue") + len("Revenue")
    assert "rows)" not in lines[-1]


def test_text_over_the_limit_says_how_many_rows_it_shows() -> None:
    labels = [f"item {i}" for i in range(250)]
    spec = ChartSpec(ChartType.BAR, "Many", labels, [Series("n", [float(i) for i in range(250)])])
    text = data_table(spec).text()
    lines = text.splitlines()
    assert lines[-1] == "(first 100 of 250 rows)"
    assert len(lines) == 2 + 100 + 1
    assert lines[-2].split() == ["item", "99", "99"]
    assert data_table(spec).text(limit=10).splitlines()[-1] == "(first 10 of 250 rows)"
    assert len(data_table(spec).rows) == 250


def test_csv_round_trips_every_row_with_raw_numbers() -> None:
    labels = [f"item, {i}" for i in range(250)]  # a comma in a label stays one cell
    values = [i * 1000.25 for i in range(250)]
    spec = ChartSpec(
        ChartType.BAR, "Many", labels, [Series("Revenue €", values)],
        number_format=NumberFormat(prefix="€"),
    )  # fmt: skip
    read = list(csv.reader(io.StringIO(data_table(spec).csv().decode("utf-8"))))
    assert read[0] == ["Label", "Revenue €"]
    assert len(read) == 251
    assert [r[0] for r in read[1:]] == labels
    assert [float(r[1]) for r in read[1:]] == values  # no "€", no separators, no rounding
    assert read[1] == ["item, 0", "0"]


def test_csv_leaves_a_missing_value_empty() -> None:
    rows = list(csv.reader(io.StringIO(data_table(revenue()).csv().decode())))
    assert rows[3] == ["East", "", "12"]


def test_csv_is_named_after_the_title() -> None:
    assert csv_filename(revenue()) == "revenue-by-region.csv"
