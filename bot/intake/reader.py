"""``read_dataset``: bytes of a shared file → Dataset (every table-like sheet, one active)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from bot.intake import errors as msg
from bot.intake.book import Book, CellBudget
from bot.intake.csv_reader import read_rows
from bot.intake.detect import Detected, detect, transpose
from bot.intake.errors import IntakeError
from bot.intake.limits import Limits
from bot.intake.sniff import sniff
from bot.intake.types import make_column, serial_dates
from bot.table import Column, ColumnType, Dataset, Table

MAX_SHEETS_READ = 50  # a workbook with 1,024 sheets is not scanned to the end
DEFAULT_LIMITS = Limits()


def read_dataset(
    file_id: str, filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS
) -> Dataset:
    """Parse a spreadsheet; raise IntakeError with a user-facing message when we can't."""
    with _no_gc():
        kind = sniff(data, filename, limits)
        if kind == "csv":
            return _read_csv(file_id, filename, data, limits)
        book = Book(data, kind, limits)
        try:
            return _read_book(file_id, filename, data, book, limits)
        finally:
            book.close()


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of freshly kept cell values make the cyclic GC rescan them again and again;
    parsing creates no reference cycles worth collecting, so pause it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_csv(file_id: str, filename: str, data: bytes, limits: Limits) -> Dataset:
    rows = read_rows(data, limits.max_cells)
    sheet = PurePosixPath(filename.replace("\\", "/")).stem or "Sheet1"
    det = detect(rows) if rows else None
    if det is None or not det.columns:
        raise _nothing_found(bool(rows), det is not None)
    table = build_table(sheet, det, {})
    if not is_table_like(table):
        raise _nothing_found(True, False)
    return Dataset(file_id, filename, len(data), {sheet: table}, sheet, [sheet])


def _read_book(file_id: str, filename: str, data: bytes, book: Book, limits: Limits) -> Dataset:
    budget = CellBudget(limits.max_cells)
    notes: list[str] = []
    visible = [n for n in book.sheet_names if n not in book.hidden]
    hidden = [n for n in book.sheet_names if n in book.hidden]
    tables: dict[str, Table] = {}
    pivots: set[str] = set()
    saw_rows = saw_header = False

    def scan(names: list[str]) -> None:
        nonlocal saw_rows, saw_header
        for name in names:
            rows = book.rows(name, budget)
            if not rows:
                continue
            saw_rows = True
            det = detect(rows)
            del rows
            if det is None or not det.columns:
                saw_header |= det is not None
                continue
            formats = book.formats(name, det.first_data_row, det.columns)
            table = build_table(name, det, formats)
            counted = book.scan(name)
            if counted.errors:
                table.notes.insert(0, _errors(counted.errors))
            if counted.uncalculated:
                table.notes.insert(0, _uncalculated(counted.uncalculated))
            if not is_table_like(table):
                continue
            tables[name] = table
            if det.pivot:
                pivots.add(name)

    scan(visible[:MAX_SHEETS_READ])
    if len(visible) > MAX_SHEETS_READ:
        notes.append(f"read only the first {MAX_SHEETS_READ} of {len(visible)} sheets")
    shown = list(tables)
    scan(hidden[: max(0, MAX_SHEETS_READ - len(visible))])  # read, but used only when named
    if not tables:
        raise _nothing_found(saw_rows, saw_header)
    if not shown:
        notes.append("the data is on hidden sheets: " + ", ".join(tables))
    elif hidden:
        notes.append("hidden sheets, used only if you name one: " + ", ".join(hidden))
    active = max(shown or tables, key=lambda n: _table_score(tables[n], n in pivots))
    return Dataset(
        file_id, filename, len(data), tables, active, book.sheet_names, notes, hidden=hidden
    )


def _uncalculated(n: int) -> str:
    cells = "1 formula cell was" if n == 1 else f"{n:,} formula cells were"
    empty = "it is" if n == 1 else "they are"
    return (
        f"{cells} saved without results, so {empty} empty here: open and save the file in "
        "Excel or LibreOffice, then share it again"
    )


def _errors(n: int) -> str:
    cells = "1 cell holds" if n == 1 else f"{n:,} cells hold"
    return f"{cells} an Excel error (such as #DIV/0! or #N/A), left out of the charts"


def is_table_like(table: Table) -> bool:
    """Prose is not a table, nor is a form full of zeros: with several rows, some mostly
    filled column must vary."""
    if all(c.type is ColumnType.TEXT for c in table.columns) and table.row_count < 2:
        return False
    if table.row_count < 3:
        return True
    for col in table.columns:
        if col.missing * 2 > table.row_count:
            continue
        distinct = set()
        for v in col.values:
            if v is not None:
                distinct.add(v)
                if len(distinct) > 1:
                    return True
    return False


def _nothing_found(saw_rows: bool, saw_header: bool) -> IntakeError:
    if not saw_rows:
        return IntakeError("empty", msg.NO_DATA, "no non-empty rows")
    if saw_header:
        return IntakeError("empty", msg.NO_DATA, "header without data rows")
    return IntakeError("no_table", msg.NO_TABLE, "no header and data block")


def _table_score(table: Table, pivot: bool) -> tuple[bool, bool, int]:
    """Most table-like first: not a pivot report, has a measure, then size (rows × columns)."""
    numeric = any(c.type is ColumnType.NUMBER for c in table.columns)
    return (not pivot, numeric, min(table.row_count, 10_000) * len(table.columns))


def build_table(sheet: str, det: Detected, formats: dict[int, str]) -> Table:
    notes = list(det.notes)
    by_position = det.by_column
    if by_position is None:
        by_position = transpose(det.rows)
    width = len(by_position)
    columns: list[Column] = []
    for name, c in zip(det.names, det.columns, strict=True):
        column = by_position[c] if c < width else [None] * len(det.rows)
        values = column if type(column) is list else list(column)
        col, col_notes = make_column(name, values, formats.get(c), det.types.get(c))
        col, serial_notes = serial_dates(col)
        columns.append(col)
        notes.extend(col_notes + serial_notes)
    return Table(sheet, columns, notes)
