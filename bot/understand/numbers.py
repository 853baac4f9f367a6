"""Reading one number as people write it: ``1,234.5``, ``1.234,5``, ``$1.2k``, ``65%``, ``(300)``.

The value is the number as the user sees it (``65%`` is 65, ``$1.2k`` is 1200); the currency sign
or percent goes into the spec's number format instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.spec import NumberFormat

CURRENCY_SIGNS = "$€£¥₹"
_CURRENCY_WORDS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "dollars": "$"}
_SCALES = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mm": 1_000_000,
    "mio": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
_PERCENT = {"%", "pct", "percent"}

_NUMBER = re.compile(
    r"(?P<open>\()?\s?(?P<sign1>[-+])?\s?(?P<cur>[$€£¥₹]|usd|eur|gbp)?\s?(?P<sign2>[-+])?"
    r"(?P<num>\d[\d.,' ]{0,30}\d{1,40}|\d|[.,]\d{1,15})"
    r"\s?(?P<suf>k|mn|mm|mio|m|bn|b|thousand|million|billion|%|pct|percent)?"
    r"\s?(?P<cur2>[$€£¥₹]|usd|eur|gbp|dollars)?\s?(?P<close>\))?",
    re.I,
)
MAX_TOKEN = 48


@dataclass
class Number:
    value: float | int
    prefix: str = ""
    suffix: str = ""

    def number_format(self) -> NumberFormat:
        return NumberFormat(prefix=self.prefix, suffix=self.suffix)


def _digits(num: str) -> str | None:
    """The digits with '.' as decimal point, or None when the separators make no sense."""
    for sep in "' ":
        # '1 234' and "1'234" group thousands; '2023 1 2 3' is four numbers, never 2,023,123.
        if sep in num and not _grouped(re.split(r"[.,]", num)[0], sep):
            return None
        num = num.replace(sep, "")
    if num[0] in ".,":
        return "0." + num[1:]
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        dec = "." if num.rfind(".") > num.rfind(",") else ","
        thou = "," if dec == "." else "."
        if num.count(dec) > 1:
            return None
        whole, frac = num.split(dec)
        return whole.replace(thou, "") + "." + frac if _grouped(whole, thou) else None
    if not dots and not commas:
        return num
    sep = "." if dots else ","
    parts = num.split(sep)
    if len(parts) > 2:
        return num.replace(sep, "") if _grouped(num, sep) else None
    whole, frac = parts
    if not frac:
        return None
    # One separator: "1,234" reads as thousands; "3,5" and "1.234" as decimals.
    if sep == "," and len(frac) == 3 and whole[0] != "0" and len(whole) <= 3:
        return whole + frac
    return whole + "." + frac


def _grouped(num: str, sep: str) -> bool:
    parts = num.split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def parse_number(token: str) -> Number | None:
    """The number one token spells, or None. Never evaluates anything."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN:
        return None
    m = _NUMBER.fullmatch(token)
    if m is None:
        return None
    if bool(m["open"]) != bool(m["close"]):
        return None
    digits = _digits(m["num"])
    if digits is None:
        return None
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    suffix = ""
    suf = (m["suf"] or "").lower()
    if suf in _PERCENT:
        suffix = "%"
    elif suf:
        value *= _SCALES[suf]
    if m["open"] or m["sign1"] == "-" or m["sign2"] == "-":
        value = -value
    cur = m["cur"] or m["cur2"] or ""
    prefix = _CURRENCY_WORDS.get(cur.lower(), cur)
    return Number(tidy(float(value)), prefix, suffix)


def tidy(value: float) -> float | int:
    """Whole numbers as int (cleaner JSON), others rounded off float noise."""
    if isinstance(value, int) or value != value or value in (float("inf"), float("-inf")):
        return value
    rounded = round(value, 9)
    if rounded.is_integer() and abs(rounded) < 1e15:
        return int(rounded)
    return rounded


def combine_formats(numbers: list[Number]) -> NumberFormat:
    """The format shared by a run of numbers: a prefix/suffix used by most of them."""
    prefixes = [n.prefix for n in numbers if n.prefix]
    suffixes = [n.suffix for n in numbers if n.suffix]
    prefix = max(set(prefixes), key=prefixes.count) if prefixes else ""
    suffix = max(set(suffixes), key=suffixes.count) if suffixes else ""
    return NumberFormat(prefix=prefix, suffix=suffix)
