"""One pass over an .xlsx sheet's XML for what calamine does not tell before or after reading it.

calamine turns a sheet into a dense rectangle from its first to its last cell, so a crafted
sheet with one cell in A1 and one in XFD1048576 would make it allocate 17 billion cells (a Rust
allocation failure aborts the process): the rectangle is measured here first. calamine also
returns error cells (``#DIV/0!``) and formulas saved without a result as empty strings, and no
number formats; the scan counts the first two and keeps the XML of the first rows, where the
formats of a table's first data rows are read from (``sheet_formats``).

Everything here is a C-level search over the inflated bytes (regex searches with a literal
prefix, for what is out of the ordinary; counts only once something is found), streamed chunk
by chunk, one chunk in memory at a time. At 100k rows × 10 columns (45 MB of XML) the scan is
about 220 ms: the search for cells outside the bound seen so far about half (some 100 ns a cell;
merely locating the cells with numpy costs half of that), inflating it a third, the error and
formula searches the rest. Handing calamine the inflated bytes would not help: reading a stored
copy of the sheet takes calamine as long as reading the deflated one.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.utils import column_index_from_string

CHUNK = 1 << 22
HEAD_ROWS = 160  # rows whose XML is kept for number formats (tables start within ~70 rows)
# A formula right before its cell's end, or before an empty <v/>, was never calculated, except
# in a text cell (t="str"), where <v/> is a cached empty text: the result of IF(…, "", …).
_NO_RESULT = re.compile(rb"(?:</f>|<f\b[^>]*/>)(</c>|<v\s*/>|<v></v>)")
_CELL_TYPE = re.compile(rb'\st="(\w+)"')
_VALUED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>/]*>')
_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
# Searched, not counted: a regex with a literal prefix skips through the XML faster than
# bytes.count, and a normal sheet has neither.
_ERROR = re.compile(rb't="e"')
_FORMULA = re.compile(rb"<f\b")


@dataclass
class SheetScan:
    """What the scan saw: a bound on the cells' extent, error cells, formulas without a result,
    the head."""

    rows: int = 0  # no cell lies below this row (1-based)
    columns: int = 0  # no cell lies right of this column (1-based)
    errors: int = 0
    uncalculated: int = 0
    head: bytes = b""

    @property
    def area(self) -> int:
        return self.rows * self.columns


def scan_sheet(zf: zipfile.ZipFile, member: str, limit: int) -> SheetScan:
    """Scan one sheet part; ``zipfile`` stops a member at its declared size (a lying zip bomb
    ends in BadZipFile, which the caller refuses as corrupt).

    The extent is first bounded from every cell reference (``_Extent``); when that bound
    exceeds ``limit`` cells (styled empty rows down to row 1,048,576, as LibreOffice writes
    them, or a sheet that is simply that big), it is measured over the cells that hold
    something, which is what calamine keeps."""
    scan = SheetScan()
    extent = _Extent()
    head: list[bytes] = []
    head_rows = 0
    carry = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            end = _cut(data) if chunk else len(data)  # rows cut at the chunk's end: next time
            carry = data[end:]
            extent.widen(data, end)
            if _ERROR.search(data, 0, end):
                scan.errors += data.count(b't="e"', 0, end)
            if _FORMULA.search(data, 0, end):
                scan.uncalculated += _uncalculated(data, end)
            if head_rows < HEAD_ROWS:
                ends = data.count(b"</row>", 0, end)
                if head_rows + ends >= HEAD_ROWS:
                    at = -1
                    for _ in range(HEAD_ROWS - head_rows):
                        at = data.find(b"</row>", at + 1)
                    head.append(data[: at + len(b"</row>")])
                else:
                    head.append(data[:end])
                head_rows += ends
            if not chunk:
                break
    scan.head = b"".join(head)
    if extent.unusual or _PREFIXED.search(scan.head, 0, 4096):  # <x:c>, <c> without r
        scan.rows, scan.columns = _measure(zf, member)
        return scan
    scan.rows, scan.columns = extent.bound()
    if scan.area > limit:
        scan.rows, scan.columns = _valued_extent(zf, member)
    return scan


class _Extent:
    """A bound on the cell references seen: the widest column letters, and a row number no
    cell goes past, rounded up to its first two digits (100,001 → 109,999).

    One regex search per chunk finds the cells outside the bound (rows come in order and cells
    sit in their rows, so a normal sheet has none after its first rows): each such cell widens
    the bound, and the search goes on from there. The rounding is what keeps the search cheap
    (two digits decide it) while the bound stays within 10 % of the real one. A cell without an
    upper-case reference first (``<c>``, ``<c s="1" r="A1">``, ``<c r="a1">``) makes the sheet
    ``unusual``: such sheets are measured by a full parse."""

    def __init__(self) -> None:
        self.widest = b""
        self.row = 0  # the highest row number seen
        self.unusual = False
        self._pattern: re.Pattern[bytes] | None = None

    def widen(self, data: bytes, end: int) -> None:
        """Take in the cells of ``data[:end]`` (searched in place: a slice would copy it)."""
        last = data.rfind(b'<c r="', 0, end)
        if last >= 0 and (m := _REF.match(data, last, end)):  # the last cell: a first bound
            self._take(m)
        at = 0
        while not self.unusual and (found := self._beyond().search(data, at, end)):
            m = _REF.match(data, found.start(), end)
            if found.group(1) is not None or m is None:
                self.unusual = True
            else:
                self._take(m)
                at = found.end()

    def bound(self) -> tuple[int, int]:
        if not self.widest:
            return 0, 0
        return _ceiling(self.row), column_index_from_string(self.widest.decode())

    def _take(self, ref: re.Match[bytes]) -> None:
        letters, digits = ref.groups()
        if (len(letters), letters) > (len(self.widest), self.widest):
            self.widest, self._pattern = letters, None
        row = _row_number(digits)
        if _ceiling(row) > _ceiling(self.row):
            self._pattern = None
        self.row = max(self.row, row)

    def _beyond(self) -> re.Pattern[bytes]:
        """``<c`` of a cell without a reference first (group 1), or whose reference lies past
        the widest column or the rounded-up row."""
        if self._pattern is None:
            widest = self.widest or b"A"
            rows = _rows_past(_ceiling(self.row))
            if len(widest) == 1:  # the usual sheet: one letter decides, then the digits
                past = rb"|(?<=[%s-Z])" % bytes([widest[0] + 1]) if widest < b"Z" else b""
                refs = rb"[A-Z](?:[A-Z]%s|%s)" % (past, rows)
            else:
                wider = rb"[A-Z]{%d,3}|" % (len(widest) + 1) if len(widest) < 3 else b""
                wider += _greater(widest, b"A", b"Z")
                refs = rb"(?:%s|[A-Z]{1,%d}%s)" % (wider, len(widest), rows)
            self._pattern = re.compile(rb'<c(?:(>| (?!r="[A-Z]))| r="%s)' % refs)
        return self._pattern


def _ceiling(row: int) -> int:
    """``row`` rounded up past its first two digits: 100,001 → 109,999; 57 → 99."""
    digits = len(str(row))
    if digits <= 2:
        return 99
    unit = 10 ** (digits - 2)
    return (row // unit + 1) * unit - 1


def _rows_past(ceiling: int) -> bytes:
    """A regex for row numbers above ``ceiling`` (as ``_ceiling`` gives it: two digits, then
    nines): as many digits and a greater head, or more digits. The lookahead settles the
    length first, so the shorter row numbers of a sheet's top fail after their digits."""
    digits = len(str(ceiling))
    longer = rb"\d{%d}" % (digits + 1)
    if ceiling == 10**digits - 1:
        return longer
    head = str(ceiling // 10 ** (digits - 2)).encode()
    return rb"(?=\d{%d})(?:%s|%s)" % (digits, _greater(head, b"0", b"9"), longer)


def _greater(text: bytes, low: bytes, high: bytes) -> bytes:
    """A regex for strings as long as ``text`` that sort after it (digits or letters), nested
    so that a string is decided in one step per character."""
    if not text:
        return rb"(?!)"
    first, rest = text[0], text[1:]
    tail = b"[%s-%s]{%d}" % (low, high, len(rest)) if rest else b""
    above = b"[%s-%s]%s" % (bytes([first + 1]), high, tail) if first < high[0] else b""
    same = re.escape(bytes([first])) + _greater(rest, low, high) if rest else b""
    return b"(?:" + b"|".join(x for x in (above, same) if x) + b")" if above or same else rb"(?!)"


def _row_number(digits: bytes) -> int:
    return int(digits) if len(digits) < 10 else 10**10


def _cut(data: bytes) -> int:
    """Where the whole rows of ``data`` end (a row longer than a chunk is cut at a tag)."""
    cut = data.rfind(b"</row>")
    cut = cut + 6 if cut >= 0 else data.rfind(b"<")
    return cut if cut > 0 else len(data)


def _uncalculated(data: bytes, end: int) -> int:
    n = 0
    for m in _NO_RESULT.finditer(data, 0, end):
        if m.group(1) != b"</c>":
            start = data.rfind(b"<c ", 0, m.start())
            kind = _CELL_TYPE.search(data, start, data.find(b">", start))
            if kind is not None and kind.group(1) == b"str":
                continue
        n += 1
    return n


def _valued_extent(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The highest row and column of cells that are not self-closing (hold a value)."""
    rows = columns = 0
    widest = b""
    carry = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            end = _cut(data) if chunk else len(data)
            carry = data[end:]
            for letters, number in _VALUED_CELL.findall(data, 0, end):
                if (len(letters), letters) > (len(widest), widest):
                    widest = letters
                rows = max(rows, _row_number(number))
            if not chunk:
                break
    if widest:
        columns = column_index_from_string(widest.decode())
    return rows, columns


_PREFIXED = re.compile(rb"<\w+:(?:worksheet|sheetData|row)\b")


def _measure(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """Rows and columns by a full parse, for sheets written with namespace prefixes."""
    at = _Cursor()
    rows = cols = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal rows, cols
        at.step(name, attrs)
        rows, cols = max(rows, at.row), max(cols, at.col)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EntityDeclHandler = _refuse_entity
    with zf.open(member) as fh:
        parser.ParseFile(fh)
    return rows, cols


class _Cursor:
    """Where a sheet's expat parse stands: a row's ``r`` or the next row, a cell's reference
    or the next column (1-based), as Excel places cells written without references."""

    def __init__(self) -> None:
        self.row = self.col = 0

    def step(self, name: str, attrs: dict[str, str]) -> str:
        local = name.rsplit("}", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
        elif local == "c":
            self.col = _column(attrs.get("r"), self.col)
        return local


def _refuse_entity(*args: object) -> None:
    raise ValueError("entity declaration in a sheet")


def _column(ref: str | None, previous: int) -> int:
    letters = ref.rstrip("0123456789") if ref else ""
    return column_index_from_string(letters) if letters else previous + 1


def sheet_formats(head: bytes, first_row: int, columns: list[int], styles: list[str]) -> dict:
    """The most common number format of numeric cells per column (0-based) in the first rows
    of the table (from ``first_row``, 1-based), from the kept head of the sheet's XML."""
    wanted = set(columns)
    seen: dict[int, Counter[str]] = {c: Counter() for c in columns}
    last = first_row + 49
    at = _Cursor()

    def start(name: str, attrs: dict[str, str]) -> None:
        if at.step(name, attrs) == "c":
            c = at.col - 1
            if first_row <= at.row <= last and c in wanted and attrs.get("t", "n") == "n":
                s = attrs.get("s", "0")
                index = int(s) if s.isdigit() else 0
                seen[c][styles[index] if index < len(styles) else "General"] += 1

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    with contextlib.suppress(expat.ExpatError, ValueError):
        parser.Parse(head, False)  # the head ends mid-document: stop where it ends
    return {c: cnt.most_common(1)[0][0] for c, cnt in seen.items() if cnt}
