"""Tables pasted into a message: tab-separated cells from Excel or Google Sheets, markdown
tables, CSV lines, columns aligned with spaces. Cells are kept exactly as typed.
"""

from __future__ import annotations

import csv
import re

from bot.spec import Series
from bot.understand.numbers import Number, combine_formats, parse_number
from bot.understand.records import InlineData
from bot.understand.timelabels import is_time_sequence

MAX_ROWS = 5000


def _as_number(text: str) -> Number | None:
    text = text.strip()
    return parse_number(text) if text else None


def _split_row(line: str, mode: str) -> list[str]:
    if mode == "tab":
        return [c.strip() for c in line.split("\t")]
    if mode == "pipe":
        return [c.strip() for c in line.strip().strip("|").split("|")]
    if mode == "spaces":
        return [c.strip() for c in re.split(r" {2,}", line.strip())]
    return [c.strip() for c in next(csv.reader([line], skipinitialspace=True), [])]


def _row_mode(line: str) -> str | None:
    if "\t" in line:
        return "tab"
    if line.count("|") >= 2 or (line.count("|") == 1 and not line.strip().startswith("|")):
        return "pipe"
    if re.search(r"\S {2,}\S", line):
        return "spaces"
    if "," in line:
        return "csv"
    return None


_RULE = re.compile(r"\s*:?-{2,}:?\s*")


def table_rows(lines: list[str]) -> tuple[list[list[str]], int, int] | None:
    """The longest run of >= 2 consecutive lines that split the same way into >= 2 cells."""
    best: tuple[list[list[str]], int, int] | None = None
    i = 0
    while i < len(lines):
        mode = _row_mode(lines[i])
        if mode is None:
            i += 1
            continue
        rows: list[list[str]] = []
        j = i
        width = None
        while j < len(lines) and _row_mode(lines[j]) == mode:
            cells = _split_row(lines[j], mode)
            if mode == "pipe" and all(_RULE.fullmatch(c) for c in cells if c):
                j += 1
                continue
            if len(cells) < 2 or (width is not None and len(cells) != width):
                break
            width = len(cells)
            rows.append(cells)
            j += 1
        if len(rows) >= 2 and (best is None or len(rows) > len(best[0])):
            best = (rows, i, j)
        i = max(j, i + 1)
    return best


def _year_header(row: list[str], parsed: list[Number | None]) -> bool:
    """'Region  2023  2024': a text corner cell over columns named by years."""
    years = [p.value for p in parsed[1:] if p is not None]
    return (
        parsed[0] is None
        and bool(row[0])
        and len(years) == len(row) - 1
        and all(isinstance(y, int) and 1900 <= y <= 2100 for y in years)
        and years == sorted(set(years))
    )


def table_from_rows(rows: list[list[str]]) -> InlineData | None:
    rows = rows[: MAX_ROWS + 1]
    width = len(rows[0])
    parsed = [[_as_number(c) for c in row] for row in rows]
    header_years = [p.value for p in parsed[0] if p is not None]
    years_row = len(header_years) == width and all(
        isinstance(y, int) and 1900 <= y <= 2100 for y in header_years
    )
    if len(rows) == 2 and (all(p is None for p in parsed[0]) or years_row) and all(parsed[1]):
        # One header row of labels over one row of values ('Q1  Q2  Q3' / '10  20  30').
        values = [p for p in parsed[1] if p is not None]
        return InlineData(
            labels=rows[0],
            series=[Series("value", [n.value for n in values])],
            number_format=combine_formats(values),
            pasted=True,
        )

    def numeric_ratio(col: int, body: list[list[Number | None]]) -> float:
        cells = [r[col] for r in body]
        return sum(c is not None for c in cells) / max(1, len(cells))

    header = any(parsed[0][c] is None and rows[0][c] for c in range(width)) and any(
        numeric_ratio(c, parsed[1:]) >= 0.5 and parsed[0][c] is None for c in range(width)
    )
    if not header and _year_header(rows[0], parsed[0]):
        header = True
    body_text = rows[1:] if header else rows
    body = parsed[1:] if header else parsed
    names = rows[0] if header else [""] * width
    value_cols = [c for c in range(width) if numeric_ratio(c, body) >= 0.5]
    if not value_cols:
        return None
    every = len(value_cols) == width  # numbers in every column: the first one labels the rest
    if every:
        label_col, value_cols = 0, value_cols[1:]
    else:
        label_col = next(c for c in range(width) if c not in value_cols)
    labels = [r[label_col] for r in body_text]
    xy = every and width == 2 and not is_time_sequence(labels)
    series: list[Series] = []
    numbers: list[Number] = []
    for c in value_cols:
        vals = [r[c] for r in body]
        numbers += [v for v in vals if v is not None]
        name = names[c] or ("value" if len(value_cols) == 1 else f"Series {len(series) + 1}")
        series.append(Series(name, [v.value if v else None for v in vals]))
    if xy:
        labels = [str(r[0].value) if r[0] else "" for r in body]  # type: ignore[union-attr]
    return InlineData(
        labels=labels,
        series=series,
        number_format=combine_formats(numbers),
        label_name=names[label_col],
        xy=xy,
        pasted=True,
        notes=_left_out(names, label_col, value_cols, labels, body_text, body),
    )


def _left_out(
    names: list[str],
    label_col: int,
    value_cols: list[int],
    labels: list[str],
    cells: list[list[str]],
    body: list[list[Number | None]],
) -> list[str]:
    """What the chart does not show, in one line each: other text columns, and cells of a
    number column that hold no number (drawn as gaps)."""
    notes = []
    other = [c for c in range(len(names)) if c != label_col and c not in value_cols]
    if other:
        shown = ", ".join(f"“{names[c]}”" if names[c] else f"column {c + 1}" for c in other)
        notes.append(f"Left out the text column{'s' if len(other) > 1 else ''} {shown}.")
    gaps = [
        (labels[i], cells[i][c]) for c in value_cols for i, row in enumerate(body) if row[c] is None
    ]
    if gaps:
        shown = ", ".join(
            f"“{label}” (“{cell}”)" if cell else f"“{label}”" for label, cell in gaps[:3]
        )
        more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
        notes.append(f"No number for {shown}{more}: left as a gap.")
    return notes
