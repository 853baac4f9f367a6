"""Reading column references, filters and grouping words against the active table.

Input is the request text with its presentation words already removed (``request.py``). Output is
a ``Parsed``: which columns are measures and dimensions, the date bucket, structured filters, and
what could not be matched, so the caller can chart it, apply it as an edit, or explain a refusal.
"""

from __future__ import annotations

from bot.table import Column, ColumnType, Table
from bot.understand import filters
from bot.understand.columns import (
    STOPWORDS,
    ColumnIndex,
    Mention,
    ValueIndex,
    norm_words,
)
from bot.understand.link import HEADS
from bot.understand.state import ENTITIES, Parsed, State, date_columns, year_column

_BUCKET_WORDS = {
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "quarter": "quarter",
    "quarterly": "quarter",
    "month": "month",
    "monthly": "month",
    "week": "week",
    "weekly": "week",
    "day": "day",
    "daily": "day",
    "date": None,
    "time": None,
    "timeline": None,
}
_CONNECT = {"by", "per", "each", "every", "across", "vs", "versus", "against", "v", "between"}
_ADD = {"add", "also", "plus", "include", "including", "with"}
_DROP = {"remove", "drop", "without", "hide", "delete", "exclude", "excluding", "minus"}


def parse_columns(text: str, table: Table) -> Parsed:
    st = State(text, table)
    cols = ColumnIndex(table)
    values = ValueIndex(table)
    exact = _between(st, [m for m in cols.find(st.tokens, st.taken) if m.score >= 0.95])
    for m in exact:
        st.take(m.start, m.end)
    _time_words(st, exact)
    filters.relative_dates(st)
    vals = values.find(st.tokens, st.taken)
    for v in vals:
        st.take(v.start, v.end)
    loose = _between(st, cols.find(st.tokens, st.taken), exact)
    for m in loose:
        st.take(m.start, m.end)
    mentions = sorted(exact + loose, key=lambda m: m.start)
    mentions = filters.comparisons(st, mentions)
    filters.ages(st)
    mentions = filters.bool_filters(st, mentions)
    filters.value_filters(st, vals, mentions)
    filters.year_filters(st)
    _roles(st, mentions)
    _unknown(st, mentions)
    return st.out


def _between(st: State, found: list[Mention], others: list[Mention] | None = None) -> list[Mention]:
    """Drop a column named like a connector ('vs' in mtcars) where it sits between two other
    columns: in 'mpg vs hp' it is the word, not the column."""
    named = found + list(others or [])
    return [
        m
        for m in found
        if not (
            m.end - m.start == 1
            and st.word(m.start) in ("vs", "versus", "v")
            and any(o.end <= m.start for o in named)
            and any(o.start >= m.end for o in named)
        )
    ]


# ----------------------------------------------------------------------------- time words


def _time_words(st: State, exact: list[Mention]) -> None:
    dates = date_columns(st.table)
    date_words = {w for d in dates for w in norm_words(d.name)}  # 'start year', 'order month'
    exact_at = {i for m in exact for i in range(m.start, m.end)}
    toks = st.tokens
    for i in range(len(toks)):
        if i in st.taken or i in exact_at:
            continue
        end = _weekday_end(st, i)  # 'weekday', 'day of (the) week'
        if end is not None:
            _take_bucket(st, i, end, "weekday", bool(dates))
    for i, t in enumerate(toks):
        if i in st.taken or i in exact_at or t.norm not in _BUCKET_WORDS:
            continue
        prev = st.word(i - 1)
        bucket = _BUCKET_WORDS[t.norm]
        if t.norm == "time":
            if prev not in ("over", "through", "across", "in", "by", "vs", "versus", "against"):
                continue
        elif t.norm in ("year", "quarter", "month", "week", "day", "date"):
            grouping = prev in ("by", "per", "each", "every", "a", "over", "across", "the", "of")
            grouping = grouping or (prev in date_words and prev != t.norm)
            alone = prev == "" and st.word(i + 1) in ("", "by", "and")
            if not grouping and not alone:
                continue
            if prev == "the" and st.word(i - 2) not in ("by", "per", "over", "across", "each"):
                continue
        if not dates and year_column(st.table) is not None and bucket == "year":
            continue  # a numeric Year column will be matched as a column
        _take_bucket(st, i, i + 1, bucket, bool(dates))


def _weekday_end(st: State, i: int) -> int | None:
    """Where a 'weekday' / 'day of (the) week' starting at token ``i`` ends, if one does."""
    if st.word(i) == "weekday":
        return i + 1
    if st.word(i) in ("day", "days") and st.word(i + 1) == "of":
        j = i + 3 if st.word(i + 2) == "the" else i + 2
        return j + 1 if st.word(j) == "week" else None
    return None


_BUCKET_NAMES = {"weekday": "day of week"}
_LEADS = ("over", "through", "across", "by", "per", "each", "every", "a", "of", "in")


def _take_bucket(st: State, i: int, end: int, bucket: str | None, has_dates: bool) -> None:
    """Tokens ``i:end`` ask for a time grouping (None: the default one)."""
    st.take(i, end)
    if not has_dates:
        text = " ".join(t.text for t in st.tokens[i:end])
        st.out.problems.append(f"“{text}” needs a date column, and this table has none.")
        return
    if st.word(i - 1) in _LEADS:
        st.take(i - 1, i)
    st.out.time_asked = True
    st.out.connector = True
    if bucket:
        st.out.bucket = bucket
        st.out.understood.append(f"by {_BUCKET_NAMES.get(bucket, bucket)}")
    else:
        st.out.understood.append("over time")


def _roles(st: State, mentions: list[Mention]) -> None:
    out = st.out
    live = [m for m in mentions if m.score >= 0]
    split = None
    numeric_ends = {m.end for m in live if m.column.type is ColumnType.NUMBER}
    numeric_starts = {m.start for m in live if m.column.type is ColumnType.NUMBER}
    for i, t in enumerate(st.tokens):
        if i in st.taken:
            continue
        if t.norm == "over" and i in numeric_ends and i + 1 in numeric_starts:
            split, out.connector = i, True  # 'y over x': y by x, x along the axis
            break
        if t.norm in _CONNECT or (t.norm == "for" and st.word(i + 1) in ("each", "every")):
            split = i
            out.connector = True
            if t.norm in ("vs", "versus", "against", "v") or (
                t.norm == "compared" and st.word(i + 1) in ("to", "with")
            ):
                out.versus = True
            break
        if t.norm == "compared" and st.word(i + 1) in ("to", "with"):
            split, out.connector, out.versus = i, True, True
            break
    for m in live:
        note = m.note()
        if note:
            out.notes.append(note)
    for m in live:
        before = [st.word(i) for i in range(max(0, m.start - 2), m.start)]
        if any(w in _ADD for w in before) and m.column.type is ColumnType.NUMBER:
            out.added.append(m.column)
        elif any(w in _DROP for w in before):
            out.dropped.append(m.column)
    out.instead = any(t.norm in ("instead", "rather", "switch", "change") for t in st.tokens)
    left = [m for m in live if split is None or m.start < split]
    right = [m for m in live if split is not None and m.start > split]
    if out.versus:
        out.measures = _unique(
            [m.column for m in left + right if m.column.type is ColumnType.NUMBER]
        )
        out.dims = _unique(
            [m.column for m in left + right if m.column.type is not ColumnType.NUMBER]
        )
        return
    left_num = [m.column for m in left if m.column.type is ColumnType.NUMBER]
    right_num = [m.column for m in right if m.column.type is ColumnType.NUMBER]
    left_cat = [m.column for m in left if m.column.type is not ColumnType.NUMBER]
    right_cat = [m.column for m in right if m.column.type is not ColumnType.NUMBER]
    if left_num:
        measures, dims = left_num, right_cat + right_num
    else:
        measures, dims = right_num, right_cat
    count_entity = False
    if left_cat:
        if dims or out.time_asked:
            count_entity = True  # 'count of customers by region'
            out.entity = left_cat[0].name
        else:
            dims = left_cat + dims
    if count_entity and not measures and not dims:
        dims = left_cat
    out.measures = _unique([c for c in measures if c not in out.dropped])
    out.dims = _unique(dims)
    # Time dimension: a date column named, or the first one when only "monthly" was said.
    dated = [c for c in out.dims if c.type is ColumnType.DATE]
    if out.time_asked and not dated:
        dates = date_columns(st.table)
        if dates:
            out.dims.insert(0, dates[0])
    elif dated and out.dims[0] is not dated[0]:
        out.dims.remove(dated[0])
        out.dims.insert(0, dated[0])


def _unique(cols: list[Column]) -> list[Column]:
    seen: list[Column] = []
    for c in cols:
        if all(c is not s for s in seen):
            seen.append(c)
    return seen


FILLER = set(
    """chart graph plot pic picture image viz visual visualization diagram figure bars bar line
    lines column columns pie please breakdown split distribution share total amount amounts
    group grouped broken down out broke break compare comparing comparison instead rather switch
    change add remove drop also include including set make turn put keep trend trends over
    versus vs top bottom first last best worst highest lowest order sorted sort rank ranked
    where which whose what who each every much many how across within during since until before
    after from between among entire whole overall everything everyone stuff thing things hmm umm
    lol ty u ur r im i'm ive i've id i'd gonna wanna gimme lemme quick quickly asap real really
    actually maybe kinda sorta pretty nice good great cool awesome thanks thank okay alright
    something anything again once more less fewer greater higher lower bigger larger smaller
    than more same other another new old latest current recent previous past next only
    spreadsheet file sheet workbook excel dataset tab doc document filter filters unfiltered
    ones one""".split()  # noqa: SIM905 - a word list reads best as text
)


def _unknown(st: State, mentions: list[Mention]) -> None:
    """Words that look like they meant a column or a value but match nothing."""
    out = st.out
    for i, t in enumerate(st.tokens):
        if i not in st.taken and t.kind == "num":
            # A number nobody claimed ('older than 40'): never drop it silently.
            out.unknown.append(t.text)
            out.unmatched.append(t.text)
            continue
        after_by = st.word(i - 1) in ("by", "per", "each", "across", "vs", "versus")
        if i not in st.taken and t.kind == "word" and t.norm in ENTITIES and not after_by:
            out.entity = t.text  # the user's word reads better than a column name
            continue
        if i in st.taken or t.kind != "word":
            continue
        if _after_filter(st, i) and t.norm not in STOPWORDS:
            out.unknown.append(t.text)
            out.unmatched.append(t.text)
            continue
        low = t.text.lower()
        if t.norm in STOPWORDS or t.norm in FILLER or len(t.norm) < 2:
            continue
        if low in STOPWORDS or low in FILLER:
            continue
        head = next((m for m in mentions if m.start == i + 1 == m.end - 1), None)
        if head is not None and head.said.lower() in HEADS:  # 'customer name' → column name
            out.notes.append(f"Using column “{head.column.name}” for “{t.text} {head.said}”.")
            continue
        out.unknown.append(t.text)
        # Right after a list or filter word it was surely meant as a column or a value.
        j = i - 1
        while j >= 0 and st.word(j) in ("the", "a", "an", "is", "are", "="):
            j -= 1
        if st.word(j) in _STRICT_BEFORE and j not in st.taken:
            out.unmatched.append(t.text)


_STRICT_BEFORE = {
    "and", ",", "&", "or", "by", "per", "vs", "versus", "against", "only", "excluding", "except",
    "without", "where", "exclude", "plus", "for", "in",
}  # fmt: skip


def _after_filter(st: State, i: int) -> bool:
    """'where status is pending': the word after 'where <column> is' is a value to filter on."""
    return st.word(i - 1) in ("is", "=", "equals") and st.word(i - 3) == "where"
