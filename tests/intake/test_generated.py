"""Workbooks and CSV files built in the test: hostile files and the messy layouts people share."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from bot.intake import IntakeError, Limits, read_dataset
from bot.intake.sheet_scan import scan_sheet
from bot.table import ColumnType
from tests.intake.conftest import sheet_bytes, xlsx_bytes

N, D, B, T = ColumnType.NUMBER, ColumnType.DATE, ColumnType.BOOL, ColumnType.TEXT


def read(data: bytes, name: str = "book.xlsx", limits: Limits | None = None):
    return read_dataset("F1", name, data, limits or Limits())


def refusal(data: bytes, name: str = "book.xlsx", limits: Limits | None = None) -> IntakeError:
    with pytest.raises(IntakeError) as err:
        read(data, name, limits)
    return err.value


def rezip(data: bytes, edit) -> bytes:
    """Copy an xlsx, letting ``edit(name, content)`` change or add members."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info)))
        extra = edit("__extra__", b"")
        if extra:
            for name, content in extra:
                dst.writestr(name, content)
    return out.getvalue()


SIMPLE = [["Region", "Revenue"], ["North", 10], ["South", 20], ["East", 5]]


# --- hostile files -------------------------------------------------------------------------


def test_zip_bomb_is_refused_before_inflating() -> None:
    def add_bomb(name: str, content: bytes):
        if name == "__extra__":
            return [("xl/media/padding.bin", b"\0" * (12 * 1024 * 1024))]
        return content

    data = rezip(sheet_bytes(SIMPLE), add_bomb)
    assert len(data) < 100_000  # 12 MiB of zeros deflate to almost nothing
    err = refusal(data, limits=Limits(max_uncompressed=10 * 1024 * 1024))
    assert err.code == "too_large"


def test_too_many_zip_members_is_refused() -> None:
    def add_many(name: str, content: bytes):
        return [(f"junk/{i}.txt", b"x") for i in range(60)] if name == "__extra__" else content

    err = refusal(rezip(sheet_bytes(SIMPLE), add_many), limits=Limits(max_members=50))
    assert err.code == "too_large"


def test_absurd_dimension_is_read_by_real_cells() -> None:
    def huge_dimension(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
            # a styled empty cell at the very end of the sheet, as some producers write
            content = content.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
            )
        return None if name == "__extra__" else content

    ds = read(rezip(sheet_bytes(SIMPLE), huge_dimension))
    assert ds.table.row_count == 3
    assert [c.name for c in ds.table.columns] == ["Region", "Revenue"]


def _far_cell(ref: bytes, prefix: bytes = b""):
    """A value far from the table: calamine would allocate the rectangle up to it."""
    row = re.sub(rb"[A-Z]", b"", ref)

    def edit(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            far = b'<row r="%s"><c r="%s"><v>7</v></c></row></sheetData>' % (row, ref)
            content = content.replace(b"</sheetData>", far)
            if prefix:  # the same sheet with namespace prefixes, as Open XML SDK writes it
                content = re.sub(rb"<(/?)(?=[a-zA-Z])", rb"<\1" + prefix + b":", content)
                content = content.replace(b"xmlns=", b"xmlns:" + prefix + b"=", 1)
        return None if name == "__extra__" else content

    return edit


@pytest.mark.parametrize("ref", [b"XFD1048576", b"ZZ50000", b"A1048576", b"XFD400"])
def test_a_value_far_from_the_table_is_refused_before_it_is_allocated(ref: bytes) -> None:
    """A1 to XFD1048576 is 17 billion cells to calamine (its allocation failure aborts the
    process): the sheet's extent is measured first, against the cell limit."""
    limits = Limits(max_cells=1_000_000)
    err = refusal(rezip(sheet_bytes(SIMPLE), _far_cell(ref)), limits=limits)
    assert err.code == "too_large" and "more cells than I can handle" in err.user_message
    prefixed = refusal(rezip(sheet_bytes(SIMPLE), _far_cell(ref, b"x")), limits=limits)
    assert prefixed.code == "too_large"


def _sheet_edit(old: bytes, new: bytes):
    def edit(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            assert old in content
            content = content.replace(old, new)
        return None if name == "__extra__" else content

    return edit


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        (b'<row r="5"><c r="B1048576"><v>7</v></c></row>', True),  # below its row's number
        (b'<row r="5"><c s="0" r="XFD5"><v>7</v></c></row>', True),  # the reference not first
        (b'<row r="5">' + b"<c><v>7</v></c>" * 20_000 + b"</row>", True),  # no references
        (b"<row><c><v>7</v></c></row>" * 3000, False),  # rows without numbers, within limits
    ],
)
def test_cells_placed_unusually_are_measured_too(cells: bytes, refused: bool) -> None:
    """Each of these makes calamine allocate more than its row numbers say."""
    edit = _sheet_edit(b"</sheetData>", cells + b"</sheetData>")
    data = rezip(sheet_bytes(SIMPLE), edit)
    limits = Limits(max_cells=10_000)
    if refused:
        assert refusal(data, limits=limits).code == "too_large"
    else:
        assert read(data, limits=limits).table.column("Revenue").values[:3] == [10, 20, 5]


LONG = [["Region", "Revenue"]] + [[f"R{i}", i] for i in range(150)]


@pytest.mark.parametrize(
    ("far", "rows", "area"),
    [
        (b'<c r="B1048576"><v>7</v></c>', SIMPLE, 1048576 * 2),  # a longer row number
        (b'<c r="XFD3"><v>7</v></c>', SIMPLE, 4 * 16384),  # a wider column
        (b'<c r="B900"><v>7</v></c>', LONG, 900 * 2),  # as many digits as the last row, past it
        (b'<c r="xfd3"><v>7</v></c>', SIMPLE, 4 * 16384),  # a lower-case reference
    ],
)
def test_a_value_far_away_in_the_middle_of_the_sheet_is_measured(
    far: bytes, rows: list, area: int
) -> None:
    """The sheet's last cells are back in place, so only a look at every cell finds it; the
    scan's bound must cover it before calamine allocates the rectangle."""
    data = rezip(sheet_bytes(rows), _sheet_edit(b'<row r="3">', b'<row r="3">' + far))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert scan_sheet(zf, "xl/worksheets/sheet1.xml", 10**9).area >= area
    limits = Limits(max_cells=1000)
    assert refusal(data, limits=limits).code == "too_large"
    plain = read(sheet_bytes(rows), limits=limits).table  # the same sheet without it is read
    assert plain.row_count == len(rows) - 1


def test_a_value_far_away_within_the_limit_is_read() -> None:
    ds = read(rezip(sheet_bytes(SIMPLE), _far_cell(b"Z30")))
    assert ds.table.row_count == 3
    assert [c.name for c in ds.table.columns] == ["Region", "Revenue"]
    prefixed = read(rezip(sheet_bytes(SIMPLE), _far_cell(b"Z30", b"x")))
    assert prefixed.table.column("Revenue").values == [10, 20, 5]


def test_a_dtd_in_any_part_is_refused() -> None:
    def inject(name: str, content: bytes):
        if name == "xl/styles.xml":
            dtd = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            return dtd + re.sub(rb"^<\?xml[^>]*\?>", b"", content)
        return None if name == "__extra__" else content

    assert refusal(rezip(sheet_bytes(SIMPLE), inject)).code == "unsafe"


def test_cell_limit_is_enforced_while_reading() -> None:
    rows = [["a", "b", "c", "d"]] + [[i, i, i, i] for i in range(400)]
    assert refusal(sheet_bytes(rows), limits=Limits(max_cells=1000)).code == "too_large"
    assert read(sheet_bytes(rows), limits=Limits(max_cells=2000)).table.row_count == 400


def test_xml_entity_expansion_is_refused() -> None:
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def inject(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            return dtd + content.replace(b"<t>North</t>", b"<t>&lol2;</t>")
        return None if name == "__extra__" else content

    assert refusal(rezip(sheet_bytes(SIMPLE), inject)).code == "unsafe"


def test_formula_looking_text_stays_text() -> None:
    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Name", "Note"])
        for i, text in enumerate(["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"], 2):
            ws.cell(i, 1, "ab"[i - 2])
            cell = ws.cell(i, 2, text)
            cell.data_type = "s"  # typed as text in Excel, not as a formula

    col = read(xlsx_bytes(build)).table.column("Note")
    assert col.type is T
    assert col.values == ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "a.xlsx", "empty"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "a.xlsx", "not_a_spreadsheet"),
        (b"%PDF-1.7\n...", "a.xlsx", "not_a_spreadsheet"),
        (b"PK\x03\x04\x14\x00\x00\x00garbage", "a.xlsx", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "a.xlsx", "xls"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
            "a.xlsx",
            "encrypted",
        ),
    ],
)
def test_wrong_content_is_judged_by_its_bytes(data: bytes, name: str, code: str) -> None:
    assert refusal(data, name).code == code


def test_truncated_workbook_is_corrupt() -> None:
    data = sheet_bytes(SIMPLE)
    assert refusal(data[: len(data) // 2]).code == "corrupt"


def test_chart_only_workbook() -> None:
    def build(wb: Workbook) -> None:
        wb.create_chartsheet("Chart")
        wb.remove(wb.active)

    assert refusal(xlsx_bytes(build)).code == "chart_only"


def test_too_large_file_bytes() -> None:
    assert refusal(sheet_bytes(SIMPLE), limits=Limits(max_bytes=100)).code == "too_large"


def test_xlsm_name_reads_as_data() -> None:
    assert read(sheet_bytes(SIMPLE), "macro.xlsm").table.row_count == 3


# --- layout --------------------------------------------------------------------------------


def test_title_rows_blank_leading_columns_totals_and_notes() -> None:
    rows = [
        ["Quarterly sales report"],
        ["Prepared by finance", None, "2024-03-01"],
        [],
        [None, None, "Region", "Revenue", "Units"],
        [None, None, "North", 100, 3],
        [None, None, "South", 250, 5],
        [None, None, "East", 50, 1],
        [None, None, "Total", 400, 9],
        [],
        [None, None, "Figures are unaudited."],
    ]
    table = read(sheet_bytes(rows)).table
    assert [c.name for c in table.columns] == ["Region", "Revenue", "Units"]
    assert table.column("Revenue").values == [100, 250, 50]
    assert "ignored the Total row" in table.notes


def test_subtotal_rows_are_excluded() -> None:
    rows = [["Region", "Sales"], ["A", 1], ["B", 2], ["Subtotal", 3], ["C", 4], ["Grand Total", 7]]
    table = read(sheet_bytes(rows)).table
    assert table.column("Region").values == ["A", "B", "C"]
    assert {"ignored the Subtotal row", "ignored the Grand Total row"} <= set(table.notes)


def test_two_row_header_under_merged_years_is_flattened() -> None:
    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.append([None, 2023, None, 2024, None])
        ws.append(["Product", "Q1", "Q2", "Q1", "Q2"])
        ws.append(["Widget", 1, 2, 3, 4])
        ws.append(["Gadget", 5, 6, 7, 8])
        ws.merge_cells("B1:C1")
        ws.merge_cells("D1:E1")

    table = read(xlsx_bytes(build)).table
    assert [c.name for c in table.columns] == [
        "Product",
        "2023 Q1",
        "2023 Q2",
        "2024 Q1",
        "2024 Q2",
    ]


def test_duplicate_and_empty_header_names_are_made_unique() -> None:
    rows = [["Revenue", "Revenue", None, "Name"], [1, 2, 3, "a"], [4, 5, 6, "b"]]
    names = [c.name for c in read(sheet_bytes(rows)).table.columns]
    assert names == ["Revenue", "Revenue (2)", "Column 3", "Name"]


def test_empty_columns_of_one_name_are_said_once() -> None:
    """A log with a Night column under each of two groups, both blank this month."""
    rows = [
        ["Pilot", "Day", "Night", "Day", "Night"],
        ["Ann", 2, None, 1, None],
        ["Bo", 3, None, 4, None],
    ]
    table = read(sheet_bytes(rows)).table
    assert [c.name for c in table.columns] == ["Pilot", "Day", "Day (2)"]
    assert table.notes.count("left out the empty column Night") == 1


def test_most_table_like_sheet_is_active_and_all_are_kept() -> None:
    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.title = "Cover"
        ws.append(["This workbook holds the 2024 figures."])
        data = wb.create_sheet("Data")
        data.append(["Month", "Sales"])
        for m in range(1, 13):
            data.append([dt.date(2024, m, 1), m * 10])
        small = wb.create_sheet("Lookup")
        small.append(["Code", "Label"])
        small.append(["A", "Alpha"])
        small.append(["B", "Beta"])
        secret = wb.create_sheet("Secret")
        secret.append(["x", "y"])
        for i in range(50):
            secret.append([i, i])
        secret.sheet_state = "hidden"

    ds = read(xlsx_bytes(build))
    assert ds.active_sheet == "Data"
    assert set(ds.tables) == {"Data", "Lookup", "Secret"}  # Secret: only when named
    assert ds.sheet_names == ["Cover", "Data", "Lookup", "Secret"] and ds.hidden == ["Secret"]
    assert any("hidden" in n for n in ds.notes)


def test_header_only_sheet_is_empty() -> None:
    assert refusal(sheet_bytes([["a", "b", "c"]])).code == "empty"


def test_prose_only_sheet_has_no_table() -> None:
    rows = [["Dear team,"], ["please find the numbers attached."], [], ["Regards"]]
    assert refusal(sheet_bytes(rows)).code == "no_table"


# --- types ---------------------------------------------------------------------------------


def test_percentages_follow_the_cell_format() -> None:
    rows = [["Team", "Share"], ["A", 0.65], ["B", 0.125]]
    col = read(sheet_bytes(rows, formats={"B": "0.0%"})).table.column("Share")
    assert col.type is N
    assert col.values == [65, 12.5]
    assert col.number_format.suffix == "%"
    assert col.number_format.decimals == 1


def test_currency_format_gives_prefix_and_decimals() -> None:
    rows = [["Item", "Cost"], ["Rent", 1000], ["Gas", 99.5]]
    col = read(sheet_bytes(rows, formats={"B": '"$"#,##0.00'})).table.column("Cost")
    assert (col.number_format.prefix, col.number_format.decimals) == ("$", 2)


def test_real_dates_and_serials_with_date_format() -> None:
    rows = [["Day", "Visits"], [dt.datetime(2024, 1, 1), 3], [45293, 4]]
    col = read(sheet_bytes(rows, formats={"A": "yyyy-mm-dd"})).table.column("Day")
    assert col.type is D
    assert [v.date() for v in col.values] == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]


def test_numbers_stored_as_text_with_separators_and_currency() -> None:
    rows = [["Item", "Price"], ["a", "$1,234.50"], ["b", "$99"], ["c", "n/a"], ["d", None]]
    col = read(sheet_bytes(rows)).table.column("Price")
    assert col.type is N
    assert col.values == [1234.5, 99, None, None]
    assert col.missing == 2
    assert col.number_format.prefix == "$"


def test_mixed_column_stays_text_and_booleans_are_booleans() -> None:
    rows = [["Due", "Done"], [dt.datetime(2024, 1, 1), True], ["TBD", False], ["13-Sep", None]]
    table = read(sheet_bytes(rows)).table
    assert table.column("Due").type is T
    assert table.column("Due").values == ["2024-01-01", "TBD", "13-Sep"]
    assert table.column("Done").type is B
    assert table.column("Done").missing == 1


def test_headerless_block_gets_column_names() -> None:
    rows = [[dt.datetime(2024, 1, d), d * 1.5, d * 2.5] for d in range(1, 6)]
    table = read(sheet_bytes(rows)).table
    assert [c.name for c in table.columns] == ["Column 1", "Column 2", "Column 3"]
    assert table.row_count == 5


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Region,Revenue\nNorth,1200.5\nSouth,300\n", "utf-8"),
        ("Region;Revenue\nNorth;1.200,5\nSouth;300\n", "cp1252"),
        ("Region\tRevenue\nNorth\t1200.5\nSouth\t300\n", "utf-8-sig"),
        ("Region|Revenue\nNorth|1200.5\nSouth|300\n", "latin-1"),
        ('Region,Revenue\n"North, upper","1,200.5"\nSouth,300\n', "utf-8"),
    ],
)
def test_csv_delimiters_and_encodings(text: str, encoding: str) -> None:
    ds = read(text.encode(encoding), "sales.csv")
    assert ds.active_sheet == "sales"
    assert ds.table.column("Revenue").values == [1200.5, 300]
    assert ds.table.column("Revenue").type is N


def test_csv_cp1252_text_survives() -> None:
    data = "Città;Importo\nMünchen;5\nZürich;7\n".encode("cp1252")
    table = read(data, "città.csv").table
    assert table.column("Città").values == ["München", "Zürich"]


def test_csv_with_title_line_and_percentages() -> None:
    data = b"Survey results\n\nAnswer,Share\nYes,65%\nNo,35%\n"
    col = read(data, "survey.csv").table.column("Share")
    assert col.values == [65, 35]
    assert col.number_format.suffix == "%"


def test_refusal_survives_the_trip_from_a_worker_process() -> None:
    import pickle

    err = refusal(b"", "a.xlsx")
    back = pickle.loads(pickle.dumps(err))
    assert (back.code, back.user_message, back.detail) == (err.code, err.user_message, err.detail)


def test_dataset_survives_the_trip_from_a_worker_process() -> None:
    import pickle

    ds = read(sheet_bytes(SIMPLE))
    assert pickle.loads(pickle.dumps(ds)) == ds


def test_formulas_without_saved_results_get_a_note_and_stay_empty() -> None:
    """openpyxl itself writes formulas without results, as a script-made file would be."""

    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.append(["Item", "Price", "Qty", "Total"])
        for n, (price, qty) in enumerate([(3, 2), (5, 1), (2, 4)], start=2):
            ws.append([f"item {n}", price, qty, f"=B{n}*C{n}"])

    table = read_dataset("F1", "made.xlsx", xlsx_bytes(build)).table
    assert table.notes[0].startswith("3 formula cells were saved without results")
    assert [c.name for c in table.columns] == ["Item", "Price", "Qty"]  # nothing plotted as 0
    plain = read_dataset("F1", "plain.xlsx", sheet_bytes([["Item", "Price"], ["a", 1], ["b", 2]]))
    assert not any("formula" in n for n in plain.table.notes)


def test_error_cells_and_formulas_are_counted_across_a_big_sheet() -> None:
    """A sheet's XML is scanned in chunks of a few MB: cells in every chunk, and at the cuts
    between them, are counted once."""
    rows = 60_000  # ~6 MB of sheet XML

    def cell(n: int) -> bytes:
        if n % 1000 == 0:
            return b'<c r="C%d" t="e"><v>#DIV/0!</v></c>' % n
        if n % 1500 == 0:
            return b'<c r="C%d"><f>A%d*2</f></c>' % (n, n)
        return b'<c r="C%d"><v>%d</v></c>' % (n, n % 97)

    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>item %d</t></is></c>'
        b'<c r="B%d"><v>%d</v></c>%s</row>' % (n, n, n, n, n % 13, cell(n))
        for n in range(2, rows + 2)
    )
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Item</t></is></c><c r="B1" '
    header += b't="inlineStr"><is><t>Qty</t></is></c><c r="C1" t="inlineStr"><is><t>Score</t>'
    header += b"</is></c></row>"

    def edit(name: str, content: bytes):
        if name == "xl/worksheets/sheet1.xml":
            content = re.sub(rb"<sheetData>.*</sheetData>", lambda _: b"<sheetData>" + header
                             + body + b"</sheetData>", content, flags=re.S)  # fmt: skip
        return None if name == "__extra__" else content

    table = read(rezip(sheet_bytes(SIMPLE), edit)).table
    assert table.row_count == rows
    assert table.notes[:2] == [
        "20 formula cells were saved without results, so they are empty here: open and save "
        "the file in Excel or LibreOffice, then share it again",
        "60 cells hold an Excel error (such as #DIV/0! or #N/A), left out of the charts",
    ]
    assert table.column("Score").missing == 80  # multiples of 1000, and of 1500 but not 3000
