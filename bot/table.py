"""The typed table a spreadsheet becomes, and the dataset (one shared file) that holds it.

Intake produces these, understanding queries them, storage keeps them as opaque bytes
(``Dataset.to_bytes`` / ``Dataset.from_bytes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from bot.spec import NumberFormat

BLANK = "(blank)"  # the category of a text column's empty cells (as in a pivot table)


class ColumnType(StrEnum):
    NUMBER = "number"
    DATE = "date"  # values are datetime.date or datetime.datetime
    BOOL = "bool"
    TEXT = "text"


@dataclass
class Column:
    name: str
    type: ColumnType
    values: list[Any]  # None marks a missing cell
    number_format: NumberFormat = field(default_factory=NumberFormat)
    missing: int = 0  # blanks and "n/a"-like cells tolerated in a typed column


@dataclass
class Table:
    """One detected table: columns of equal length, header row already consumed."""

    sheet: str
    columns: list[Column]
    notes: list[str] = field(default_factory=list)  # e.g. "ignored the Total row"

    @property
    def row_count(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass
class Dataset:
    """A shared file after intake: its tables by sheet name, and which one is the default."""

    file_id: str
    filename: str
    file_size: int
    tables: dict[str, Table]
    active_sheet: str
    sheet_names: list[str] = field(default_factory=list)  # every sheet, tables or not
    notes: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # sheets charted only when named

    @property
    def table(self) -> Table:
        return self.tables[self.active_sheet]

    def to_bytes(self) -> bytes:
        return orjson.dumps(_dataset_to_json(self))

    @classmethod
    def from_bytes(cls, data: bytes) -> Dataset:
        return _dataset_from_json(orjson.loads(data))


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
    return value


def _dataset_to_json(ds: Dataset) -> dict[str, Any]:
    def col(c: Column) -> dict[str, Any]:
        values = [_encode(v) for v in c.values] if c.type is ColumnType.DATE else c.values
        return {
            "name": c.name,
            "type": str(c.type),
            "values": values,
            "number_format": vars(c.number_format),
            "missing": c.missing,
        }

    return {
        "file_id": ds.file_id,
        "filename": ds.filename,
        "file_size": ds.file_size,
        "active_sheet": ds.active_sheet,
        "sheet_names": ds.sheet_names,
        "notes": ds.notes,
        "hidden": ds.hidden,
        "tables": {
            name: {"sheet": t.sheet, "notes": t.notes, "columns": [col(c) for c in t.columns]}
            for name, t in ds.tables.items()
        },
    }


def _dataset_from_json(data: dict[str, Any]) -> Dataset:
    def col(c: dict[str, Any]) -> Column:
        ctype = ColumnType(c["type"])
        values = [_decode(v) for v in c["values"]] if ctype is ColumnType.DATE else c["values"]
        return Column(c["name"], ctype, values, NumberFormat(**c["number_format"]), c["missing"])

    return Dataset(
        file_id=data["file_id"],
        filename=data["filename"],
        file_size=data["file_size"],
        active_sheet=data["active_sheet"],
        sheet_names=data["sheet_names"],
        notes=data["notes"],
        hidden=data.get("hidden", []),
        tables={
            name: Table(t["sheet"], [col(c) for c in t["columns"]], t["notes"])
            for name, t in data["tables"].items()
        },
    )
