"""Data typed into the message: ``apples 3, pears 5``, ``Q1=10 Q2=14``, keyed lists, pasted tables.

Everything here works on text whose chart words were already taken out (see ``request.py``), in
linear time, and keeps the user's label order.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass, field

from bot.spec import NumberFormat, Series
from bot.understand.numbers import Number, combine_formats, parse_number

MAX_ROWS = 5000


@dataclass
class InlineData:
    labels: list[str]
    series: list[Series]
    number_format: NumberFormat = field(default_factory=NumberFormat)
    label_name: str = ""  # header of the label column, when the user gave one
    xy: bool = False  # labels are numbers too: a scatter of x against y
    leftover: str = ""  # the words around the data (a title hint)
    problem: str | None = None  # data that looks intended but cannot be used, in plain words
    pasted: bool = False  # cells of a pasted table: labels are kept exactly as typed


# ----------------------------------------------------------------------------- tokens of a number

# A number as typed: optional sign/bracket/currency, digits with separators, scale or percent.
_NUM_TOKEN = re.compile(
    r"\(?[-+]?(?:[$€£¥₹]\s?)?[-+]?(?:\d[\d.,']{0,24}\d{1,40}|\d|[.,]\d{1,12})"
    r"(?:\s?(?:k|mn|mio|m|bn|b|%|pct|thousand|million|billion)(?![a-z]))?(?:\s?[€£$])?\)?",
    re.I,
)


def _as_number(text: str) -> Number | None:
    text = text.strip()
    return parse_number(text) if text else None


# ------------------------------------------------------------------------------------- tables


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
        row = [p for p in parsed[1] if p is not None]
        return InlineData(
            labels=rows[0],
            series=[Series("value", [n.value for n in row])],
            number_format=combine_formats(row),
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
    first_numeric = 0 in value_cols
    if first_numeric and len(value_cols) == width:
        label_col = 0
        labels = [r[0] for r in body_text]
        xy = width == 2 and not is_time_sequence(labels)
        value_cols = value_cols[1:]
    else:
        label_col = next(c for c in range(width) if c not in value_cols)
        xy = False
    labels = [r[label_col] for r in body_text]
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
    )


# --------------------------------------------------------------------------------- keyed lists

_LABEL_KEYS = re.compile(
    r"(?:labels?|categories|category|cats|names?|keys?|items?|x(?:[- ]?(?:axis|values?))?|"
    r"months?|quarters?|years?|days?|weeks?|dates?|periods?|groups?)",
    re.I,
)
_VALUE_KEYS = re.compile(
    r"(?:values?|data|y(?:[- ]?(?:axis|values?))?|numbers?|counts?|amounts?|series)", re.I
)
_KEY_MARK = re.compile(
    r"(?<![\w])(?P<key>labels?|categories|names|keys|x(?:[- ]?values)?|y(?:[- ]?values)?|"
    r"values?|data|counts|numbers|amounts)\s*[:=]",
    re.I,
)
_KEYED = re.compile(r"\s*(?P<key>[^:=\n;]{1,40}?)\s*[:=]\s*(?P<list>.*\S)\s*", re.S)


def _list_items(text: str) -> list[str]:
    text = text.strip().strip(",;").strip()
    if re.search(r",\s", text) or ("," in text and parse_number(text) is None):
        return [t.strip() for t in re.split(r"\s*,\s*", text) if t.strip()]
    if "|" in text:
        return [t.strip() for t in text.split("|") if t.strip()]
    return [t for t in text.split() if t]


def _keyed_lists(text: str) -> InlineData | None:
    segments = [s for s in re.split(r"[;\n]", text) if s.strip()]
    if len(segments) == 1:
        marks = list(_KEY_MARK.finditer(text))
        if len(marks) >= 2:
            cuts = [m.start() for m in marks] + [len(text)]
            segments = [text[a:b] for a, b in itertools.pairwise(cuts)]
    keyed = []
    for k, seg in enumerate(segments):
        m = _KEYED.fullmatch(seg)
        if m is None:
            items = _list_items(seg)
            # 'Jan, Feb, Mar; 2023: 1, 2, 3; 2024: 2, 3, 4': unnamed labels come first.
            if k == 0 and len(items) >= 2 and all(parse_number(i) is None for i in items):
                keyed.append(("labels", items))
                continue
            return None
        keyed.append((m["key"].strip(), _list_items(m["list"])))
    if not any(len(items) >= 2 for _, items in keyed):
        return None
    labels: list[str] | None = None
    label_name = ""
    series: list[Series] = []
    numbers: list[Number] = []
    xy = False
    for key, items in keyed:
        parsed = [parse_number(i) for i in items]
        all_numeric = all(p is not None for p in parsed)
        if labels is None and (_LABEL_KEYS.fullmatch(key) or not all_numeric):
            labels = items
            label_name = "" if _LABEL_KEYS.fullmatch(key) and len(key) < 7 else key
            if key.lower().startswith("x") and all_numeric and not is_time_sequence(items):
                xy = True
                labels = [str(p.value) for p in parsed if p]
            continue
        if not all_numeric:
            return None
        numbers += [p for p in parsed if p]
        name = "value" if _VALUE_KEYS.fullmatch(key) else key
        series.append(Series(name, [p.value for p in parsed if p]))
    if not series:
        return None
    n = len(series[0].values)
    problem = None
    if labels is None and len(series) == 1:
        labels = labels_in_name(series[0].name, n)  # 'mon, tue, wed = 12, 14, 9'
        if labels is not None:
            series[0] = Series("value", series[0].values)
    if labels is None:
        labels = [str(i + 1) for i in range(n)]
    if any(len(s.values) != len(labels) for s in series):
        problem = _count_problem(labels, series)
    return InlineData(
        labels=[str(x) for x in labels],
        series=series,
        number_format=combine_formats(numbers),
        label_name=label_name,
        xy=xy,
        problem=problem,
    )


# --------------------------------------------------------------------------------------- pairs

_ITEM_SPLIT = re.compile(r"[;\n]|,(?=\s|[^\d\s])|\s+and\s+|\s*\|\s*", re.I)
# Leading "=" goes ("a: 1", "= 5") unless a formula-looking label starts with it ("=A1*2").
_LABEL_CLEAN = re.compile(r"^(?:[\s:\-–,.(]|=(?![A-Za-z]))+|[\s:=\-–,.(]+$")


def _pair(item: str) -> tuple[str, Number] | None:
    """'apples 3', 'A: 10', 'Q1=10', '3 apples', '2023 100' -> (label, number)."""
    matches = [m for m in _NUM_TOKEN.finditer(item) if _boundary_ok(item, m)]
    if not matches:
        return None
    last = matches[-1]
    label = _LABEL_CLEAN.sub("", item[: last.start()] + " " + item[last.end() :]).strip()
    number = parse_number(last.group().strip())
    if number is None and len(matches) >= 1:
        return None
    if item[last.end() :].strip() and item[: last.start()].strip():
        return None  # number in the middle: not a label/value pair
    if not label or number is None:
        return None
    return label, number


def label_values(text: str) -> list[tuple[str, Number]] | None:
    """'bananas 4', 'kiwis 6 and figs 2': one or more label/value pairs, or None."""
    items = [i for i in _ITEM_SPLIT.split(text) if i and i.strip()]
    pairs = [_pair(i) for i in items]
    if not pairs or any(p is None for p in pairs):
        return None
    return [p for p in pairs if p is not None]


def _boundary_ok(text: str, m: re.Match[str]) -> bool:
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    return not (
        before.isalnum()
        or after.isalnum()
        or after == "-"
        or (before == "-" and m.start() > 1 and text[m.start() - 2].isalnum())
    )


def _pairs(text: str) -> InlineData | None:
    data = _pairs_from(text)
    if data is not None:
        _title_before_first_label(data)
        return data
    # 'Monthly signups Jan: 120 Feb: 135': a few leading words before the data are a title.
    words = text.split(" ", 7)
    for k in range(1, min(7, len(words))):
        if parse_number(words[k - 1].strip(",:")) is not None:
            break
        data = _pairs_from(" ".join(words[k:]))
        if data is not None:
            data.leftover = " ".join(words[:k])
            return data
    return None


def _title_before_first_label(data: InlineData) -> None:
    """'revenue 2021: 1.2M, 2022: 1.5M': the words before a time sequence's first label are
    a title, not part of the label."""
    first, rest = data.labels[0], data.labels[1:]
    widths = {len(label.split()) for label in rest}
    words = first.split()
    if len(widths) != 1 or len(words) <= (k := widths.pop()):
        return
    label = " ".join(words[-k:])
    if is_time_sequence([label, *rest]):
        data.labels[0] = label
        data.leftover = " ".join(x for x in (" ".join(words[:-k]), data.leftover) if x)


def _pairs_from(text: str) -> InlineData | None:
    pairs = label_values(text) or []
    if len(pairs) < 2:
        pairs = _run_pairs(text)
    if len(pairs) < 2:
        return None
    numbers = [n for _, n in pairs]
    return InlineData(
        labels=[label for label, _ in pairs],
        series=[Series("value", [n.value for n in numbers])],
        number_format=combine_formats(numbers),
    )


_RUN = re.compile(r"(?P<label>[^\s=:\d(][^\s=:]{0,40}|\d{4})\s*[=:]?\s*(?P<num>\S{1,30})")


def _run_pairs(text: str) -> list[tuple[str, Number]]:
    """'Q1=10 Q2=14' or 'apples 3 pears 5': alternating one-word labels and numbers."""
    pairs = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _RUN.match(text, pos)
        if m is None:
            return []
        number = parse_number(m["num"].rstrip(",;"))
        if number is None or (parse_number(m["label"]) is not None and len(m["label"]) != 4):
            return []
        pairs.append((m["label"].strip(",;"), number))
        pos = m.end()
        while pos < len(text) and text[pos] in " ,;":
            pos += 1
    return pairs


def _bare_list(text: str) -> InlineData | None:
    """'1, 2, 2, 3, 10': numbers only (labels become 1..n; a histogram can bin them)."""
    items = _list_items(text)
    if len(items) < 2:
        return None
    numbers = [parse_number(i) for i in items]
    if any(n is None for n in numbers):
        return None
    nums = [n for n in numbers if n is not None]
    return InlineData(
        labels=[str(i + 1) for i in range(len(nums))],
        series=[Series("value", [n.value for n in nums])],
        number_format=combine_formats(nums),
    )


# ----------------------------------------------------------------------------------- public


def parse_inline(text: str) -> InlineData | None:
    """Inline data in the (chart-word-free) text, or None when there is none."""
    lines = [line for line in text.split("\n") if line.strip()]
    found = table_rows(lines)
    if found is not None:
        rows, start, end = found
        # 'sales: 10, 20, 30' lines are named lists, not the rows of a CSV table.
        if not all(_KEYED.fullmatch(",".join(r)) and len(r) > 2 for r in rows[1:]):
            data = table_from_rows(rows)
            if data is not None:
                data.leftover = " ".join(lines[:start] + lines[end:])
                return data
    attempts = [("", text)]
    split = _split_intro(text)
    if split is not None:
        attempts.insert(0, split)
    for head, data_text in attempts:
        data_text = data_text.strip(" \t\n:;,.-")
        for parser in (_keyed_lists, _pairs, _values_for_labels, _bare_list):
            data = parser(data_text)
            if data is not None:
                if head and parser is _bare_list:
                    labels = labels_in_name(head, len(data.labels))  # 'mon tue wed: 12, 14, 9'
                    if labels is not None:
                        data.labels, head = labels, ""
                data.leftover = " ".join(x for x in (head, data.leftover) if x)
                return data
    return None


def labels_in_name(name: str, n: int) -> list[str] | None:
    """The ``n`` labels a name before the numbers spells out: a comma list ('a, b, c') or a
    run of time labels ('mon tue wed'). Not 'total revenue', which names the numbers."""
    items = _list_items(_AND.sub(", ", name))
    if len(items) != n or n < 2 or _VALUE_KEYS.fullmatch(name.strip()):
        return None
    if is_time_sequence(items):
        return items
    listed = "," in name or " and " in name
    return items if listed and all(parse_number(i) is None for i in items) else None


_AND = re.compile(r",?\s+and\s+", re.I)
_FOR = re.compile(
    r"(?:(?P<name>[^\d,:=\n]{1,40}?)\s+of\s+)?(?P<values>[^:=\n]+?)\s+for\s+(?P<labels>[^:=\n]+)",
    re.I,
)


def _values_for_labels(text: str) -> InlineData | None:
    """'12, 14, 9 for mon tue wed', 'sales of 10, 20 and 30 for north, south and east': the
    numbers first, then one label each."""
    m = _FOR.fullmatch(text)
    if m is None:
        return None
    data = _bare_list(_AND.sub(", ", m["values"]))
    if data is None:
        return None
    labels = _list_items(_AND.sub(", ", m["labels"]))
    if len(labels) != len(data.labels):
        data.problem = _count_problem(labels, data.series)
    data.labels = labels
    if m["name"]:
        data.series[0] = Series(m["name"].strip(), data.series[0].values)
    return data


def _count_problem(labels: list[str], series: list[Series]) -> str:
    counts = ", ".join(str(len(s.values)) for s in series)
    return f"I found {len(labels)} labels but {counts} values; give one value per label."


_INTRO = re.compile(r"(?P<head>[^:=\n\d]{1,80}?)\s*:\s*")


def _split_intro(text: str) -> tuple[str, str] | None:
    """'sales by quarter: Q1=10 Q2=14' -> ('sales by quarter', 'Q1=10 Q2=14')."""
    m = _INTRO.match(text)
    if m is None or _KEY_MARK.match(text):
        return None
    rest = text[m.end() :]
    if not rest:
        return None
    return m["head"].strip(), rest


# ------------------------------------------------------------------------------- time labels

_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_LABEL = re.compile(
    r"(?:(?:19|20)\d\d(?:[-/. ]?(?:q[1-4]|h[12]|w\d{1,2}|\d{1,2}(?:[-/.]\d{1,2})?))?"
    r"|(?:q[1-4]|h[12]|w(?:ee)?k?\s?\d{1,2})(?:[-/ ']?(?:19|20)?\d\d)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d\d"
    r"|fy\s?'?\d{2,4}(?:\s?q[1-4])?)",
    re.I,
)


def month_index(label: str) -> int | None:
    """0-11 for a month name ('Jan', 'january', 'Sept 2024'), else None."""
    word = re.match(r"[a-z]+", label.strip().lower())
    if word is None:
        return None
    w = word.group()
    if (
        len(w) >= 3
        and w[:3] in _MONTHS
        and (
            "january february march april may june july august "
            "september sept october november december"
        ).find(w)
        >= 0
    ):
        return _MONTHS.index(w[:3])
    return None


def weekday_index(label: str) -> int | None:
    """0-6 for a weekday name ('Mon', 'tues', 'Friday'), else None."""
    w = label.strip().lower().rstrip(".")
    days = "monday tuesday wednesday thursday friday saturday sunday"
    if len(w) >= 3 and w.isalpha() and w[:3] in _DAYS and days.find(w) >= 0:
        return _DAYS.index(w[:3])
    return None


def is_time_sequence(labels: list[str]) -> bool:
    """True for months, quarters, years, weeks, weekdays or dates (at least two of them)."""
    if len(labels) < 2:
        return False
    for lab in labels:
        s = str(lab).strip().lower()
        if _TIME_LABEL.fullmatch(s):
            continue
        if month_index(s) is not None and re.fullmatch(r"[a-z]+\.?(?:[ \-']?(?:19|20)?\d\d)?", s):
            continue
        if s[:3] in _DAYS and re.fullmatch(r"[a-z]+", s) and len(s) <= 9:
            continue
        return False
    if all(re.fullmatch(r"\d{4}", str(x).strip()) for x in labels):
        return all(1900 <= int(x) <= 2100 for x in labels)
    return True
