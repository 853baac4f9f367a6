"""Filters in a request: category values ('only widgets', 'excluding returns'), comparisons
('units over 30'), yes/no columns ('remote only'), years and periods ('for 2024', 'Q1 2024',
'last 6 months'). Each becomes a structured ``Filter``; nothing is evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.spec import Filter
from bot.table import Column, ColumnType
from bot.understand.columns import Mention, ValueMention, norm_words
from bot.understand.inline import month_index
from bot.understand.numbers import parse_number
from bot.understand.query import period
from bot.understand.state import ENTITIES, State, date_columns, year_column

_NEG = {
    "excluding", "exclude", "except", "without", "not", "no", "ignoring", "ignore", "omit",
    "omitting", "skip", "skipping", "minus", "besides", "isn't", "aren't", "other", "non",
    "remove", "drop", "hide", "filter", "excl", "exc", "ex", "apart", "sans", "less",
}  # fmt: skip


_LIST = {"and", "or", ",", "&", "/", "+", "plus", "nor"}


_OPS: list[tuple[tuple[str, ...], str]] = [
    (("greater", "than", "or", "equal", "to"), "ge"),
    (("less", "than", "or", "equal", "to"), "le"),
    (("no", "more", "than"), "le"),
    (("no", "less", "than"), "ge"),
    (("at", "least"), "ge"),
    (("at", "most"), "le"),
    (("more", "than"), "gt"),
    (("greater", "than"), "gt"),
    (("higher", "than"), "gt"),
    (("bigger", "than"), "gt"),
    (("larger", "than"), "gt"),
    (("less", "than"), "lt"),
    (("fewer", "than"), "lt"),
    (("lower", "than"), "lt"),
    (("smaller", "than"), "lt"),
    (("up", "to"), "le"),
    (("equal", "to"), "eq"),
    (("not",), "ne"),
    (("over",), "gt"),
    (("above",), "gt"),
    (("exceeding",), "gt"),
    (("exceed",), "gt"),
    (("under",), "lt"),
    (("below",), "lt"),
    (("equal",), "eq"),
    (("exactly",), "eq"),
    ((">",), "gt"),
    ((">=",), "ge"),
    (("≥",), "ge"),
    (("<",), "lt"),
    (("<=",), "le"),
    (("≤",), "le"),
    (("=",), "eq"),
    (("==",), "eq"),
    (("!=",), "ne"),
    (("≠",), "ne"),
]


_QUARTER = re.compile(r"q([1-4])", re.I)


def relative_dates(st: State) -> None:
    """'last 6 months', 'past 2 years': a window ending at the newest date in the data."""
    dates = date_columns(st.table)
    toks = st.tokens
    for i, t in enumerate(toks):
        if t.norm in ("ytd",):
            t_unit, single = "year", "this"
        elif t.norm not in ("last", "past", "previous", "recent", "this", "current"):
            continue
        else:
            t_unit, single = None, t.norm
        j = i + 1
        n = 1
        counted = j < len(toks) and toks[j].kind == "num"
        if counted:
            num = parse_number(toks[j].text)
            if num is None or not float(num.value).is_integer():
                continue
            n = int(num.value)
            j += 1
        unit = t_unit or st.word(j)
        if unit not in ("day", "week", "month", "quarter", "year"):
            continue
        if t_unit:
            j = i
        if not dates:
            st.out.problems.append("A time window needs a date column, and this table has none.")
            st.take(i, j + 1)
            continue
        col = dates[0]
        newest = max((v for v in col.values if isinstance(v, dt.date)), default=None)
        if newest is None:
            continue
        if not counted and single in ("this", "current", "last", "previous") and unit != "day":
            # 'this year' is the newest period in the data; 'last year' the one before it.
            back = 0 if single in ("this", "current") else 1
            label = _window_start(newest, unit, 1 + back)
            if unit == "week":
                label = period(newest - dt.timedelta(days=7 * back), "week") or label
            st.out.filters.append(Filter(col.name, "eq", label))
            st.out.understood.append(f"{single} {unit} ({label})")
            st.take(i, j + 1)
            continue
        start = _window_start(newest, unit, n)
        st.out.filters.append(Filter(col.name, "ge", start))
        st.out.understood.append(f"the last {n} {unit}{'s' if n != 1 else ''}")
        st.take(i, j + 1)


def _window_start(newest: dt.date, unit: str, n: int) -> str:
    if unit in ("day", "week"):
        days = n if unit == "day" else 7 * n
        day = (newest if not isinstance(newest, dt.datetime) else newest.date()) - dt.timedelta(
            days=days - 1
        )
        return day.isoformat()
    if unit == "year":
        return str(newest.year - n + 1)
    months = n * (3 if unit == "quarter" else 1)
    index = newest.year * 12 + newest.month - 1 - (months - 1)
    if unit == "quarter":
        q_index = newest.year * 4 + (newest.month - 1) // 3 - (n - 1)
        return f"{q_index // 4}-Q{q_index % 4 + 1}"
    return f"{index // 12}-{index % 12 + 1:02d}"


# ------------------------------------------------------------------------------- filters


def ages(st: State) -> None:
    """'older than 40', 'younger than 30': a comparison on the table's age column."""
    age = next((c for c in st.table.columns if "age" in norm_words(c.name)), None)
    for i, t in enumerate(st.tokens):
        if t.norm not in ("older", "younger") or st.word(i + 1) != "than" or i in st.taken:
            continue
        num = parse_number(st.tokens[i + 2].text) if i + 2 < len(st.tokens) else None
        if age is None or num is None or age.type is not ColumnType.NUMBER:
            continue
        op = "gt" if t.norm == "older" else "lt"
        st.out.filters.append(Filter(age.name, op, num.value))
        st.out.understood.append(f"{age.name} {_OP_TEXT[op]} {num.value}")
        st.take(i, i + 3)


def comparisons(st: State, mentions: list[Mention]) -> list[Mention]:
    """'revenue over 1000', 'where units >= 10': numeric filters; their mentions are consumed."""
    keep = []
    toks = st.tokens
    for m in mentions:
        if m.column.type is not ColumnType.NUMBER:
            keep.append(m)
            continue
        j = m.end
        while st.word(j) in ("is", "was", "are", "of", "be", "value"):
            j += 1
        op = None
        for words, name in _OPS:
            if tuple(st.word(j + k) for k in range(len(words))) == words:
                op, j = name, j + len(words)
                break
        if op == "ne" and st.word(j) in ("equal", "equal to"):
            j += 1 + (st.word(j + 1) == "to")
        if op is None or j >= len(toks) or toks[j].kind != "num":
            keep.append(m)
            continue
        num = parse_number(toks[j].text)
        if num is None:
            keep.append(m)
            continue
        st.out.filters.append(Filter(m.column.name, op, num.value))
        st.out.understood.append(f"{m.column.name} {_OP_TEXT[op]} {num.value}")
        if m.note():
            st.out.notes.append(m.note() or "")
        st.take(m.start, j + 1)
    return keep


_TRUE = {"true", "yes", "y", "1"}


def _zero_one(col: Column) -> bool:
    """A number column holding only 0 and 1 ('abandoned_yn') is a yes/no column."""
    if col.type is not ColumnType.NUMBER:
        return False
    some = False
    for v in col.values:  # stops at the first other number: most columns are read in a moment
        if v is None:
            continue
        if v not in (0, 1):
            return False
        some = True
    return some


_FALSE = {"false", "no", "n", "0"}
_PASSIVE = ("been", "was", "were", "is", "are", "be")


def bool_filters(st: State, mentions: list[Mention]) -> list[Mention]:
    """'where remote is true', 'remote only', 'non-remote': a yes/no column as a filter."""
    keep = []
    zero_one: dict[int, bool] = {}  # per column, read once
    for m in mentions:
        if m.column.type is not ColumnType.BOOL and id(m.column) not in zero_one:
            zero_one[id(m.column)] = _zero_one(m.column)
        if m.column.type is not ColumnType.BOOL and not zero_one[id(m.column)]:
            keep.append(m)
            continue
        j = m.end
        while st.word(j) in ("is", "=", "equal", "was", "are"):
            j += 1
        value: bool | None = None
        end = m.end
        before = st.word(m.start - 1)
        if (st.word(j) in _TRUE | _FALSE and j > m.end) or st.word(j) in ("true", "false"):
            value, end = st.word(j) in _TRUE, j + 1
        elif before in ("non", "not", "excluding", "without", "except") or (
            before == "-" and st.word(m.start - 2) == "non"
        ):
            value = False
        elif before in ("only", "just") or st.word(m.end) in ENTITIES | {"only"}:
            value = True
        elif m.column.type is not ColumnType.BOOL and before in _PASSIVE:
            value = True  # 'dogs who have been abandoned'
        if value is None:
            keep.append(m)
            continue
        stored: object = value if m.column.type is ColumnType.BOOL else int(value)
        st.out.filters.append(Filter(m.column.name, "eq", stored))
        st.out.understood.append(f"{m.column.name} = {'yes' if value else 'no'}")
        st.take(m.start, end)
    return keep


_OP_TEXT = {
    "gt": ">",
    "ge": "≥",
    "lt": "<",
    "le": "≤",
    "eq": "=",
    "ne": "≠",
    "in": "in",
    "not_in": "not in",
}


# Words that may stand between a column and its value ('status is open', 'team is not "NYY"').
_VALUE_GAP = {"is", "=", "equal", "of", "was", "are", "not", "isn't", "!", ":", "the", "'", '"'}


def value_filters(st: State, vals: list[ValueMention], mentions: list[Mention]) -> None:
    if not vals:
        return
    # One mention may match values in several columns; prefer a column named next to it.
    named = {m.column.name for m in mentions}
    chosen: list[ValueMention] = []
    by_start: dict[int, list[ValueMention]] = {}
    for v in vals:
        by_start.setdefault(v.start, []).append(v)
    for group in by_start.values():
        best = next((v for v in group if v.column.name in named), group[0])
        chosen.append(best)
        if len(group) > 1:
            st.out.notes.append(
                f"“{best.said}” is a value of "
                f"{', '.join('“' + v.column.name + '”' for v in group)}; "
                f"filtering on “{best.column.name}”."
            )
    chosen.sort(key=lambda v: v.start)
    polarity: list[bool] = []
    for k, v in enumerate(chosen):
        negative = None
        if k and chosen[k - 1].column is v.column:
            between = [st.word(i) for i in range(chosen[k - 1].end, v.start)]
            if all(w in _LIST or w in ("the", "any") for w in between) and len(between) <= 2:
                negative = polarity[k - 1]
        if negative is None:
            negative = False
            i = v.start - 1
            steps = 0
            while i >= 0 and steps < 5:
                w = st.word(i)
                if w in _NEG:
                    negative = w != "filter" or st.word(i + 1) == "out"
                    break
                if (
                    w in ("where", "for", "only", "in", "with", "just", "from", "than")
                    or st.tokens[i].kind == "num"
                ):
                    # 'except for the north', 'apart from', 'other than': still a negation
                    negative = w in ("for", "from", "than", "in") and st.word(i - 1) in _NEG
                    break
                i -= 1
                steps += 1
            if st.word(v.start - 1) == "=" and st.word(v.start - 2) == "!":
                negative = True
        polarity.append(negative)
        if not v.exact:
            st.out.notes.append(f"Reading “{v.said}” as “{v.value}” ({v.column.name}).")
    # A column named right next to its value ("West region", "status is open") is part of it.
    for v in chosen:
        for m in mentions:
            if m.column is not v.column:
                continue
            gap = [st.word(i) for i in range(m.end, v.start)] if m.end <= v.start else None
            after = m.start - v.end if m.start >= v.end else None
            if (gap is not None and len(gap) <= 3 and all(w in _VALUE_GAP for w in gap)) or (
                after is not None and after == 0
            ):
                m.column = v.column
                m.score = -1  # consumed by the filter
                st.take(m.start, m.end)
    groups: dict[tuple[str, bool], list[object]] = {}
    for v, neg in zip(chosen, polarity, strict=True):
        vals_for = groups.setdefault((v.column.name, neg), [])
        if v.value not in vals_for:
            vals_for.append(v.value)
    for (name, neg), items in groups.items():
        if len(items) == 1:
            f = Filter(name, "ne" if neg else "eq", items[0])
        else:
            f = Filter(name, "not_in" if neg else "in", items)
        st.out.filters.append(f)
        shown = ", ".join(str(x) for x in items)
        st.out.understood.append(f"{'excluding' if neg else 'only'} {shown} ({name})")


def year_filters(st: State) -> None:
    toks = st.tokens
    years: list[tuple[int, str, str]] = []  # (token index, op, period label)
    for i, t in enumerate(toks):
        if i in st.taken or t.kind != "num" or not re.fullmatch(r"(19|20)\d\d", t.text):
            continue
        year = t.text
        label = year
        # 'q1 2024', '2024 q1', 'march 2024'
        for j in (i - 1, i + 1):
            if 0 <= j < len(toks) and j not in st.taken:
                q = _QUARTER.fullmatch(toks[j].text)
                mi = month_index(toks[j].text) if toks[j].kind == "word" else None
                if q:
                    label = f"{year}-Q{q.group(1)}"
                elif mi is not None and len(toks[j].text) >= 3:
                    label = f"{year}-{mi + 1:02d}"
                else:
                    continue
                st.take(j, j + 1)
                break
        prev = st.word(i - 1)
        op = "eq"
        if prev in ("since", "from", "starting", "after"):
            op = "ge" if prev != "after" else "gt"
        elif prev in ("before", "until", "till", "through", "thru", "to"):
            op = "lt" if prev == "before" else "le"
        years.append((i, op, label))
        st.take(i, i + 1)
    if not years:
        return
    dates = date_columns(st.table)
    ycol = year_column(st.table)
    target = dates[0] if dates else ycol
    if target is None:
        st.out.problems.append(
            f"“{toks[years[0][0]].text}” looks like a year, "
            "but this table has no date or year column."
        )
        return
    eqs = [label for _, op, label in years if op == "eq"]
    for _, op, label in years:
        if op != "eq":
            value = label if target.type is ColumnType.DATE else int(label[:4])
            st.out.filters.append(Filter(target.name, op, value))
            st.out.understood.append(f"{target.name} {_OP_TEXT[op]} {label}")
    if len(eqs) >= 2 and target.type is ColumnType.DATE and all(len(x) == 4 for x in eqs):
        st.out.compare_years = sorted(eqs)
    if eqs:
        if target.type is not ColumnType.DATE:
            nums = [int(x[:4]) for x in eqs]
            f = (
                Filter(target.name, "eq", nums[0])
                if len(nums) == 1
                else Filter(target.name, "in", nums)
            )
        else:
            f = (
                Filter(target.name, "eq", eqs[0])
                if len(eqs) == 1
                else Filter(target.name, "in", eqs)
            )
        st.out.filters.append(f)
        st.out.understood.append(f"{target.name} {', '.join(eqs)}")
    # Quarters or months named without a year: every year's quarter.
    _bare_periods(st, target)


def _bare_periods(st: State, target: Column) -> None:
    if target.type is not ColumnType.DATE:
        return
    toks = st.tokens
    for i, t in enumerate(toks):
        if i in st.taken or t.kind != "word":
            continue
        prev = st.word(i - 1)
        q = _QUARTER.fullmatch(t.text)
        mi = (
            month_index(t.text)
            if len(t.text) >= 3 and prev in ("in", "for", "during", "only")
            else None
        )
        if not q and mi is None:
            continue
        years = sorted({v.year for v in target.values if isinstance(v, dt.date)})
        labels = [f"{y}-Q{q.group(1)}" if q else f"{y}-{(mi or 0) + 1:02d}" for y in years]
        if labels:
            f = (
                Filter(target.name, "eq", labels[0])
                if len(labels) == 1
                else Filter(target.name, "in", labels)
            )
            st.out.filters.append(f)
            st.out.understood.append(f"{t.text} only")
            st.take(i, i + 1)


# ------------------------------------------------------------------------- ranges, genders


_RANGE_SKIP = ("is", "are", "was", "were", "of", "with", "a", "an", "the", "held", "from")


def between(st: State, mentions: list[Mention]) -> list[Mention]:
    """'a price between 60 and 120', 'held between 2009 and 2011': both ends included."""
    keep = list(mentions)
    toks = st.tokens
    for i, t in enumerate(toks):
        if t.norm != "between" or i in st.taken or i + 3 >= len(toks):
            continue
        lo_t, hi_t = toks[i + 1], toks[i + 3]
        if lo_t.kind != "num" or hi_t.kind != "num" or st.word(i + 2) not in ("and", "to", "-"):
            continue
        lo, hi = parse_number(lo_t.text), parse_number(hi_t.text)
        if lo is None or hi is None:
            continue
        j = i - 1
        while j >= 0 and st.word(j) in _RANGE_SKIP:
            j -= 1
        named = next(
            (m for m in keep if m.end == j + 1 and m.column.type is ColumnType.NUMBER), None
        )
        column = named.column if named is not None else None
        years = all(re.fullmatch(r"(19|20)\d\d", x.text) for x in (lo_t, hi_t))
        if column is None and years:
            column = year_column(st.table)
        if column is None:
            continue
        st.out.filters.append(Filter(column.name, "ge", lo.value))
        st.out.filters.append(Filter(column.name, "le", hi.value))
        st.out.understood.append(f"{column.name} between {lo.value} and {hi.value}")
        st.take(i, i + 4)
        if named is not None:
            st.take(named.start, named.end)
            keep.remove(named)
    return keep


_GENDER_WORDS = {
    "male": "m", "males": "m", "men": "m", "man": "m", "boys": "m", "boy": "m",
    "female": "f", "females": "f", "women": "f", "woman": "f", "girls": "f", "girl": "f",
}  # fmt: skip


def genders(st: State) -> Column | None:
    """'male students' is a filter on a sex/gender column holding M/F (or Male/Female); 'male
    and female faculty' asks for that column as a grouping (returned)."""
    col = next(
        (
            c
            for c in st.table.columns
            if c.type is ColumnType.TEXT and set(norm_words(c.name)) & {"sex", "gender"}
        ),
        None,
    )
    if col is None:
        return None
    values = {str(v).lower(): v for v in col.values if v is not None}
    said = [
        (i, _GENDER_WORDS[t.text.lower()])
        for i, t in enumerate(st.tokens)
        if i not in st.taken and t.text.lower() in _GENDER_WORDS
    ]
    kinds = {k for _, k in said}
    if not said:
        return None
    for i, _ in said:
        st.take(i, i + 1)
    if len(kinds) == 2:
        return col
    kind = said[0][1]
    value = values.get(kind) or values.get({"m": "male", "f": "female"}[kind])
    if value is None:
        return None
    st.out.filters.append(Filter(col.name, "eq", value))
    st.out.understood.append(f"only {value} ({col.name})")
    return None
