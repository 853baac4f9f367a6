"""Open a workbook (.xlsx/.xlsm, .xlsb, .ods) with calamine and hand out sheet rows.

calamine (Rust, through python-calamine) reads the cells: values only, macros never run. Before
it reads an .xlsx sheet, the sheet scan measures the rectangle calamine would allocate and counts
what calamine reads as empty (error cells, formulas saved without a result); the first rows'
number formats come from that scan too. .xlsb and .ods have no such scan: their cells are read
as they are, without formats.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import compress, repeat
from operator import contains
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from bot.intake import errors as msg
from bot.intake.errors import IntakeError
from bot.intake.limits import Limits
from bot.intake.package import member_names, refuse_dtds, sheet_parts, style_formats
from bot.intake.sheet_scan import SheetScan, scan_sheet, sheet_formats

MAX_EMPTY_RUN = 1000  # this many empty rows in a row end a sheet (absurd dimension records)
MAX_COLUMNS = 1024  # cells further right are not read


class CellBudget:
    """Counts real cells across a workbook; refuses the file once the limit is passed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def refuse(self) -> IntakeError:
        return IntakeError(
            "too_large", msg.TOO_MANY_CELLS.format(limit=self.limit), f"{self.used} cells"
        )


class Book:
    """An open workbook: worksheet names, visibility, rows and column number formats."""

    def __init__(self, data: bytes, kind: str, limits: Limits) -> None:
        self.kind = kind  # "xlsx" (also .xlsm), "xlsb" or "ods"
        self.limits = limits
        self._scans: dict[str, SheetScan] = {}  # sheet → what its scan saw (.xlsx only)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            refuse_dtds(self._zip)
            names = member_names(self._zip)
            self._parts = sheet_parts(self._zip, names) if kind == "xlsx" else {}
            self._styles = style_formats(self._zip, names) if kind == "xlsx" else []
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise IntakeError("corrupt", self._corrupt(), f"zip: {exc!r}") from None
        try:
            self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = self._wb.sheets_metadata
        except Exception as exc:  # calamine's errors carry no codes worth telling apart
            raise IntakeError("corrupt", self._corrupt(), f"calamine: {exc!r}") from None
        work = [s for s in sheets if s.typ == SheetTypeEnum.WorkSheet]
        if not work:
            if any(s.typ == SheetTypeEnum.ChartSheet for s in sheets):
                raise IntakeError("chart_only", msg.CHART_ONLY)
            if kind == "ods":
                raise IntakeError("empty", msg.ODS_EMPTY, "no sheets")
            raise IntakeError("empty", msg.NO_SHEETS, "workbook without sheets")
        self.sheet_names = [s.name for s in work]
        self.hidden = {s.name for s in work if s.visible != SheetVisibleEnum.Visible}

    def _corrupt(self) -> str:
        return msg.ODS_EMPTY if self.kind == "ods" else msg.CORRUPT

    def rows(self, name: str, budget: CellBudget) -> list[list[Any]]:
        """The sheet's rows, empty cells as None, trailing empty cells and rows dropped;
        counted against budget."""
        with _reading_errors():
            part = self._parts.get(name)
            if part is not None:
                scan = scan_sheet(self._zip, part, budget.limit - budget.used)
                self._scans[name] = scan
                if scan.area > budget.limit - budget.used:
                    budget.used += scan.area
                    raise budget.refuse()
            cells = self._wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return _collect(cells, budget)

    def scan(self, name: str) -> SheetScan:
        """What the sheet scan of a sheet already read counted (error cells, formulas saved
        without a result); nothing for sheets without a scan (.xlsb, .ods)."""
        return self._scans.get(name) or SheetScan()

    def formats(self, name: str, first_row: int, columns: list[int]) -> dict[int, str]:
        """The most common number format of numeric cells per column, from the first rows."""
        scan = self._scans.get(name)
        if scan is None or not self._styles:
            return {}
        return sheet_formats(scan.head, first_row, columns, self._styles)

    def close(self) -> None:
        self._wb.close()
        self._zip.close()


def _collect(cells: list[list[Any]], budget: CellBudget) -> list[list[Any]]:
    """calamine's rows (a dense rectangle from A1) with empty cells as None; rows of nothing
    stay as rows of None, so every row keeps the sheet's width. Only the rows holding an empty
    cell are visited in Python (``"" in row`` picks them in C)."""
    width = len(cells[0]) if cells else 0
    used = budget.used + len(cells) * min(width, MAX_COLUMNS)
    if used > budget.limit:
        budget.used = used
        raise budget.refuse()
    budget.used = used
    empty_run = 0
    previous = -1
    # calamine's empty cell (and error cells, and formulas without results) is ""
    for i in compress(range(len(cells)), map(contains, cells, repeat(""))):
        row = cells[i] = [None if v == "" else v for v in cells[i]]
        if row[0] is None and row.count(None) == width:
            empty_run = empty_run + 1 if i == previous + 1 else 1
            previous = i
            if empty_run > MAX_EMPTY_RUN:
                del cells[i:]
                break
    if width > MAX_COLUMNS:
        cells[:] = [row[:MAX_COLUMNS] for row in cells]
    return cells


@contextmanager
def _reading_errors() -> Iterator[None]:
    """A sheet that fails while it is read is a damaged file."""
    try:
        yield
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError("corrupt", msg.CORRUPT, f"sheet: {exc!r}") from None
