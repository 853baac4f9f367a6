"""Cell typing: numbers written as text, Excel number formats, tolerated placeholders."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.intake.detect import clean_name, unique_names
from bot.intake.types import format_hints, make_column, parse_number_text, serial_dates
from bot.table import ColumnType


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", (1234, "", "")),
        ("1,234", (1234, "", "")),
        ("1,234.50", (1234.5, "", "")),
        ("1.234,5", (1234.5, "", "")),
        ("3,5", (3.5, "", "")),
        ("1 234 567", (1234567, "", "")),
        ("$1,200", (1200, "$", "")),
        ("-$5", (-5, "$", "")),
        ("(1,000)", (-1000, "", "")),
        ("12%", (12, "", "%")),
        ("3,5 %", (3.5, "", "%")),
        ("12 €", (12, "", "€")),
        ("€12.50", (12.5, "€", "")),
    ],
)
def test_numbers_written_as_text(text: str, expected: tuple) -> None:
    assert parse_number_text(text) == expected


@pytest.mark.parametrize("text", ["007", "S2-77896", "5-7", "Q1", "1.2.3.4", "=1+1", "12 apples"])
def test_text_that_is_not_a_number(text: str) -> None:
    assert parse_number_text(text) is None


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("General", ("", "", None, False)),
        ("0", ("", "", 0, False)),
        ("#,##0.00", ("", "", 2, False)),
        ("0%", ("", "%", 0, True)),
        ("0.00%", ("", "%", 2, True)),
        ('"$"#,##0.00', ("$", "", 2, False)),
        ("\\$#,##0", ("$", "", 0, False)),
        ("[$€-407] #,##0.00", ("€", "", 2, False)),
        ('#,##0.00 "€"', ("", " €", 2, False)),
        ("$#,##0_);($#,##0)", ("$", "", 0, False)),
    ],
)
def test_excel_number_formats(fmt: str, expected: tuple) -> None:
    assert format_hints(fmt) == expected


def test_number_column_tolerates_blanks_and_placeholders() -> None:
    col, _ = make_column("Sales", [1, "n/a", None, 2.5, "#DIV/0!", "-"])
    assert col.type is ColumnType.NUMBER
    assert col.values == [1, None, None, 2.5, None, None]
    assert col.missing == 4


def test_whole_floats_become_ints() -> None:
    col, _ = make_column("year", [1952.0, 1957.0, None])
    assert col.values == [1952, 1957, None]
    assert all(type(v) is int for v in col.values if v is not None)


def test_one_real_word_makes_a_column_text() -> None:
    col, _ = make_column("Due", [1, 2, "TBD"])
    assert col.type is ColumnType.TEXT
    assert col.values == ["1", "2", "TBD"]


def test_text_iso_dates_become_dates_with_a_note() -> None:
    col, notes = make_column("date", ["2015-11-17 05:58:34", "2016-02-13 04:04:11"])
    assert col.type is ColumnType.DATE
    assert col.values[0] == dt.datetime(2015, 11, 17, 5, 58, 34)
    assert notes == ["read the text in date as dates"]


def test_serial_numbers_in_a_date_column_become_dates() -> None:
    col, _ = make_column("Fecha", [44644.9461155324, 45127.4437103125])
    col, notes = serial_dates(col)
    assert col.type is ColumnType.DATE
    assert col.values[0].date() == dt.date(2022, 3, 24)
    assert notes


def test_serial_conversion_needs_a_date_like_name() -> None:
    col, _ = make_column("Update count", [44644, 45127])
    assert serial_dates(col)[0].type is ColumnType.NUMBER


def test_text_booleans() -> None:
    col, _ = make_column("Paid", ["TRUE", "false", None, True])
    assert col.type is ColumnType.BOOL
    assert col.values == [True, False, None, True]


def test_header_names_are_cleaned_and_unique() -> None:
    assert clean_name("Ben \nAshley") == "Ben Ashley"
    assert clean_name(2008.0) == "2008"
    assert clean_name(dt.datetime(2024, 1, 1)) == "2024-01-01"
    assert unique_names(["Revenue", "revenue", "", "Column 3"]) == [
        "Revenue",
        "revenue (2)",
        "Column 3",
        "Column 3 (2)",
    ]


def test_text_column_keeps_numbers_written_as_text_verbatim() -> None:
    col, _ = make_column("Code", ["12", " 0 ", "A7", None, "n/a"])
    assert col.type is ColumnType.TEXT
    assert col.values == ["12", "0", "A7", None, "n/a"]


def test_repeated_categories_and_text_dates_at_scale() -> None:
    col, _ = make_column("Region", ["North", "South", None] * 20_000)
    assert col.type is ColumnType.TEXT and col.missing == 20_000
    col, _ = make_column("day", ["2024-01-01", "2024-01-02"] * 20_000)
    assert col.type is ColumnType.DATE and col.values[1] == dt.date(2024, 1, 2)
