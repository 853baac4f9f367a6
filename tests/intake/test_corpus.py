"""Every real-world file of the corpus (tests/data/corpus/) gives what MANIFEST.md expects."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.intake import IntakeError, read_dataset
from bot.table import ColumnType, Dataset
from bot.understand import ChartResult, Context, NotUnderstood, understand
from bot.understand.answers import file_summary

N, D, B, T = ColumnType.NUMBER, ColumnType.DATE, ColumnType.BOOL, ColumnType.TEXT

# file → refusal code, or (active sheet, row count, {column: type}) for the active table.
EXPECTED: dict[str, str | tuple[str, int, dict[str, ColumnType]]] = {
    "bad-calamine-encrypted_password.xlsx": "encrypted",
    "bad-calamine-gnumeric_full_sheet_dimension.xlsx": ("Sheet1", 1, {"Weight": N, "City": T}),
    "bad-excelize-workbook_without_sheets.xlsx": "empty",
    "bad-openpyxl-1024_empty_sheets.xlsx": "empty",
    "bad-openpyxl-zero_bytes.xlsx": "empty",
    "bad-phpspreadsheet-backslash_zip_paths.xlsx": (
        "promedia postlogs wk 2-12",
        93,
        {"Order": N, "Date": D, "Program Name": T, "Rate": N},
    ),
    "bad-phpspreadsheet-empty_fill_in_styles.xlsx": ("Page 1", 7, {"Area": N, "RT [min]": N}),
    "bad-poi-docx_named_xlsx.xlsx": "not_a_spreadsheet",
    "bad-poi-strict_ooxml.xlsx": ("Sheet Number 2", 1, {"cb=1": N, "cb=sum": N}),
    "bad-poi-truncated_zip.xlsx": "corrupt",
    "bad-poi-xml_entity_bomb.xlsx": "unsafe",
    "bad-poi-~$tableStyle.xlsx": "lock_file",
    "bad-readxl-empty_and_header_only_sheets.xlsx": "empty",
    # OpenDocument under an .xlsx name: read by its content (PRODUCT.md §3 Files: .ods works)
    "bad-roo-ods_named_xlsx.xlsx": (
        "Sheet1",
        10,
        {"Date": D, "Start time": N, "Sum": N, "Comment": T},
    ),
    "bad-roo-xls_biff8_named_xlsx.xlsx": "xls",
    # .xlsb and .ods are read since calamine reads them (they were refused before)
    "fmt-calamine-visible_hidden_chart.xlsb": ("Visible", 3, {"Column 1": N, "Column 2": N}),
    "fmt-pbpython-mn_budget_detail_2014.csv": (
        "fmt-pbpython-mn_budget_detail_2014",
        125,
        {"category": T, "detail": T, "amount": N},
    ),
    "fmt-phpspreadsheet-pilot_logbook.ods": ("Francais", None, {"Jour Cdt": N}),
    "fmt-readxl-datasets_biff8.xls": "xls",
    "fmt-sheetjs-attendance.numbers": "numbers",
    "ok-calamine-station_readings.xlsx": ("Sheet1", 3, {"Station": T, "Celsius": N}),
    "ok-openpyxl-data_with_chartsheet.xlsx": ("data", 9, {"x": N, "y": N}),
    "ok-pbpython-2018_sales_total.xlsx": ("Sheet1", 1500, {"name": T, "ext price": N, "date": D}),
    "ok-pbpython-sales_9_2022.xlsx": ("Sheet1", 20, {"Region": T, "Segment": T, "Sales": N}),
    "ok-pbpython-sales_estimate.xlsx": ("projections", 12, {"Name": T, "Current_Price": N}),
    "ok-pbpython-sales_transactions.xlsx": ("Sheet1", 12, {"name": T, "ext price": N}),
    "ok-pbpython-salesfunnel.xlsx": ("Sheet1", 17, {"Rep": T, "Price": N, "Status": T}),
    "ok-pbpython-sample_sales_reps.xlsx": ("sample-salesv4", 1500, {"category": T, "date": D}),
    "ok-pbpython-traffic_daily_2017.xlsx": ("Dataset1", 75, {"Day Index": D, "Sessions": N}),
    "ok-pbpython-web_sessions_daily.xlsx": ("Dataset1", 891, {"Day Index": D, "Sessions": N}),
    "ok-poi-spss_employee_data.xlsx": ("Sheet1", 474, {"salary": N, "jobcat": T, "bdate": D}),
    "ok-readxl-datasets.xlsx": ("quakes", 1000, {"mag": N, "stations": N}),
    "ok-readxl-gapminder_by_continent.xlsx": ("Africa", 5, {"country": T, "year": N}),
    "ok-readxl-iris_google_sheets.xlsx": ("iris", 150, {"Sepal.Length": N, "Species": T}),
    "ok-xlsxwriter-region_item_volume.xlsx": ("Sheet1", 50, {"Region": T, "Volume": N}),
    "tricky-calamine-excel_tables_stacked.xlsx": ("Sheet1", 4, {"Type": T, "Quantity": N}),
    "tricky-calamine-pivot_tables.xlsx": ("DataSheet", 10, {"Category": T, "Value": N}),
    "tricky-pbpython-libreoffice_tabs_1M_row_dimension.xlsx": (
        "Sheet5",
        None,
        {"ext price": N, "date": D},
    ),
    "tricky-pbpython-params_above_table_macro.xlsm": ("Sheet1", 28, {"sku": T, "ext-price": N}),
    "tricky-pbpython-shipping_offset_header.xlsx": ("sales", 9, {"order date": D, "state": T}),
    "tricky-phpspreadsheet-flexcel_grouped_header_units_row.xlsx": (
        "Data",
        9,
        {"Zona": T, "Ancho [m]": N, "Fecha": D, "Hora": D},
    ),
    "tricky-phpspreadsheet-quarters_under_merged_years.xlsx": (
        "Data",
        4,
        {"2008 Qtr 1": N, "2010 Qtr 4": N},
    ),
    "tricky-phpspreadsheet-tw_banks_months_as_columns.xlsx": (
        "工作表1",
        48,
        {"日期": T, "93年6月": N},
    ),
    "tricky-poi-cities_two_tables_and_pivot.xlsx": ("Table", 12, {"City": T, "Population": N}),
    "tricky-poi-simple_monthly_budget.xlsx": (
        "Simple Monthly Budget",
        13,
        {"Item": T, "Amount": N},
    ),
    "tricky-poi-task_list_mixed_types.xlsx": ("Sheet1", None, {"Status": T, "Due Date": T}),
    "tricky-readxl-deaths_notes_above_below.xlsx": ("arts", 10, {"Name": T, "Age": N}),
    "tricky-readxl-formula_without_cached_value.xlsx": ("Sheet1", 1, {"A": N, "B": N}),
    "tricky-roo-chartsheet_is_first_sheet.xlsx": ("Sheet1", 12, {"Month": D, "Sales": N}),
    "tricky-sheetjs-attendance_apple_numbers.xlsx": (
        "Attendance - Attendance",
        23,
        {"Date": D, "Ben Ashley": B},
    ),
    "tricky-sheetjs-hidden_and_veryhidden_sheets.xlsx": ("Visible", 1, {"v": N}),
    "tricky-xlsxwriter-expenses_total_row.xlsx": ("Sheet1", 4, {"Item": T, "Cost": N}),
    "tricky-xlsxwriter-stock_hlc_no_header.xlsx": ("Sheet1", 5, {"Column 1": D, "Column 2": N}),
}
# Forms rather than tables: any answer is fine as long as nothing crashes.
FORMS = {
    "bad-phpspreadsheet-16k_columns_timesheet.xlsx",
    "bad-phpspreadsheet-invalid_color_in_styles.xlsx",
    "tricky-phpspreadsheet-wps_payroll_month_sheets.xlsx",
    "tricky-sheetjs-חישוב_נקודות_זיכוי.xlsx",
}


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.name not in ("MANIFEST.md", "PROBE.txt"))


def read(path: Path) -> Dataset:
    return read_dataset("F1", path.name, path.read_bytes())


def test_every_corpus_file_is_covered(corpus: Path) -> None:
    names = {p.name for p in corpus_files(corpus)}
    assert names == set(EXPECTED) | FORMS


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, corpus: Path) -> None:
    expected = EXPECTED[name]
    if isinstance(expected, str):
        with pytest.raises(IntakeError) as err:
            read(corpus / name)
        assert err.value.code == expected
        assert err.value.user_message
        return
    sheet, rows, types = expected
    ds = read(corpus / name)
    assert ds.active_sheet == sheet
    table = ds.table
    if rows is not None:
        assert table.row_count == rows
    for col, ctype in types.items():
        assert table.column(col).type is ctype, col
    assert all(len(c.values) == table.row_count for c in table.columns)
    assert Dataset.from_bytes(ds.to_bytes()) == ds


@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms_do_not_crash(name: str, corpus: Path) -> None:
    try:
        ds = read(corpus / name)
    except IntakeError as err:
        assert err.code in ("no_table", "empty")
    else:
        assert Dataset.from_bytes(ds.to_bytes()) == ds


def test_lock_file_under_its_real_name(corpus: Path) -> None:
    data = (corpus / "bad-poi-~$tableStyle.xlsx").read_bytes()
    with pytest.raises(IntakeError) as err:
        read_dataset("F1", "~$tableStyle.xlsx", data)
    assert err.value.code == "lock_file"
    assert "Greg" not in err.value.user_message  # the owner's name is never echoed


def test_messy_sheets_in_detail(corpus: Path) -> None:
    deaths = read(corpus / "tricky-readxl-deaths_notes_above_below.xlsx")
    assert set(deaths.tables) == {"arts", "other"}
    assert deaths.tables["other"].column("Name").values[0] == "Vera Rubin"
    assert "ignored the notes below the table" in deaths.tables["arts"].notes

    expenses = read(corpus / "tricky-xlsxwriter-expenses_total_row.xlsx").table
    assert "ignored the Total row" in expenses.notes
    assert sum(expenses.column("Cost").values) == 1450
    assert expenses.column("Cost").number_format.prefix == "$"

    pivots = read(corpus / "tricky-calamine-pivot_tables.xlsx")
    assert pivots.tables["DataSheet"].column("Value / Size").missing == 1  # "#DIV/0!"

    hidden = read(corpus / "tricky-sheetjs-hidden_and_veryhidden_sheets.xlsx")
    assert hidden.active_sheet == "Visible" and hidden.hidden == ["Hidden", "VeryHidden"]
    assert hidden.sheet_names == ["Visible", "Hidden", "VeryHidden"]

    chart_first = read(corpus / "tricky-roo-chartsheet_is_first_sheet.xlsx")
    assert chart_first.sheet_names == ["Sheet1"]

    stacked = read(corpus / "tricky-calamine-excel_tables_stacked.xlsx").tables["Sheet3"]
    assert stacked.column("Units").values == [1000, 500, 200, 50]

    gapminder = read(corpus / "ok-readxl-gapminder_by_continent.xlsx")
    assert all(type(y) is int for y in gapminder.table.column("year").values)
    assert list(gapminder.tables) == ["Africa", "Americas", "Asia", "Europe", "Oceania"]

    budget = read(corpus / "tricky-poi-simple_monthly_budget.xlsx").table
    assert budget.column("Item").values[0] == "Rent/mortgage"


def test_formulas_saved_without_results_are_pointed_out(corpus: Path) -> None:
    """The manifest: warn that the file was saved without calculated values and should be
    opened and saved first; never plot those cells as 0."""
    table = read(corpus / "tricky-readxl-formula_without_cached_value.xlsx").table
    assert table.notes[0].startswith("1 formula cell was saved without results")
    assert "Excel or LibreOffice" in table.notes[0]
    assert all(0 not in c.values for c in table.columns if c.name == "A + B")
    # Its 194 formulas hold a cached empty text (<v/>: IF(…, "", …) came out empty), so
    # they were calculated: nothing to open and save.
    timesheet = read(corpus / "bad-phpspreadsheet-16k_columns_timesheet.xlsx")
    assert not any("formula" in n for n in timesheet.table.notes)


def test_error_cells_are_counted_and_never_plotted(corpus: Path) -> None:
    """#DIV/0! in Value / Size and in Misc: empty in the table, and the summary says so."""
    dataset = read(corpus / "tricky-calamine-pivot_tables.xlsx")
    table = dataset.tables["DataSheet"]
    assert table.notes[0].startswith("2 cells hold an Excel error (such as #DIV/0!")
    assert table.column("Value / Size").values[6] is None
    assert "#DIV/0!" not in table.column("Misc").values
    assert "2 cells hold an Excel error" in file_summary(dataset)


def test_xlsb_keeps_sheet_visibility_and_skips_its_chart_sheet(corpus: Path) -> None:
    dataset = read(corpus / "fmt-calamine-visible_hidden_chart.xlsb")
    assert dataset.sheet_names == ["Visible", "Hidden", "VeryHidden"]
    assert dataset.hidden == ["Hidden", "VeryHidden"]
    table = dataset.table
    assert [c.values for c in table.columns] == [[1, 3, 5], [2, 4, 6]]


def test_ods_under_an_xlsx_name_gives_its_values(corpus: Path) -> None:
    """Read by its content, as a user charting it would see it: every sheet named, the dates
    as dates and the hours as they were typed."""
    dataset = read(corpus / "bad-roo-ods_named_xlsx.xlsx")
    assert dataset.sheet_names == ["Sheet1", "Sheet2", "Sheet3"]
    table = dataset.table
    assert [c.name for c in table.columns] == [
        "Date", "Start time", "End time", "Pause", "Sum", "Comment"
    ]  # fmt: skip
    days = [v.date() for v in table.column("Date").values]
    assert days[:4] == [dt.date(2007, 5, 7)] * 3 + [dt.date(2007, 5, 8)]
    assert table.column("Start time").values[:3] == [9.25, 10.75, 18.0]
    assert table.column("Sum").values == [1, 1.75, 1, 1, 1, 0.5, 0.5, 0.5, 1, 0]
    assert table.column("Comment").values[:3] == ["Task 1", "Task 1", "Task 2"]
    assert table.notes == []


def test_sales_by_segment_keeps_the_blank_segment(corpus: Path) -> None:
    """The manifest: "a bar of sum(Sales) ... by Segment with a "(blank)" bucket"; the four
    customers without a segment still count."""
    dataset = read(corpus / "ok-pbpython-sales_9_2022.xlsx")
    result = understand("sales by segment", Context(dataset=dataset))
    assert isinstance(result, ChartResult)
    spec = result.spec
    assert spec.x_labels[-1] == "(blank)" and len(spec.x_labels) == 4
    assert sum(spec.y_values) == sum(dataset.table.column("Sales").values)


def test_ext_price_by_customer_name_uses_the_name_column(corpus: Path) -> None:
    """The manifest: "a bar by customer name" on a sheet whose column is just ``name``."""
    dataset = read(corpus / "ok-pbpython-2018_sales_total.xlsx")
    result = understand("bar of ext price by customer name", Context(dataset=dataset))
    assert isinstance(result, ChartResult)
    assert result.spec.x_label == "name" and len(result.spec.x_labels) == 20
    assert sum(result.spec.y_values) == pytest.approx(sum(dataset.table.column("ext price").values))
    assert "Using column “name” for “customer name”." in result.notes
    refused = understand("bar of ext price by customer", Context(dataset=dataset))
    assert isinstance(refused, NotUnderstood)  # a word alone is not read as a column


def test_iris_scatter_is_coloured_by_species(corpus: Path) -> None:
    """The manifest: "a scatter of Sepal.Length vs Petal.Length, coloured by Species"."""
    dataset = read(corpus / "ok-readxl-iris_google_sheets.xlsx")
    said = "scatter of Sepal.Length vs Petal.Length coloured by Species"
    result = understand(said, Context(dataset=dataset))
    assert isinstance(result, ChartResult)
    spec, table = result.spec, dataset.table
    assert [s.name for s in spec.series] == ["setosa", "versicolor", "virginica"]
    points = {
        (x, y, s.name)
        for s in spec.series
        for x, y in zip(spec.x_labels, s.values, strict=True)
        if y is not None
    }
    columns = [table.column(n).values for n in ("Sepal.Length", "Petal.Length", "Species")]
    assert points == set(zip(*columns, strict=True))  # every flower, in its species' colour
    assert sum(y is not None for s in spec.series for y in s.values) == table.row_count


def test_hidden_sheets_are_mentioned_and_charted_only_when_named(corpus: Path) -> None:
    """The manifest: "List and chart only visible sheets by default. Mention that hidden sheets
    exist, and never chart them unless asked." """
    dataset = read(corpus / "tricky-sheetjs-hidden_and_veryhidden_sheets.xlsx")
    summary = file_summary(dataset)
    assert "Sheets:" not in summary  # one visible sheet: nothing to list
    assert "Using *Visible*: 1 row;" in summary
    assert "hidden sheets, used only if you name one: Hidden, VeryHidden" in summary
    # d and n are columns of the hidden sheets only
    assert isinstance(understand("d vs n", Context(dataset=dataset)), NotUnderstood)
    named = understand("d vs n in sheet Hidden", Context(dataset=dataset))
    assert isinstance(named, ChartResult)
    assert named.spec.sheet == "Hidden"
    assert (named.spec.x_labels, named.spec.series[0].values) == ([100], [110])


PROBE = """
import json, resource, sys
from pathlib import Path
from bot.intake import IntakeError, read_dataset
for p in sorted(Path(sys.argv[1]).iterdir()):
    if p.suffix in (".md", ".txt"):
        continue
    try:
        read_dataset("F1", p.name, p.read_bytes())
    except IntakeError:
        pass
print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_whole_corpus_runs_in_bounded_memory(corpus: Path) -> None:
    """All files in one process under a 1 GiB address-space cap; peak RSS stays small."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    root = Path(__file__).parents[2]
    out = subprocess.run(
        [sys.executable, "-c", limit + PROBE, str(corpus)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(out.stdout.splitlines()[-1])["maxrss_mb"] < 300
