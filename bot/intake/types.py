"""Cell typing: one ColumnType per column, values as a person reads them.

A column is typed by its non-missing values: all numbers → NUMBER, all dates → DATE, all
booleans → BOOL, anything else → TEXT (mixed columns are never coerced silently). Blanks and
placeholders such as "n/a" or "#DIV/0!" are tolerated in typed columns and counted as missing.
Nothing in a cell is ever evaluated: "=cmd|..." or "@SUM(...)" is just text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from typing import Any

import numpy as np
from openpyxl.utils.datetime import from_excel

from bot.spec import NumberFormat
from bot.table import Column, ColumnType

PLACEHOLDERS = {
    "n/a", "na", "n.a.", "n.a", "#n/a", "-", "--", "—", "–", "?", "none", "null", "nil", "nan",
    "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#getting_data", "#spill!",
    "#calc!",
}  # fmt: skip
CURRENCY_SYMBOLS = "$€£¥₹₽₩₪"
_NUM_RE = re.compile(
    r"""^(?P<neg1>[-+−]?)\s*(?P<cur1>[$€£¥₹₽₩₪]?)\s*(?P<neg2>[-−]?)
        (?P<num>\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)
        \s*(?P<cur2>[$€£¥₹₽₩₪]?)\s*(?P<pct>%?)$""",
    re.VERBOSE,
)
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_NAME_RE = re.compile(r"(?:^|[^a-z])b?(?:date|fecha|datum|data)(?:$|[^a-z])", re.IGNORECASE)
_FORMAT_DECIMALS_RE = re.compile(r"\.([0#?]+)")
_FORMAT_CURRENCY_RE = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")
SERIAL_MIN, SERIAL_MAX = 367, 73051  # 1901-01-01 .. 2100-01-01 as Excel serials


def looks_numeric_text(s: str) -> bool:
    return parse_number_text(s) is not None


def parse_number_text(s: str) -> tuple[float | int, str, str] | None:
    """``"$1,234.50"`` → (1234.5, "$", "");  ``"12,5 %"`` → (12.5, "", "%"); else None.

    Returns the number as a person reads it, plus the prefix and suffix it was written with.
    """
    s = s.strip()
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    m = _NUM_RE.match(s)
    if m is None:
        return None
    num = m["num"]
    if len(num) > 1 and num[0] == "0" and num[1].isdigit():
        return None  # leading zeros: an identifier (zip code, account), not a quantity
    value = _to_number(num)
    if value is None:
        return None
    if neg or m["neg1"] in ("-", "−") or m["neg2"]:
        value = -value
    return value, m["cur1"], (m["cur2"] or "") + ("%" if m["pct"] else "")


def _to_number(num: str) -> float | int | None:
    num = num.replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    seps = [ch for ch in num if not ch.isdigit()]
    if not seps:
        return int(num)
    if " " in seps:  # spaces group thousands; the decimal mark is the other one, if any
        num = num.replace(" ", "")
        seps = [ch for ch in seps if ch != " "]
        if not seps:
            return int(num)
    last = seps[-1]
    if len(seps) == 1:
        whole, frac = num.split(last)
        if last == "," and len(frac) == 3 and whole:
            return int(whole + frac)  # "1,234": thousands (English reading wins)
        return float(f"{whole or 0}.{frac}")
    if len(set(seps)) == 1:  # "1,234,567" or "1.234.567"
        return int(num.replace(last, ""))
    thousands = seps[0]
    whole, frac = num.replace(thousands, "").split(last)
    return float(f"{whole}.{frac}")


def format_hints(fmt: str | None) -> tuple[str, str, int | None, bool]:
    """Prefix, suffix, decimals and is-percentage from an Excel number format."""
    if not fmt or fmt == "General":
        return "", "", None, False
    section = fmt.split(";")[0]
    cur = _FORMAT_CURRENCY_RE.search(section)
    section_plain = _FORMAT_CURRENCY_RE.sub(lambda m: m.group(1), section)
    plain = re.sub(r'\\(.)|"([^"]*)"', lambda m: m.group(1) or m.group(2), section_plain)
    plain = re.sub(r"\[[^\]]*\]|_.|\*.", "", plain)
    digits = [i for i, ch in enumerate(plain) if ch in "0#?"]
    percent = "%" in plain
    prefix = suffix = ""
    symbols = [(i, ch) for i, ch in enumerate(plain) if ch in CURRENCY_SYMBOLS]
    if cur is not None and cur.group(1):
        sym = cur.group(1)
        pos = plain.find(sym)
        symbols = [(pos, sym)] if pos >= 0 else symbols
    if symbols and digits:
        pos, sym = symbols[0]
        if pos < digits[0]:
            prefix = sym
        else:
            gap = plain[digits[-1] + 1 : pos]
            suffix = (" " if " " in gap else "") + sym
    if percent:
        suffix = suffix + "%"
    dm = _FORMAT_DECIMALS_RE.search(plain)
    decimals = len(dm.group(1)) if dm else (0 if digits else None)
    return prefix, suffix, decimals, percent


def _is_missing_text(s: str) -> bool:
    s = s.strip()
    return not s or s.lower() in PLACEHOLDERS


def _integral(values: list[Any]) -> list[Any]:
    """Whole floats read as ints (years come back as 1952.0 from some producers)."""
    floats = [v for v in values if type(v) is float]
    if floats and all(v.is_integer() for v in floats):
        return [int(v) if type(v) is float else v for v in values]
    return values


def _numbers(values: list[Any], percent: bool) -> tuple[list[Any], int]:
    """A number column's values, typed as a whole with numpy: non-finite → None, a percentage
    format → × 100, and ints when every value is whole (calamine reads every number as float).
    Also how many are missing."""
    arr = np.array(values, dtype=float)  # None → nan
    bad = ~np.isfinite(arr)
    good = arr[~bad]
    if good.size and np.abs(good).max() >= 2**53:  # beyond exact floats: keep Python's numbers
        nums = [None if v is None or not math.isfinite(v) else v for v in values]
        if percent:
            nums = [None if v is None else round(v * 100, 10) for v in nums]
        nums = _integral(nums)
        return nums, nums.count(None)
    if percent:
        arr = np.round(arr * 100, 10)
        good = arr[~bad]
    if good.size and np.array_equal(good, np.trunc(good)):
        out = np.where(bad, 0, arr).astype(np.int64).tolist()
    else:
        out = arr.tolist()
    missing = np.flatnonzero(bad).tolist()
    for i in missing:
        out[i] = None
    return out, len(missing)


def make_column(
    name: str, values: list[Any], fmt: str | None = None, types: set[type] | None = None
) -> tuple[Column, list[str]]:
    """Type one column. ``fmt`` is the column's usual Excel number format; ``types`` the types
    of its values, when already known. Returns notes too."""
    types = (set(map(type, values)) if types is None else types) - {type(None)}
    if types <= {int, float} and types:
        return _number_column(name, values, 0, fmt), []
    if types <= {dt.datetime, dt.date} and types:
        if dt.date in types:  # calamine gives midnights as dates: one type per column
            values = [_at_midnight(v) if type(v) is dt.date else v for v in values]
        return Column(name, ColumnType.DATE, list(values), missing=values.count(None)), []
    if types == {bool}:
        return Column(name, ColumnType.BOOL, list(values), missing=values.count(None)), []
    return _mixed_column(name, values, fmt)


def _at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _number_column(name: str, values: list[Any], missing: int, fmt: str | None) -> Column:
    prefix, suffix, decimals, percent = format_hints(fmt)
    values, missing = _numbers(values, percent)
    return Column(name, ColumnType.NUMBER, values, NumberFormat(prefix, suffix, decimals), missing)


def _classify_text(v: str) -> tuple[str, Any, str, str]:
    """(kind, value, prefix, suffix) of one text cell; kind is missing/bool/number/textdate/text."""
    if _is_missing_text(v):
        return "missing", None, "", ""
    s = v.strip()
    low = s.lower()
    if low in ("true", "false"):
        return "bool", low == "true", "", ""
    num = parse_number_text(s)
    if num is not None:
        return "number", num[0], num[1], num[2]
    if _ISO_DATE_RE.match(s):
        try:
            return "textdate", dt.datetime.fromisoformat(s.replace("T", " ")), "", ""
        except ValueError:
            pass
    return "text", s, "", ""


def _mixed_column(name: str, values: list[Any], fmt: str | None) -> tuple[Column, list[str]]:
    """The slow path: text cells that may hold numbers, dates, booleans or placeholders.

    Each distinct string is classified once (category columns repeat a few values a lot).
    """
    distinct = set(values)
    distinct.discard(None)
    texts = {v: _classify_text(v) for v in distinct if type(v) is str}
    if len(texts) == len(distinct) and all(c[0] == "text" for c in texts.values()):
        if all(c[1] is v for v, c in texts.items()):  # nothing to strip: the usual case
            return Column(name, ColumnType.TEXT, values, missing=values.count(None)), []
        out = [None if v is None else texts[v][1] for v in values]
        return Column(name, ColumnType.TEXT, out, missing=out.count(None)), []

    kinds: Counter[str] = Counter()
    parsed: list[Any] = []
    affixes: Counter[tuple[str, str]] = Counter()
    for v in values:
        t = type(v)
        if v is None:
            parsed.append(None)
        elif t is str:
            kind, value, pre, suf = texts[v]
            kinds[kind] += 1
            parsed.append(value)
            if kind == "number":
                affixes[pre, suf] += 1
        elif t is bool:
            kinds["bool"] += 1
            parsed.append(v)
        elif t is int or t is float:
            kinds["number"] += 1
            parsed.append(v if t is int or math.isfinite(v) else None)
        elif t is dt.datetime or t is dt.date:
            kinds["date"] += 1
            parsed.append(v)
        else:
            kinds["text"] += 1
            parsed.append(_as_text(v))
    present = {k for k, n in kinds.items() if n and k != "missing"}
    missing = parsed.count(None)
    notes: list[str] = []
    if present == {"number"}:
        text_pre, text_suf = affixes.most_common(1)[0][0] if affixes else ("", "")
        col = _number_column(name, parsed, missing, None if text_suf == "%" else fmt)
        if text_pre or text_suf:
            col.number_format = NumberFormat(
                text_pre or col.number_format.prefix,
                text_suf or col.number_format.suffix,
                col.number_format.decimals,
            )
        return col, notes
    if present and present <= {"date", "textdate"}:
        vals = parsed
        if "textdate" in present:
            notes.append(f"read the text in {name} as dates")
            if _midnight_only(parsed):
                vals = [v.date() if isinstance(v, dt.datetime) else v for v in parsed]
        return Column(name, ColumnType.DATE, vals, missing=missing), notes
    if present == {"bool"}:
        return Column(name, ColumnType.BOOL, parsed, missing=missing), notes
    if not present:
        return Column(name, ColumnType.TEXT, [None] * len(values), missing=len(values)), notes
    out = [None if v is None else (v.strip() if type(v) is str else _as_text(v)) for v in values]
    out = [v if v else None for v in out]
    return Column(name, ColumnType.TEXT, out, missing=out.count(None)), notes


def _midnight_only(values: list[Any]) -> bool:
    return all(not isinstance(v, dt.datetime) or v.time() == dt.time() for v in values)


def _as_text(v: Any) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def serial_dates(col: Column) -> tuple[Column, list[str]]:
    """A number column named like a date that holds Excel serials in General format."""
    if col.type is not ColumnType.NUMBER or not _DATE_NAME_RE.search(col.name):
        return col, []
    nums = [v for v in col.values if v is not None]
    if not nums or col.number_format.prefix or col.number_format.suffix:
        return col, []
    if not all(SERIAL_MIN <= v < SERIAL_MAX for v in nums):
        return col, []
    whole = all(float(v).is_integer() for v in nums)
    out: list[object] = []
    for v in col.values:
        if v is None:
            out.append(None)
            continue
        d = from_excel(v)
        out.append(d.date() if whole else d)
    note = f"read {col.name} as dates (Excel date numbers)"
    return Column(col.name, ColumnType.DATE, out, missing=col.missing), [note]
