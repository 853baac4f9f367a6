"""The fast sheet reader gives exactly openpyxl's rows: on every corpus sheet, and on sheet XML
written by hand to hit each rule of openpyxl's cell parser."""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from bot.intake import IntakeError, Limits
from bot.intake.sheet_xml import Unusual, iter_values
from bot.intake.xlsx import CellBudget, XlsxBook, _collect
from tests.intake.conftest import xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def typed(rows: Any) -> list[tuple]:
    """Rows with each value's type, so 5 and 5.0 (or 1 and True) differ; NaN equals NaN."""
    return [
        tuple(
            (type(v).__name__, "nan" if isinstance(v, float) and math.isnan(v) else v) for v in row
        )
        for row in rows
    ]


def both_readers(data: bytes) -> dict[str, tuple[Any, Any]]:
    """Per sheet: (openpyxl's rows or its exception type, ours likewise)."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = XlsxBook(data, Limits())
        for name, ws in book.sheets.items():
            ws.reset_dimensions()
            out[name] = (
                _rows_or_fails(ws.iter_rows, values_only=True),
                _rows_or_fails(iter_values, ws),
            )
        book.close()
    return out


def _rows_or_fails(read: Any, *args: Any, **kwargs: Any) -> list[tuple] | str:
    try:
        return typed(read(*args, **kwargs))
    except Unusual:
        raise
    except Exception:  # both readers must fail on the same input, however they fail
        return "fails"


def corpus_workbooks(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in {".xlsx", ".xlsm"})


def test_every_corpus_sheet_reads_exactly_as_openpyxl_reads_it(corpus: Path) -> None:
    sheets = 0
    for path in corpus_workbooks(corpus):
        try:
            pairs = both_readers(path.read_bytes())
        except IntakeError:
            continue  # refused before any sheet is read; test_corpus checks the refusal
        for name, (reference, ours) in pairs.items():
            assert ours == reference, f"{path.name} / {name}"
            sheets += 1
    assert sheets > 1000  # the corpus has a workbook with 1024 sheets, and ~40 others


def base_book(epoch: dt.datetime | None = None) -> bytes:
    """A workbook whose styles include a date and a duration format."""

    def build(wb: Workbook) -> None:
        if epoch is not None:
            wb.epoch = epoch
        ws = wb.active
        ws.title = "Data"
        ws.append(["alpha", "beta", dt.datetime(2024, 5, 1), dt.timedelta(hours=30)])
        ws["C1"].number_format = "yyyy-mm-dd"
        ws["D1"].number_format = "[h]:mm:ss"

    return xlsx_bytes(build)


def with_sheet(sheet_data: str, *, epoch: dt.datetime | None = None, xml: str | None = None):
    """The base workbook with sheet1's XML replaced (``xml``, or ``sheet_data`` wrapped),
    and shared strings 0 = "alpha", 1 = "beta"."""
    src = zipfile.ZipFile(io.BytesIO(base_book(epoch)))
    styles = src.read("xl/styles.xml").decode()
    assert styles.count("<xf ") >= 3  # default, date and duration styles exist
    body = xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == SHEET:
                content = body.encode()
            elif info.filename == "[Content_Types].xml":  # openpyxl writes no shared strings
                content = content.replace(b"</Types>", STRINGS_TYPE + b"</Types>")
            dst.writestr(info.filename, content)
        dst.writestr("xl/sharedStrings.xml", STRINGS)
    return out.getvalue()


STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
STRINGS = (
    f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>alpha</t></si><si><t>beta</t></si></sst>'
).encode()


def style_ids(data: bytes) -> tuple[str, str]:
    """The style ids openpyxl gave the date and the duration in base_book."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read(SHEET).decode()
    date = sheet.split('r="C1"')[1].split('s="')[1].split('"')[0]
    duration = sheet.split('r="D1"')[1].split('s="')[1].split('"')[0]
    return date, duration


DATE, DURATION = style_ids(base_book())

CASES = {
    "numbers and shared strings": '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1"><v>5</v>'
    '</c><c r="C1"><v>5.0</v></c><c r="D1"><v>1E3</v></c><c r="E1"><v>-0.25e-2</v></c></row>',
    "missing rows and cells": '<row r="2"><c r="B2"><v>1</v></c><c r="E2"><v>2</v></c></row>'
    '<row r="5"><c r="A5"><v>3</v></c></row><row><c><v>4</v></c><c><v>5</v></c></row>',
    "cells out of order": '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>'
    '<row r="2"><c r="B2"><v>2</v></c><c r="D2"><v>4</v></c><c r="C2"><v>3</v></c></row>',
    "rows out of order and repeated": '<row r="3"><c r="A3"><v>3</v></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>9</v></c></row>'
    '<row><c r="A4"><v>4</v></c></row>',
    "row numbers written as floats, and row 0": '<row r="0"><c><v>0</v></c></row>'
    '<row r="2.0"><c><v>2</v></c></row>',
    "bad row number": '<row r="2.5"><c><v>2</v></c></row>',
    "every cell type": '<row r="1"><c t="b"><v>1</v></c><c t="b"><v>0</v></c>'
    '<c t="e"><v>#DIV/0!</v></c><c t="str"><v>text</v></c><c t="d"><v>2024-03-01T10:30:00</v>'
    '</c><c t="inlineStr"><is><t>inline</t></is></c><c t="inlineStr"><is/></c>'
    '<c t="inlineStr"><is><t/></is></c><c t="inlineStr"/><c t="inlineStr"><v>7</v></c>'
    '<c t=""><v>8</v></c><c t="odd"><v>9</v></c><c t="n"><v/></c><c><v></v></c></row>',
    "dates, durations and out-of-range serials": f'<row r="1"><c s="{DATE}"><v>45000</v></c>'
    f'<c s="{DATE}"><v>45000.75</v></c><c s="{DURATION}"><v>1.25</v></c>'
    f'<c s="{DATE}"><v>99999999999</v></c><c s="{DATE}" t="str"><v>45000</v></c>'
    f'<c s="{DATE}"/><c s=""><v>1</v></c></row>',
    "cached formula results": '<row r="1"><c r="A1"><f>1+2</f><v>3</v></c>'
    '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="C1"><f>NOW()</f></c>'
    '<c r="D1"><v>1</v><v>2</v></c></row>',
    "text with entities, CDATA and comments": '<row r="1"><c t="str"><v>AT&amp;T &#233;</v></c>'
    '<c t="str"><v><![CDATA[a<b]]></v></c><c><v>1<!-- note -->2</v></c>'
    '<c t="inlineStr"><is><t xml:space="preserve">  spaced  </t></is></c></row>',
    "other children of a row count as cells": '<row r="1"><c><v>1</v></c><extLst/>'
    "<c><v>3</v></c></row>",
    "coordinate spellings": '<row r="1"><c r="b1"><v>2</v></c><c r="AA1"><v>27</v></c>'
    '<c r="AAA1"><v>703</v></c></row>',
    "absolute coordinate": '<row r="1"><c r="$A$1"><v>1</v></c></row>',
    "coordinate without a row": '<row r="1"><c r="A"><v>1</v></c></row>',
    "bad style id": '<row r="1"><c s="x"><v>1</v></c></row>',
    "bad number": '<row r="1"><c><v>12abc</v></c></row>',
    "bad shared string index": '<row r="1"><c t="s"><v>99</v></c></row>',
    "bad boolean": '<row r="1"><c t="b"><v>yes</v></c></row>',
    "negative shared string index": '<row r="1"><c t="s"><v>-1</v></c></row>',
    "unclosed element": '<row r="1"><c><v>1</v></c>',
}


FAILING = {
    "bad row number", "absolute coordinate", "coordinate without a row", "bad style id",
    "bad number", "bad shared string index", "bad boolean", "unclosed element",
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_hand_written_sheet_reads_as_openpyxl_reads_it(case: str) -> None:
    reference, ours = both_readers(with_sheet(CASES[case]))["Data"]
    assert ours == reference
    assert (reference == "fails") == (case in FAILING)


def test_pretty_printed_and_prefixed_xml() -> None:
    xml = (
        f'<?xml version="1.0"?>\n<x:worksheet xmlns:x="{MAIN}">\n  <x:sheetData>\n'
        '    <x:row r="1">\n      <x:c r="A1" t="s">\n        <x:v>0</x:v>\n      </x:c>\n'
        '      <x:c r="B1">\n        <x:v> 12 </x:v>\n      </x:c>\n    </x:row>\n'
        "  </x:sheetData>\n</x:worksheet>\n"
    )
    reference, ours = both_readers(with_sheet("", xml=xml))["Data"]
    assert ours == reference == [(("str", "alpha"), ("int", 12))]


def test_another_namespace_has_no_rows() -> None:
    xml = '<worksheet xmlns="urn:o"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>'
    assert both_readers(with_sheet("", xml=xml))["Data"] == ([], [])


def test_1904_workbook_dates() -> None:
    data = with_sheet(f'<row r="1"><c s="{DATE}"><v>1</v></c></row>', epoch=CALENDAR_MAC_1904)
    reference, ours = both_readers(data)["Data"]
    assert ours == reference == [(("datetime", dt.datetime(1904, 1, 2)),)]


def test_typical_rows_have_the_expected_values() -> None:
    """Not only equal to openpyxl: right (so a shared openpyxl bug would still show)."""
    dates = CASES["dates, durations and out-of-range serials"].replace('r="1"', 'r="2"')
    data = with_sheet(CASES["every cell type"] + dates)
    reference, ours = both_readers(data)["Data"]
    assert ours == reference
    first, second = ours
    assert [v for _, v in first[:9]] == [
        True, False, "#DIV/0!", "text", dt.datetime(2024, 3, 1, 10, 30), "inline", "", "", None,
    ]  # fmt: skip
    assert second[:4] == (
        ("datetime", dt.datetime(2023, 3, 15)),
        ("datetime", dt.datetime(2023, 3, 15, 18)),
        ("timedelta", dt.timedelta(hours=30)),
        ("str", "#VALUE!"),
    )


UNUSUAL = {
    "rich inline string": '<row r="1"><c t="inlineStr"><is><r><rPr><b/></rPr><t>bo</t></r>'
    "<r><t>ld</t></r></is></c><c><v>2</v></c></row>",
    "inline string with phonetics": '<row r="1"><c t="inlineStr"><is><t>a</t><rPh sb="0" eb="1">'
    "<t>b</t></rPh></is></c></row>",
    "markup inside a value": '<row r="1"><c><v>1<b/>2</v></c></row>',
    "a row inside a row": '<row r="1"><c><v>1</v></c><row r="2"><c><v>2</v></c></row></row>',
}


@pytest.mark.parametrize("sheet_data", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_shapes_are_left_to_openpyxl(sheet_data: str) -> None:
    data = with_sheet(sheet_data)
    with pytest.raises(Unusual):
        both_readers(data)
    book = XlsxBook(data, Limits())
    ws = book.sheets["Data"]
    ws.reset_dimensions()
    expected = _collect(ws.iter_rows(values_only=True), CellBudget(1000))
    assert expected and book.rows("Data", CellBudget(1000)) == expected


def test_rich_inline_text_reads_as_its_plain_text() -> None:
    book = XlsxBook(with_sheet(UNUSUAL["rich inline string"]), Limits())
    assert book.rows("Data", CellBudget(1000)) == [("bold", 2)]


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY big "0123456789">]>',
        '<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>',
        '<!DOCTYPE x [<!ENTITY pic SYSTEM "pic.png" NDATA png>]>',
    ],
    ids=["internal entity", "external entity", "parameter entity", "unparsed entity"],
)
def test_entity_declarations_are_refused(doctype: str) -> None:
    xml = (
        f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c t="str"><v>ok</v></c></row></sheetData></worksheet>'
    )
    book = XlsxBook(with_sheet("", xml=xml), Limits())
    with pytest.raises(IntakeError) as err:
        book.rows("Data", CellBudget(1000))
    assert err.value.code == "unsafe"


def test_a_plain_doctype_is_allowed_as_defusedxml_allows_it() -> None:
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet><worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c t="str"><v>ok</v></c></row></sheetData></worksheet>'
    )
    reference, ours = both_readers(with_sheet("", xml=xml))["Data"]
    assert ours == reference == [(("str", "ok"),)]


def test_a_row_wider_than_a_spreadsheet_is_refused_before_it_fills_memory() -> None:
    cells = "<c/>" * 20_000  # no coordinates: each one is the next column
    book = XlsxBook(with_sheet(f'<row r="1">{cells}</row>'), Limits())
    with pytest.raises(IntakeError) as err:
        book.rows("Data", CellBudget(5_000_000))
    assert err.value.code == "too_large"
