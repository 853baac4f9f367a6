"""Sheet rows straight from the worksheet XML: openpyxl's values at a fraction of its cost.

openpyxl's read-only reader builds an ElementTree element per cell through a pure-Python parser
wrapper (defusedxml's), then reads it back. Here expat calls two small handlers per element,
and text is collected by ``list.append`` in C. The rules per cell are openpyxl's own, with its
helpers for numbers, shared strings, date styles and the epoch, so ``iter_values`` yields what
``ReadOnlyWorksheet.iter_rows(values_only=True)`` yields after ``reset_dimensions()``, row for
row and type for type. tests/intake/test_sheet_xml.py holds it to that on every corpus sheet.

Shapes outside those rules (rich-text inline strings, a row inside a row, markup inside
``<v>``) raise ``Unusual``, and the caller reads that sheet with openpyxl instead. Entity
declarations and external references are refused as defusedxml refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.utils import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

CHUNK = 1 << 16
MAX_CACHED_WIDTH = 256
MAX_CACHED_DATES = 4096
MAX_ROW_CELLS = 16_384  # Excel's last column is XFD
_ROW = SHEET_MAIN_NS + "}row"  # expat's names: "uri}local" with this separator
_V = SHEET_MAIN_NS + "}v"
_IS = SHEET_MAIN_NS + "}is"
_T = SHEET_MAIN_NS + "}t"
_F = SHEET_MAIN_NS + "}f"
NO_IS, NO_T = -2, -1
_DIGITS = "0123456789"


class Unusual(Exception):
    """The sheet's XML has a shape this reader leaves to openpyxl."""


class RowTooWide(Exception):
    """A row holds more cells than a spreadsheet can (a crafted file): refused before its cells
    fill memory."""


@dataclass
class Counts:
    """What a read noticed on the way: formulas saved without their results."""

    uncalculated: int = 0  # cells with a formula and no cached value


def iter_values(ws: ReadOnlyWorksheet, counts: Counts | None = None) -> Iterator[tuple | list]:
    """Rows of cell values, as openpyxl's read-only ``iter_rows(values_only=True)`` gives them
    (missing rows as ``[]``, each row as wide as its last cell)."""
    wb = ws.parent
    with ws._get_source() as src:
        yield from _rows(
            src, ws._shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats,
            counts or Counts(),
        )  # fmt: skip


def _rows(
    src: IO[bytes], strings: list, epoch: Any, date_styles: Any, delta_styles: Any, counts: Counts
) -> Iterator[tuple | list]:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external

    text: list[str] = []  # the open row's character data; handlers keep offsets into it
    parser.CharacterDataHandler = text.append
    done: list[tuple[int, list[int], list]] = []  # finished rows: (number, columns, values)
    columns: dict[str, int] = {}  # "AB" → 28, learnt from openpyxl's own parser
    dates: dict[tuple[float, bool], Any] = {}  # a date column repeats its days

    in_row = False
    level = 0  # depth below the open row: 1 for its cells, 2 for their children
    row_number = column = 0
    cols: list[int] = []
    vals: list = []
    kind: str = "n"
    style: Any = 0
    coord: str | None = None
    v_open = t_open = is_open = formula = False
    v_start = v_end = -1  # the cell's first <v>: its text is text[v_start:v_end]; -1: none
    t_start = t_end = NO_IS  # the first <is>'s <t>, or NO_IS, or NO_T for an <is> without one

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_row, level, row_number, column, cols, vals, kind, style, coord
        nonlocal v_open, t_open, is_open, v_start, t_start, formula
        if in_row:
            level += 1
            if name == _ROW:
                raise Unusual("a row inside a row")
            if level == 1:  # every child of a row is a cell, as in openpyxl
                kind = attrs.get("t", "n")
                style = attrs.get("s", 0)
                if style:
                    style = int(style)
                coord = attrs.get("r")
                v_start = -1
                t_start = NO_IS
                formula = False
            elif level == 2:
                if name == _F:
                    formula = True
                elif name == _V:
                    if v_start < 0:
                        v_open = True
                        v_start = len(text)
                elif name == _IS and t_start == NO_IS:
                    if attrs:
                        raise Unusual("inline string with attributes")
                    is_open = True
                    t_start = NO_T
            elif v_open:
                raise Unusual("markup inside <v>")
            elif is_open:
                if level != 3 or name != _T or t_start != NO_T:
                    raise Unusual("rich inline string")
                t_open = True
                t_start = len(text)
        elif name == _ROW:
            in_row = True
            level = 0
            r = attrs.get("r")
            if r is None:
                row_number += 1
            else:
                try:
                    row_number = int(r)
                except ValueError:
                    number = float(r)
                    if not number.is_integer():
                        raise ValueError(f"{r} is not a valid row number") from None
                    row_number = int(number)
            column = 0
            cols, vals = [], []
            del text[:]

    def end(name: str) -> None:
        nonlocal in_row, level, column, v_open, t_open, is_open, v_end, t_end
        if not in_row:
            if text:
                del text[:]  # text outside rows is never a value
            return
        if level == 1:
            if coord:
                letters = coord.rstrip(_DIGITS)
                found = columns.get(letters) if len(letters) < len(coord) else None
                if found is None:
                    found = coordinate_to_tuple(coord)[1]
                    if letters.isascii() and letters.isalpha():
                        columns[letters] = found
                column = found
            else:
                column += 1
            cols.append(column)
            cell = value()
            vals.append(cell)
            if formula and cell is None:
                counts.uncalculated += 1
        elif level == 2:
            if v_open:
                v_open = False
                v_end = len(text)
            elif is_open:
                is_open = False
        elif level == 0:
            done.append((row_number, cols, vals))
            in_row = False
            del text[:]
            return
        elif t_open:
            t_open = False
            t_end = len(text)
        level -= 1

    def value() -> Any:
        """The cell's value by openpyxl's WorkSheetParser.parse_cell rules (data_only)."""
        if kind == "inlineStr":
            if t_start == NO_IS:
                return None
            return "" if t_start == NO_T else "".join(text[t_start:t_end])
        if v_start < 0:
            return None
        raw = "".join(text[v_start:v_end])
        if not raw:
            return None
        if kind == "n":
            number = _cast_number(raw)
            if style in date_styles:
                key = (number, style in delta_styles)
                when = dates.get(key)
                if when is None:
                    try:
                        when = from_excel(number, epoch, timedelta=key[1])
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                    if len(dates) >= MAX_CACHED_DATES:
                        dates.clear()
                    dates[key] = when
                return when
            return number
        if kind == "s":
            return strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw

    parser.StartElementHandler = start
    parser.EndElementHandler = end

    counter = 1
    while True:
        chunk = src.read(CHUNK)
        error = None
        try:
            parser.Parse(chunk, not chunk)
        except Exception as exc:  # rows finished before the fault come first, as in openpyxl
            error = exc
        if len(cols) > MAX_ROW_CELLS or any(len(c) > MAX_ROW_CELLS for _, c, _ in done):
            raise RowTooWide(f"a row with over {MAX_ROW_CELLS} cells")
        for number, row_cols, row_vals in done:
            while counter < number:  # rows the file leaves out
                counter += 1
                yield []
            if counter <= number:
                counter += 1
                yield _place(row_cols, row_vals)
        done.clear()
        if error is not None:
            raise error
        if not chunk:
            return


_IN_ORDER: dict[int, list[int]] = {}


def _place(cols: list[int], vals: list) -> tuple:
    """A row as wide as its last cell's column, each value at its column (openpyxl's rule)."""
    if not cols:
        return ()
    width = cols[-1]
    if width == len(cols) and width <= MAX_CACHED_WIDTH:
        in_order = _IN_ORDER.get(width)
        if in_order is None:
            in_order = _IN_ORDER[width] = list(range(1, width + 1))
        if cols == in_order:
            return tuple(vals)
    row = [None] * width
    for c, v in zip(cols, vals, strict=True):
        if 1 <= c <= width:
            row[c - 1] = v
    return tuple(row)


def _refuse_entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _refuse_unparsed_entity(name, base, sysid, pubid, notation_name):
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _refuse_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)
