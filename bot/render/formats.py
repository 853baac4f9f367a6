"""How numbers and date-like labels read on a chart and in its description."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence

from matplotlib.ticker import Formatter

from bot.spec import NumberFormat

MINUS = "\u2212"  # a real minus sign reads better than a hyphen on axes
_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _compact(value: float, decimals: int | None) -> str:
    magnitude = abs(value)
    for scale, unit in _UNITS:
        if magnitude >= scale * 0.9995:
            mantissa = magnitude / scale
            if decimals is not None:
                return _trim(f"{mantissa:.{decimals}f}") + unit
            return _trim(f"{mantissa:.1f}" if mantissa < 100 else f"{mantissa:.0f}") + unit
    return _trim(_plain(magnitude, decimals)) if decimals else _plain(magnitude, decimals)


def _plain(magnitude: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{magnitude:,.{decimals}f}"
    if abs(magnitude - round(magnitude)) < 1e-9 * max(1.0, magnitude):
        return f"{magnitude:,.0f}"
    places = 2 if magnitude >= 1 else 3 if magnitude >= 0.01 else 6
    return _trim(f"{magnitude:,.{places}f}")


def format_number(
    value: float | None,
    fmt: NumberFormat | None = None,
    *,
    compact: bool = False,
    decimals: int | None = None,
    minus: str = "-",
) -> str:
    """``1234.5`` → ``"$1,234.5"``, compact ``"$1.2k"``. The sign goes before the prefix."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    fmt = fmt or NumberFormat()
    if decimals is None:
        decimals = fmt.decimals
    body = _compact(value, decimals) if compact else _plain(abs(value), decimals)
    negative = value < 0 and body.strip("0.,kMBT") != ""
    return f"{minus if negative else ''}{fmt.prefix}{body}{fmt.suffix}"


def needs_compact(values: Sequence[float]) -> bool:
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return bool(finite) and max(finite) >= 10_000


class AxisFormatter(Formatter):
    """Tick labels in the spec's number format, one consistent precision across the axis."""

    def __init__(self, fmt: NumberFormat, *, log: bool = False) -> None:
        self.fmt = fmt
        self.log = log
        self.compact = False
        self.decimals: int | None = 0

    def set_locs(self, locs: Sequence[float]) -> None:
        super().set_locs(locs)
        finite = [v for v in locs if math.isfinite(v)]
        self.compact = needs_compact(finite)
        self.decimals = self._decimals_for(finite)

    def _decimals_for(self, locs: list[float]) -> int | None:
        if self.log:
            return None  # powers of ten and their multiples: let each tick choose
        scaled = list(locs)
        if self.compact:
            top = max((abs(v) for v in locs), default=0.0)
            scale = next((s for s, _ in _UNITS if top >= s), 1.0)
            scaled = [v / scale for v in locs]
        # The fewest decimals that keep every tick distinct and exact.
        for places in range(0, 7):
            if all(abs(v - round(v, places)) < 1e-9 * max(1.0, abs(v)) for v in scaled):
                return places
        return 6

    def __call__(self, value: float, pos: int | None = None) -> str:
        if abs(value) < 1e-12:
            value = 0.0
        return format_number(
            value, self.fmt, compact=self.compact, decimals=self.decimals, minus=MINUS
        )


# ---- date-like labels -------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*-?\s*(\d{4})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_kind(labels: Sequence[str]) -> str | None:
    """``"year"``, ``"quarter"``, ``"month"`` or ``"date"`` when every label is one; else None."""
    present = [s.strip() for s in labels if s.strip()]
    if not present:
        return None
    if all(_YEAR.fullmatch(s) and 1800 <= int(s) <= 2200 for s in present):
        return "year"
    if all(_QUARTER.fullmatch(s) for s in present):
        return "quarter"
    if all((m := _MONTH.fullmatch(s)) and 1 <= int(m.group(2)) <= 12 for s in present):
        return "month"
    if all(_DATE.fullmatch(s) for s in present):
        try:
            for s in present:
                parse_date(s)
        except ValueError:
            return None
        return "date"
    return None


def parse_date(label: str) -> dt.datetime:
    text = label.strip().replace("Z", "+00:00")
    value = dt.datetime.fromisoformat(text)
    return value.replace(tzinfo=None)


def period_parts(label: str, kind: str) -> tuple[int, int]:
    """(year, sub-period) of a year/quarter/month label; sub-period is 1 for years."""
    text = label.strip()
    if kind == "quarter":
        m = _QUARTER.fullmatch(text)
        assert m is not None
        return (
            (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
        )
    if kind == "month":
        year, month = text.split("-")
        return int(year), int(month)
    return int(text), 1


def readable_label(label: str, kind: str | None) -> str:
    """``2024-01`` → ``Jan 2024``, ``2024-Q1`` → ``Q1 2024``, ``2024-01-15`` → ``15 Jan 2024``."""
    if not label.strip():
        return label
    if kind == "month":
        year, month = period_parts(label, kind)
        return f"{MONTHS[month - 1]} {year}"
    if kind == "quarter":
        year, quarter = period_parts(label, kind)
        return f"Q{quarter} {year}"
    if kind == "date":
        value = parse_date(label)
        text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
        if value.time() != dt.time(0):
            text += f" {value:%H:%M}"
        return text
    return label


def period_ticks(
    labels: Sequence[str],
    kind: str,
    unit_in: float,
    width_of: Callable[[str], float],
    positions: Sequence[float] | None = None,
) -> list[tuple[int, str]]:
    """Tick positions and texts for a run of year/quarter/month labels, on round boundaries.

    Months step by 1, 2, 3, 6 or 12 (January, April, …); the year is written on the first tick
    and wherever it changes, so a 3-year monthly axis reads "Jan 2024, Apr, Jul, Oct, Jan 2025".
    ``unit_in`` is the distance in inches of one unit of ``positions`` (default: the label
    indexes) and ``width_of`` measures a text in inches: the smallest step whose neighbouring
    tick texts do not touch wins.
    """
    parts = [period_parts(s, kind) if s.strip() else None for s in labels]
    per_year = {"year": 1, "quarter": 4, "month": 12}[kind]
    steps = {
        "year": (1, 2, 5, 10, 20, 50, 100, 200),
        "quarter": (1, 2, 4, 8, 20, 40, 80),
        "month": (1, 2, 3, 6, 12, 24, 60, 120, 240),
    }[kind]
    at = positions if positions is not None else range(len(labels))
    ticks: list[tuple[int, str]] = []
    for step in steps:
        ticks = _period_ticks_every(parts, kind, per_year, step)
        widths = [width_of(text) for _, text in ticks]
        if all(
            (widths[i] + widths[i + 1]) / 2 + 0.12
            <= (at[ticks[i + 1][0]] - at[ticks[i][0]]) * unit_in
            for i in range(len(ticks) - 1)
        ):
            break
    if not ticks:  # irregular data that never hits a boundary: fall back to even spacing
        each = max((width_of(readable_label(s, kind)) for s in labels), default=0.5) + 0.15
        stride = max(1, math.ceil(each / max(unit_in, 1e-6)))
        ticks = [(i, readable_label(labels[i], kind)) for i in range(0, len(labels), stride)]
    return ticks


def _period_ticks_every(
    parts: list[tuple[int, int] | None], kind: str, per_year: int, step: int
) -> list[tuple[int, str]]:
    ticks: list[tuple[int, str]] = []
    last_year = None
    for index, part in enumerate(parts):
        if part is None:
            continue
        year, sub = part
        ordinal = year * per_year + sub - 1
        if ordinal % step:
            continue
        if kind == "year" or step >= per_year:
            text = str(year)
        else:
            name = MONTHS[sub - 1] if kind == "month" else f"Q{sub}"
            text = f"{name} {year}" if year != last_year else name
        last_year = year
        ticks.append((index, text))
    return ticks


def as_number(label: object) -> float | None:
    """A label as a number if it plainly is one (``"12"``, ``"1,200"``, ``"-3.5"``); else None."""
    if isinstance(label, bool):
        return None
    if isinstance(label, int | float):
        return float(label) if math.isfinite(label) else None
    if not isinstance(label, str):
        return None
    text = label.strip().replace(",", "").replace("\u2212", "-")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None
