"""Which file and sheet a request names: 'from budget.xlsx', 'in budget', 'in sheet Q3'."""

from __future__ import annotations

import re

from bot.table import Dataset, Table
from bot.understand.columns import match_name, norm_words
from bot.understand.text import clean

_FILE_EXT = re.compile(r"\.(?:xlsx|xlsm|csv|xls)\b", re.I)
_FILE_STEM = re.compile(r"[\w.()\-]{1,80}$")
_FILE_WORDS = re.compile(
    r"\b(?:from|using|use|in|on|with)\s+(?:the\s+)?(?:(?:file|spreadsheet|"
    r"workbook)\s+)?(?P<n>[\w.\-]{1,60}(?:\s+[\w.\-]{1,60}){0,2})",
    re.I,
)
_SHEET = re.compile(
    r"\b(?:(?:in|on|from|use|using|for)\s+)?(?:the\s+)?(?:sheet|tab|"
    r"worksheet)\b\s*[:=]?\s*(?P<n>\"[^\"\n]{1,60}\"|'[^'\n]{1,60}'|[^\s,;]{1,60})|\b(?:in|on|"
    r"from)\s+(?:the\s+)?(?P<m>\"[^\"\n]{1,60}\"|'[^'\n]{1,60}'|[^\s,;]{1,60})\s+(?:sheet|"
    r"tab)\b",
    re.I,
)


def wanted_file(text: str, filenames: list[str]) -> str | None:
    """The filename a request names ('from budget.xlsx', 'in budget'), or None."""
    return _wanted_file(clean(text), filenames)


def _wanted_file(text: str, filenames: list[str]) -> str | None:
    low = text.lower()
    for name in sorted(filenames, key=len, reverse=True):
        if name.lower() in low:
            return name
    for m in _FILE_WORDS.finditer(low):
        words = m["n"].split()
        for n in range(len(words), 0, -1):
            hit = match_name(" ".join(words[:n]), filenames)
            if hit is not None:
                stem = norm_words(hit.rsplit(".", 1)[0])
                strong = "file" in m.group() or m.group().startswith(("from", "using", "use"))
                if strong or norm_words(" ".join(words[:n])) == stem:
                    return hit
    return None


def wanted_sheet(text: str, dataset: Dataset) -> str | None:
    """The sheet a request names ('in sheet Q3', 'on the Q3 tab') among those with a table."""
    for m in _SHEET.finditer(clean(text)):
        name = (m["n"] or m["m"] or "").strip("\"'")
        hit = match_name(name, list(dataset.tables))
        if hit is not None:
            return hit
    return None


def strip_sources(
    text: str, dataset: Dataset | None, files: list[str]
) -> tuple[str, Table | None, str | None]:
    """Remove file and sheet phrases; return the table to use, or a problem to report."""
    named = _wanted_file(text, files or ([dataset.filename] if dataset else []))
    ext = _FILE_EXT.search(text)
    if named is None and ext is not None:
        stem = _FILE_STEM.search(text[max(0, ext.start() - 80) : ext.start()])
        wanted = (stem.group() if stem else "") + ext.group()
        return text, None, f"there is no file called “{wanted}” in this conversation"
    if named is not None:
        text = re.sub(
            r"\b(?:from|using|use|in|on|with)?\s*(?:the\s+)?(?:(?:file|spreadsheet|workbook)\s+)?"
            + re.escape(named)
            + r"(?:\s+(?:file|spreadsheet|workbook))?",
            " ",
            text,
            flags=re.I,
        )
        base = named.rsplit(".", 1)[0]
        text = re.sub(
            r"\b(?:from|using|in)\s+(?:the\s+)?(?:(?:file|spreadsheet|workbook)\s+)?"
            + re.escape(base)
            + r"\b(?:\s+(?:file|spreadsheet|workbook))?",
            " ",
            text,
            flags=re.I,
        )
    if dataset is None:
        return text, None, None
    table = dataset.table
    for m in _SHEET.finditer(text):
        name = (m["n"] or m["m"] or "").strip("\"'")
        hit = match_name(name, list(dataset.tables))
        if hit is None:
            others = [s for s in dataset.sheet_names if match_name(name, [s])]
            if others:
                return text, None, f"sheet “{others[0]}” has no table I can chart"
            if m["n"] is not None:
                sheets = ", ".join(dataset.tables)
                return text, None, f"there is no sheet “{name}” (sheets with tables: {sheets})"
            continue
        table = dataset.tables[hit]
        text = text[: m.start()] + " " + text[m.end() :]
        break
    return text, table, None
