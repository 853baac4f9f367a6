"""CSV text to rows: encoding and delimiter detected, empty fields as None."""

from __future__ import annotations

import csv
import io
from collections import Counter

from bot.intake import errors as msg
from bot.intake.errors import IntakeError

DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
SNIFF_LINES = 50


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise IntakeError("corrupt", msg.CORRUPT, "bad utf-16") from None
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def pick_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields."""
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    best, best_key = ",", (0.0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(head), delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        key = (freq / len(counts), width)
        if key > best_key:
            best, best_key = delim, key
    return best


def read_rows(data: bytes, max_cells: int) -> list[tuple]:
    text = decode(data)
    delim = pick_delimiter(text)
    rows: list[tuple] = []
    cells = 0
    try:
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            vals = [v if v.strip() else None for v in rec]
            while vals and vals[-1] is None:
                vals.pop()
            cells += len(vals)
            if cells > max_cells:
                raise IntakeError(
                    "too_large", msg.TOO_MANY_CELLS.format(limit=max_cells), f"{cells} cells"
                )
            rows.append(tuple(vals))
    except csv.Error as exc:
        raise IntakeError("corrupt", msg.CORRUPT, f"csv: {exc}") from None
    while rows and not rows[-1]:
        rows.pop()
    return rows
