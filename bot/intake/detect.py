"""Find the table on a messy sheet: header row, column span, data rows, what was skipped.

Input is the sheet as trimmed row tuples (index 0 = sheet row 1). Only the first rows are
inspected to find the header; the rest is scanned once, cheaply, for the end of the table and
for total rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice, zip_longest
from operator import itemgetter
from typing import Any

from bot.intake.types import looks_numeric_text

Row = Sequence[Any]  # a sheet row as the reader gives it: a list or a tuple

HEADER_SCAN_ROWS = 60  # a header below this many rows is not looked for
BLOCK_SAMPLE = 30  # rows under a candidate header used to judge it
MIN_TEXT_SHARE = 0.6  # share of text cells a header row needs
MAX_SKIP = 8  # rows empty within the header's columns that may sit between header and data

TOTAL_RE = re.compile(
    r"^\s*(grand\s+total|sub-?\s?totals?|totals?|sum|summe|gesamt\w*|total\s+general|totaal"
    r"|合计|合計|总计|總計|小计|小計)\b",
    re.IGNORECASE,
)
PIVOT_NAMES = {"row labels", "column labels", "grand total"}
PIVOT_PREFIXES = ("sum of ", "count of ", "average of ", "max of ", "min of ")

EMPTY, TEXT, NUM, DATE, BOOL, OTHER = range(6)


def kind(v: Any) -> int:
    if v is None:
        return EMPTY
    t = type(v)
    if t is str:
        s = v.strip()
        if not s:
            return EMPTY
        return NUM if looks_numeric_text(s) else TEXT
    if t is bool:
        return BOOL
    if t is int or t is float:
        return NUM
    if t is dt.datetime or t is dt.date:
        return DATE
    return OTHER


@dataclass
class Detected:
    header_row: int | None  # 1-based sheet row of the header; None when the table has none
    columns: list[int]  # 0-based sheet column of each table column
    names: list[str]
    rows: list[Row]  # data rows (whole sheet rows; pick ``columns`` from them)
    first_data_row: int  # 1-based
    notes: list[str] = field(default_factory=list)
    pivot: bool = False
    by_column: list[Row] | None = None  # ``rows`` transposed (whole sheet columns), once
    types: dict[int, set[type]] = field(default_factory=dict)  # the value types per column


def _cell(row: Row, c: int) -> Any:
    return row[c] if c < len(row) else None


def _filled(row: Row, lo: int = 0, hi: int | None = None) -> list[int]:
    hi = len(row) if hi is None else min(hi, len(row))
    return [c for c in range(lo, hi) if kind(row[c]) != EMPTY]


def _block(rows: Sequence[Row], start: int, lo: int, hi: int, limit: int) -> list[Row]:
    """Rows from ``start`` until the first row empty within columns [lo, hi).

    A few rows right under the header that are empty in its columns (notes off to the left,
    as some exporters write them) are skipped first.
    """
    skipped = 0
    while start < len(rows) and skipped < MAX_SKIP and not _filled(rows[start], lo, hi):
        start += 1
        skipped += 1
    if skipped and start < len(rows) and not _filled(rows[start], lo, hi):
        return []
    out = []
    for r in rows[start : start + limit]:
        if not _filled(r, lo, hi):
            break
        out.append(r)
    return out


def _header_score(rows: Sequence[Row], i: int, single_column: bool) -> float | None:
    filled = _filled(rows[i])
    if len(filled) < (1 if single_column else 2):
        return None
    kinds = [kind(rows[i][c]) for c in filled]
    if kinds.count(TEXT) / len(kinds) < MIN_TEXT_SHARE:
        return None
    if i > 0:  # a row under a data row of the same width is data, not a header
        above = [kind(rows[i - 1][c]) for c in _filled(rows[i - 1], filled[0], filled[-1] + 1)]
        if len(above) >= len(filled) and any(k != TEXT for k in above):
            return None
    block = _block(rows, i + 1, filled[0], filled[-1] + 1, BLOCK_SAMPLE)
    if not block:
        return None
    score = 0
    for c, k in zip(filled, kinds, strict=True):
        if k != TEXT:
            continue
        below = [kind(_cell(r, c)) for r in block]
        texts = below.count(TEXT)
        typed = len(below) - texts - below.count(EMPTY)
        if not texts and not typed:
            continue
        score += 1 + (typed > 0 and not texts) - (typed > 0 and texts > 0)
    return score * min(len(block), 5) / 5


def find_header(rows: Sequence[Row]) -> int | None:
    width = max((len(r) for r in rows[:HEADER_SCAN_ROWS]), default=0)
    single = all(len(_filled(r)) <= 1 for r in rows[:HEADER_SCAN_ROWS])
    best, best_score = None, 0.0
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        if width == 0:
            break
        score = _header_score(rows, i, single)
        if score is not None and score > best_score:
            best, best_score = i, score
    return best


def _segments(used: list[bool]) -> list[tuple[int, int]]:
    """Runs of used columns; a single unused column does not split a run, two do."""
    segs: list[tuple[int, int]] = []
    start = None
    gap = 0
    for c, u in enumerate([*used, False, False]):
        if u:
            if start is None:
                start = c
            gap = 0
            end = c + 1
        elif start is not None:
            gap += 1
            if gap >= 2:
                segs.append((start, end))
                start = None
    return segs


def clean_name(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime):
        v = v.date() if v.time() == dt.time() else v
    if isinstance(v, dt.date):
        return v.isoformat()
    return " ".join(str(v).split())


def unique_names(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        base = name or f"Column {i + 1}"
        cand, n = base, 2
        while cand.lower() in seen:
            cand = f"{base} ({n})"
            n += 1
        seen.add(cand.lower())
        out.append(cand)
    return out


def detect(rows: Sequence[Row]) -> Detected | None:
    """The main table of a sheet, or None when the sheet holds no header+data block."""
    first = next((i for i, r in enumerate(rows) if _filled(r)), None)
    if first is None:
        return None
    h = find_header(rows)
    notes: list[str] = []
    if h is None:
        nonempty = list(islice((r for r in rows if _filled(r)), BLOCK_SAMPLE))
        if all(kind(v) in (EMPTY, TEXT) for r in nonempty for v in r):
            # Only text: a lone header row (no data yet) or prose, not a table.
            return Detected(first + 1, [], [], [], first + 2) if len(nonempty) == 1 else None
    start = first if h is None else h + 1
    if h is not None:  # skip rows under the header that are empty in its columns
        span = _filled(rows[h])
        for _ in range(MAX_SKIP):
            if start < len(rows) and not _filled(rows[start], span[0], span[-1] + 1):
                start += 1
    sample = rows[start : start + BLOCK_SAMPLE]
    width = max(len(r) for r in rows[(first if h is None else h) : start + BLOCK_SAMPLE])
    header = rows[h] if h is not None else ()
    used = [
        kind(_cell(header, c)) != EMPTY or any(kind(_cell(r, c)) for r in sample)
        for c in range(width)
    ]
    segs = _segments(used)
    if not segs:
        return None

    def seg_weight(seg: tuple[int, int]) -> int:
        lo, hi = seg
        return sum(1 for c in range(lo, hi) for r in sample[:10] if kind(_cell(r, c)))

    lo, hi = max(segs, key=seg_weight)  # max() keeps the first of equals
    if len(segs) > 1:
        notes.append("ignored another table beside this one")

    names = [clean_name(_cell(header, c)) for c in range(lo, hi)]
    if h is not None and _is_units_row(rows, h + 1, lo, hi):
        units = rows[h + 1]
        names = [
            f"{n} {clean_name(_cell(units, c))}".strip()
            for n, c in zip(names, range(lo, hi), strict=True)
        ]
        start = h + 2
    if h is not None and h > 0:
        names = _flatten(names, rows[h - 1], lo, hi)

    data, end_notes = _data_rows(rows, start, lo, hi)
    notes.extend(end_notes)
    data, by_column, types, total_notes = _drop_totals(data, lo, hi)
    notes.extend(total_notes)
    if not data:
        return Detected(h + 1 if h is not None else None, [], [], [], start + 1, notes)

    keep = [c for c in range(lo, hi) if any(kind(_cell(r, c)) for r in data)]
    empty = [names[c - lo] for c in range(lo, hi) if c not in keep and names[c - lo]]
    notes.extend(f"left out the empty column {name}" for name in dict.fromkeys(empty))
    names = unique_names([names[c - lo] for c in keep])
    if h is None:
        notes.append("found no header row, so the columns are named Column 1, Column 2, …")
    pivot = any(n.lower() in PIVOT_NAMES or n.lower().startswith(PIVOT_PREFIXES) for n in names)
    header_row = h + 1 if h is not None else None
    return Detected(header_row, keep, names, data, start + 1, notes, pivot, by_column, types)


def _is_units_row(rows: Sequence[Row], i: int, lo: int, hi: int) -> bool:
    """A row right under the header holding only short text over typed columns ("[m]")."""
    if i >= len(rows):
        return False
    filled = _filled(rows[i], lo, hi)
    if not filled or len(filled) * 2 > len(_filled(rows[i - 1], lo, hi)):
        return False
    below = rows[i + 1 : i + 11]
    for c in filled:
        v = rows[i][c]
        if kind(v) != TEXT or len(v) > 12:
            return False
        kinds = [kind(_cell(r, c)) for r in below]
        if TEXT in kinds or not any(kinds):
            return False
    return True


def _flatten(names: list[str], upper: Row, lo: int, hi: int) -> list[str]:
    """Two-row headers (years over quarters): prefix repeated names with the row above."""
    lowered = [n.lower() for n in names if n]
    if len(set(lowered)) == len(lowered):
        return names
    above = [clean_name(_cell(upper, c)) for c in range(lo, hi)]
    if sum(1 for a in above if a) < 1:
        return names
    filled, current = [], ""
    for a in above:  # merged cells hold their value in the first cell only: fill it rightwards
        current = a or current
        filled.append(current)
    return [f"{a} {n}".strip() if a and a != n else n for a, n in zip(filled, names, strict=True)]


def _data_rows(rows: Sequence[Row], start: int, lo: int, hi: int) -> tuple[list[Row], list[str]]:
    """Rows of the table: up to a blank row, unless what follows the blank continues the table."""
    whole = lo == 0  # then a row no wider than hi is empty in [0, hi) iff it holds only None
    profile = _profile(rows[start : start + BLOCK_SAMPLE], lo, hi)
    out: list[Row] = []
    i, n = start, len(rows)
    notes: list[str] = []
    typed = [c for c, k in profile.items() if k in (NUM, DATE, BOOL)]
    sample = rows[start : start + BLOCK_SAMPLE]
    probe = max(typed, key=lambda c: sum(1 for r in sample if kind(_cell(r, c))), default=None)
    skip = _PlainRuns(rows, start, hi, probe) if whole else None
    while i < n:
        if skip is not None and (j := skip.until(i)) > i:  # rows the loop would keep as they are
            out.extend(rows[i:j])
            i = j
            continue
        r = rows[i]
        empty = (
            not r or (r[0] is None and r[-1] is None and r.count(None) == len(r))
            if whole and len(r) <= hi
            else not any(v is not None and (type(v) is not str or v.strip()) for v in r[lo:hi])
        )
        if not empty:
            suspicious = probe is not None and probe < len(r) and type(r[probe]) is str
            if suspicious and _starts_new_block(r, profile, lo, hi):
                notes.append("ignored the rows below the table")
                break
            out.append(r)
            i += 1
            continue
        j = i + 1
        while j < n and not _filled(rows[j], lo, hi):
            j += 1
        if j < n and _continues(rows[j], profile, lo, hi, rows[start - 1] if start else ()):
            i = j
            continue
        if j < n:
            notes.append("ignored the rows below a blank row under the table")
        break
    # Notes written straight under the table: single text cells in a wider table.
    dropped = 0
    while out and hi - lo >= 3 and _is_note(out[-1], profile, lo, hi):
        out.pop()
        dropped += 1
    if dropped:
        notes.append("ignored the notes below the table")
    return out, notes


class _PlainRuns:
    """Where the next row that ``_data_rows`` must look at lies: an empty row, or text in the
    probe column. Found by C-level searches (``list.index``) over a sheet whose rows are all
    ``hi`` wide, so a long table's plain rows are taken in runs instead of one by one."""

    def __init__(self, rows: Sequence[Row], start: int, hi: int, probe: int | None) -> None:
        self.rows = rows
        self.n = len(rows)
        below = islice(rows, start, None)
        ok = self.n > start and len(rows[start]) == hi and len(set(map(len, below))) == 1
        blank = [None] * hi  # of the rows' own type, for ``index`` to find it
        self.blank: Row | None = (
            (tuple(blank) if isinstance(rows[start], tuple) else blank) if ok else None
        )
        self.kinds: list[type] | None = [str] * start if ok and probe is not None else None
        if self.kinds is not None:
            self.kinds += map(type, map(itemgetter(probe), islice(rows, start, None)))
        self.next_blank = self.next_text = -1

    def until(self, i: int) -> int:
        """The first row from ``i`` on that is empty or has text in the probe column."""
        if self.blank is None:
            return i
        if self.next_blank < i:
            self.next_blank = _index(self.rows, self.blank, i, self.n)
        if self.kinds is not None and self.next_text < i:
            self.next_text = _index(self.kinds, str, i, self.n)
        return min(self.next_blank, self.next_text if self.kinds is not None else self.n)


def _index(items: Sequence[Any], value: object, start: int, default: int) -> int:
    try:
        return items.index(value, start)
    except ValueError:
        return default


def _starts_new_block(row: Row, profile: dict[int, int], lo: int, hi: int) -> bool:
    """A row of labels where the table has numbers or dates: a new header or a form section."""
    filled = _filled(row, lo, hi)
    misplaced = sum(1 for c in filled if kind(row[c]) == TEXT and profile.get(c, TEXT) != TEXT)
    return misplaced >= 2 and misplaced >= 0.6 * len(filled)


def _is_note(row: Row, profile: dict[int, int], lo: int, hi: int) -> bool:
    """A row of a few words under a table: only text, none of it where numbers/dates belong."""
    filled = _filled(row, lo, hi)
    if not filled or len(filled) * 2 > len(profile):
        return False
    if any(kind(row[c]) != TEXT for c in filled):
        return False
    return any(profile.get(c, TEXT) != TEXT for c in filled) or len(filled) == 1


def _profile(sample: Sequence[Row], lo: int, hi: int) -> dict[int, int]:
    prof = {}
    for c in range(lo, hi):
        kinds = Counter(kind(_cell(r, c)) for r in sample)
        kinds.pop(EMPTY, None)
        if kinds:
            prof[c] = kinds.most_common(1)[0][0]
    return prof


def _continues(row: Row, profile: dict[int, int], lo: int, hi: int, header: Row) -> bool:
    typed = [c for c, k in profile.items() if k in (NUM, DATE, BOOL)]
    if not typed:
        return False
    if [clean_name(_cell(row, c)) for c in range(lo, hi)] == [
        clean_name(_cell(header, c)) for c in range(lo, hi)
    ]:
        return False
    match = sum(1 for c in typed if kind(_cell(row, c)) == profile[c])
    return match >= 0.75 * len(typed) and len(_filled(row, lo, hi)) * 2 >= len(profile)


def _drop_totals(
    data: list[Row], lo: int, hi: int
) -> tuple[list[Row], list[Row], dict[int, set[type]], list[str]]:
    """Rows without total rows, the same transposed (typing works on columns), the value types
    of each column in [lo, hi) (when no row was dropped), and notes.

    Candidates are found column by column: each column's distinct texts are matched once, so a
    long table costs a pass per column in C, not a regex per cell."""
    by_column = transpose(data)
    types = {c: set(map(type, by_column[c])) for c in range(lo, min(hi, len(by_column)))}
    candidates: set[int] = set()
    for c, kinds in types.items():
        if str not in kinds:
            continue
        column = by_column[c]
        totals = {v for v in set(column) if type(v) is str and TOTAL_RE.match(v)}
        if totals:
            candidates.update(i for i, v in enumerate(column) if v in totals)
    if not candidates:
        return data, by_column, types, []
    labels: list[str] = []
    kept: list[Row] = []
    for i, r in enumerate(data):
        label = _total_label(r, lo, hi) if i in candidates else None
        if label is None:
            kept.append(r)
        else:
            labels.append(label)
    if labels:
        by_column, types = transpose(kept), {}
    else:
        kept = data
    notes = [f"ignored the {lab} row" for lab in dict.fromkeys(labels)]
    if len(notes) > 3:
        notes = [f"ignored {len(labels)} total and subtotal rows"]
    return kept, by_column, types, notes


def transpose(rows: list) -> list:
    """Columns of ``rows`` (tuples); a rectangle (a workbook's rows) needs no padding, and
    ``zip`` transposes it in C faster than a numpy object array does."""
    if rows and len(set(map(len, rows))) == 1:
        return list(zip(*rows, strict=True))
    return list(zip_longest(*rows, fillvalue=None))


def _total_label(r: Row, lo: int, hi: int) -> str | None:
    seen = 0
    for v in r[lo:hi]:
        if v is None:
            continue
        if type(v) is str:
            if TOTAL_RE.match(v):
                return " ".join(v.split())
            if v.strip():
                seen += 1
        else:
            seen += 1
        if seen >= 2:
            return None
    return None
