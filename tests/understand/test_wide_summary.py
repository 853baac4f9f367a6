"""A wide sheet's summary names its first dozen columns; "what columns are there?" names all."""

from __future__ import annotations

from bot.table import Column, ColumnType, Dataset, Table
from bot.understand.answers import columns_text, file_summary


def _wide(count: int) -> Dataset:
    columns = [Column("Region", ColumnType.TEXT, ["North", "South"])]
    columns += [Column(f"m{i:03d}", ColumnType.NUMBER, [i, i + 1]) for i in range(count - 1)]
    return Dataset("F1", "wide.xlsx", 100, {"t": Table("t", columns)}, "t")


def test_a_141_column_sheet_is_summarised_by_its_first_dozen_columns() -> None:
    summary = file_summary(_wide(141))
    line = next(s for s in summary.splitlines() if s.startswith("Using *t*"))
    assert line.endswith("m010 (number) and 129 more (ask: what columns are there?)")
    assert "m011" not in summary
    assert "m139 " in columns_text(_wide(141))


def test_a_dozen_columns_are_all_named() -> None:
    line = next(s for s in file_summary(_wide(12)).splitlines() if s.startswith("Using *t*"))
    assert line.endswith("m010 (number)") and "more" not in line
