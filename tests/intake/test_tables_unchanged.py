"""Every corpus file gives the table the openpyxl reader gave (recorded in tests/intake/tables/),
or the change is spelled out here with the reason the new table is right.

A table is compared whole: sheets, notes, every column's name, type, number format, missing
count and values, types included (5 and 5.0 differ in JSON as they do in a chart's labels).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.intake.record_tables import SKIP, fixture_path, snapshot

Snapshot = dict[str, Any]

FORMATTING_LOST = "couldn't read the file's cell formatting, so dates may show as numbers"
ERRORS = "2 cells hold an Excel error (such as #DIV/0! or #N/A), left out of the charts"


def _without_note(note: str) -> Callable[[Snapshot], None]:
    def change(snap: Snapshot) -> None:
        snap["notes"] = [n for n in snap["notes"] if n != note]
        for table in snap["tables"].values():
            table["notes"] = [n for n in table["notes"] if n != note]

    return change


def _errors_left_out(snap: Snapshot) -> None:
    for sheet in ("DataSheet", "DataSheet2"):
        table = snap["tables"][sheet]
        table["notes"].insert(0, ERRORS)
        [misc] = [c for c in table["columns"] if c["name"] == "Misc"]
        assert misc["values"][3] == "#DIV/0!"
        misc["values"][3] = None
        misc["missing"] += 1


def _timesheet(snap: Snapshot) -> None:
    [table] = snap["tables"].values()
    assert table["notes"][0].startswith("194 formula cells were saved without results")
    del table["notes"][0]


# file → (why the new table is right, the change applied to the recorded one)
CHANGED: dict[str, tuple[str, Callable[[Snapshot], None]]] = {
    "bad-phpspreadsheet-empty_fill_in_styles.xlsx": (
        "calamine reads the styles openpyxl refused, so no warning about lost formatting",
        _without_note(FORMATTING_LOST),
    ),
    "bad-phpspreadsheet-invalid_color_in_styles.xlsx": (
        "calamine reads the styles openpyxl refused, so no warning about lost formatting",
        _without_note(FORMATTING_LOST),
    ),
    "bad-phpspreadsheet-16k_columns_timesheet.xlsx": (
        'its 194 formulas are text cells with a cached empty result (t="str", <v/>: '
        'IF(…, "", …)), calculated, so there is nothing to open and save',
        _timesheet,
    ),
    "tricky-calamine-pivot_tables.xlsx": (
        "an error cell (#DIV/0!) in the text column Misc is no longer a category named "
        "'#DIV/0!': error cells are never plotted, and the summary counts them",
        _errors_left_out,
    ),
    "tricky-phpspreadsheet-flexcel_grouped_header_units_row.xlsx": (
        "Fecha has built-in format 58 (a date in East Asian Excel), which calamine reads as "
        "dates: the same values, with no guess from the column's name to announce",
        _without_note("read Fecha as dates (Excel date numbers)"),
    ),
}
# Files the openpyxl reader refused by format and that are now read (test_corpus.py checks
# their tables): PRODUCT.md §3 Files accepts .xlsb and .ods where the reader supports them.
NOW_READ = {
    "fmt-calamine-visible_hidden_chart.xlsb": "xlsb",
    "fmt-phpspreadsheet-pilot_logbook.ods": "ods",
    "bad-roo-ods_named_xlsx.xlsx": "ods",
}


def recorded(name: str) -> Snapshot:
    return orjson.loads(fixture_path(name).read_bytes())


def corpus_names(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if p.name not in SKIP)


def test_every_corpus_file_has_a_recorded_table(corpus: Path) -> None:
    assert all(fixture_path(name).is_file() for name in corpus_names(corpus))
    assert set(CHANGED) | set(NOW_READ) <= set(corpus_names(corpus))


@pytest.mark.parametrize("name", sorted(p.name for p in fixture_path("x").parent.iterdir()))
def test_table_is_the_recorded_one(name: str, corpus: Path) -> None:
    name = name.removesuffix(".json")
    old = recorded(name)
    new = orjson.loads(orjson.dumps(snapshot(corpus / name)))
    if name in NOW_READ:
        assert old == {"refused": NOW_READ[name]}
        assert "tables" in new, new
        return
    expected = copy.deepcopy(old)
    if name in CHANGED:
        reason, change = CHANGED[name]
        change(expected)
        assert expected != old, reason
    assert new == expected
