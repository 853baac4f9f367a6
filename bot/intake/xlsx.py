"""Open an .xlsx/.xlsm with openpyxl (read-only, cached values only) and hand out sheet rows.

Cell values come from sheet_xml (openpyxl's rules, several times faster); a sheet it leaves
alone is read by openpyxl itself.

openpyxl never runs macros; with defusedxml installed it refuses DTD/entity tricks. A few
repairs make files readable that Excel opens but openpyxl refuses: zip member names with
backslashes, Strict Open XML namespaces, and stylesheets openpyxl is too strict about.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from bot.intake import errors as msg
from bot.intake.errors import IntakeError
from bot.intake.limits import Limits
from bot.intake.sheet_xml import Counts, RowTooWide, Unusual, iter_values
from bot.intake.sniff import check_zip_limits

MAX_EMPTY_RUN = 1000  # this many empty rows in a row end a sheet (absurd dimension records)
MAX_COLUMNS = 1024  # cells further right are not read
FORMAT_SAMPLE_ROWS = 50

_STRICT_NS = [
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main",
     b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
     b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
    (b"http://purl.oclc.org/ooxml/drawingml/", b"http://schemas.openxmlformats.org/drawingml/2006/"),
]  # fmt: skip


class CellBudget:
    """Counts real cells across a workbook; refuses the file once the limit is passed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def refuse(self) -> IntakeError:
        return IntakeError(
            "too_large", msg.TOO_MANY_CELLS.format(limit=self.limit), f"{self.used} cells"
        )


class XlsxBook:
    """An open workbook: worksheet names, visibility, rows and column number formats."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self.notes: list[str] = []
        self.limits = limits
        self.wb = _open(data, limits, self.notes)
        self.sheets = {ws.title: ws for ws in self.wb.worksheets}
        self.hidden = {ws.title for ws in self.wb.worksheets if ws.sheet_state != "visible"}
        self.chartsheets = [cs.title for cs in self.wb.chartsheets]
        self.uncalculated: dict[str, int] = {}  # sheet → formula cells saved without a result

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def rows(self, name: str, budget: CellBudget) -> list[tuple]:
        """The sheet's rows, trailing empty cells and rows dropped; counted against budget."""
        ws = self.sheets[name]
        ws.reset_dimensions()  # never trust the declared <dimension>
        with warnings.catch_warnings(), _reading_errors():
            warnings.simplefilter("ignore")
            counts = Counts()
            try:
                return _collect(iter_values(ws, counts), budget)
            except Unusual:
                return _collect(ws.iter_rows(values_only=True), budget)
            except RowTooWide:
                raise budget.refuse() from None
            finally:
                self.uncalculated[name] = counts.uncalculated

    def formats(self, name: str, first_row: int, columns: list[int]) -> dict[int, str]:
        """The most common number format of numeric cells per column, from a sample of rows."""
        ws = self.sheets[name]
        seen: dict[int, Counter[str]] = {c: Counter() for c in columns}
        wanted = set(columns)
        last = first_row + FORMAT_SAMPLE_ROWS - 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for row in ws.iter_rows(min_row=first_row, max_row=last):
                    for c, cell in enumerate(row[: max(columns) + 1] if columns else ()):
                        if c in wanted and type(cell.value) in (int, float):
                            seen[c][cell.number_format or "General"] += 1
        except (IndexError, KeyError, AttributeError, TypeError):
            return {}  # styles dropped during repair: formats unknown
        return {c: cnt.most_common(1)[0][0] for c, cnt in seen.items() if cnt}

    def close(self) -> None:
        self.wb.close()


def _collect(values: Iterable, budget: CellBudget) -> list[tuple]:
    rows: list[tuple] = []
    append = rows.append
    used, limit = budget.used, budget.limit
    empty_run = 0
    for row in values:
        n = len(row)
        while n and row[n - 1] is None:
            n -= 1
        if not n:
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break
            append(())
            continue
        empty_run = 0
        if n > MAX_COLUMNS:
            n = MAX_COLUMNS
        used += n
        if used > limit:
            budget.used = used
            raise budget.refuse()
        append(row if n == len(row) else row[:n])
    budget.used = used
    while rows and not rows[-1]:
        rows.pop()
    return rows


@contextmanager
def _reading_errors() -> Iterator[None]:
    """Sheet XML is parsed lazily: map its failures to refusals too."""
    try:
        yield
    except IntakeError:
        raise
    except Exception as exc:
        if _unsafe(exc):
            raise IntakeError("unsafe", msg.UNSAFE, repr(exc)) from None
        raise IntakeError("corrupt", msg.CORRUPT, f"sheet: {exc!r}") from None


def _open(data: bytes, limits: Limits, notes: list[str]) -> Workbook:
    if _has_backslash_names(data):
        data = _rewrite(data, limits, rename=lambda n: n.replace("\\", "/"))
    try:
        wb = _load(data)
    except IntakeError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on odd files; retry without styles
        if _unsafe(exc):
            raise IntakeError("unsafe", msg.UNSAFE, repr(exc)) from None
        try:
            wb = _load(_rewrite(data, limits, drop={"xl/styles.xml"}))
        except Exception as exc2:
            if _unsafe(exc2):
                raise IntakeError("unsafe", msg.UNSAFE, repr(exc2)) from None
            if _only_chartsheets(data):
                raise IntakeError("chart_only", msg.CHART_ONLY) from None
            raise IntakeError("corrupt", msg.CORRUPT, repr(exc)) from None
        notes.append("couldn't read the file's cell formatting, so dates may show as numbers")
    if not wb.worksheets and _is_strict(data):
        wb.close()
        try:
            wb = _load(_rewrite(data, limits, transform=_unstrict))
        except Exception as exc:
            raise IntakeError("strict", msg.STRICT, repr(exc)) from None
        if not wb.worksheets:
            raise IntakeError("strict", msg.STRICT, "no sheets after namespace rewrite")
    if not wb.worksheets:
        if wb.chartsheets:
            raise IntakeError("chart_only", msg.CHART_ONLY)
        raise IntakeError("empty", msg.NO_SHEETS, "workbook without sheets")
    return wb


def _load(data: bytes) -> Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = _Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read()
        return reader.wb


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """openpyxl reads a sheet up to its <dimension> on opening (the whole sheet when there
        is none); rows() ignores the record anyway, so skip it."""


class _Reader(ExcelReader):
    """openpyxl's read-only ``load_workbook``, with sheets that open without a scan."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _unsafe(exc: BaseException | None) -> bool:
    """defusedxml's refusals (or expat's amplification limit), possibly wrapped by openpyxl."""
    for _ in range(5):
        if exc is None:
            return False
        name = type(exc).__name__
        if name in {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
            return True
        if "amplification" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _has_backslash_names(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any("\\" in n for n in zf.namelist())
    except zipfile.BadZipFile:
        return False


def _only_chartsheets(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return False
    has = lambda part: any(n.startswith(f"xl/{part}/") for n in names)  # noqa: E731
    return has("chartsheets") and not has("worksheets")


def _is_strict(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("xl/workbook.xml") as fh:
            return b"purl.oclc.org/ooxml" in fh.read(4096)
    except (KeyError, zipfile.BadZipFile, OSError):
        return False


def _unstrict(name: str, content: bytes) -> bytes:
    if not name.endswith((".xml", ".rels")):
        return content
    for old, new in _STRICT_NS:
        content = content.replace(old, new)
    return re.sub(rb'\sconformance="strict"', b"", content)


def _rewrite(
    data: bytes,
    limits: Limits,
    *,
    rename: Callable[[str], str] = lambda n: n,
    drop: set[str] | frozenset[str] = frozenset(),
    transform: Callable[[str, bytes], bytes] | None = None,
) -> bytes:
    """Copy a zip with member names fixed, parts dropped or contents transformed."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            infos = src.infolist()
            check_zip_limits(infos, limits)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
                for info in infos:
                    name = rename(info.filename)
                    if name in drop or info.is_dir():
                        continue
                    content: Any = src.read(info)
                    if transform is not None:
                        content = transform(name, content)
                    dst.writestr(name, content)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise IntakeError("corrupt", msg.CORRUPT, f"zip rewrite: {exc}") from None
    return out.getvalue()
