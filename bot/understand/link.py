"""Schema linking: the n-grams of a request scored against the table's column names (whole,
in parts, with synonyms) and the values of its text columns; structured filters read around them.

What links to nothing is left alone: ordinary words ("Find", "them", "list") never sink a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.spec import Filter
from bot.table import Column, Table
from bot.understand import filters
from bot.understand.columns import STOPWORDS, ColumnIndex, Mention, ValueIndex, norm_words
from bot.understand.state import State

# Words people use for a column that is named otherwise ('gender' for a column called Sex).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "gender": ("sex",),
    "sex": ("gender",),
    "old": ("age",),
    "nation": ("country", "nationality"),
    "country": ("nation", "nationality"),
    "salary": ("wage", "pay"),
    "wage": ("salary",),
    "cost": ("price",),
    "price": ("cost",),
    "job": ("occupation", "title", "role"),
    "city": ("town",),
}

_PASSIVE = {"been", "being", "be"}
# A column named only by its kind of value ("name", "id"): a word before it says whose.
HEADS = {"name", "names", "id", "code", "title", "label", "number", "no", "type", "kind"}

# Columns that name a row by a key ('technician_id', 'dormid'), not a category ('city_code').
_KEYS = {"id", "key", "no", "number", "num"}


@dataclass
class Links:
    mentions: list[Mention]  # columns named and not consumed by a filter, in order
    filters: list[Filter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    entities: list[tuple[str, int]] = field(default_factory=list)  # the rows: 'technicians'


def is_key(col: Column) -> bool:
    """A column that names rows ('technician_id'): 'technicians' means the rows, not a sum."""
    words = norm_words(col.name)
    if len(words) == 1:
        return words[0] == "id" or (len(words[0]) > 4 and words[0].endswith("id"))
    return words[-1] in _KEYS


def link(st: State) -> Links:
    """Columns and values named in the untaken tokens of ``st``; filters are consumed."""
    cols = ColumnIndex(st.table)
    values = ValueIndex(st.table)
    exact = [m for m in cols.find(st.tokens, st.taken) if m.score >= 0.95]
    for m in exact:
        st.take(m.start, m.end)
    # A value said as a verb ('has each nominee been nominated') is no filter.
    vals = [v for v in values.find(st.tokens, st.taken) if st.word(v.start - 1) not in _PASSIVE]
    for v in vals:
        st.take(v.start, v.end)
    loose = cols.find(st.tokens, st.taken)
    for m in loose:
        st.take(m.start, m.end)
    synonyms = _synonyms(st)
    gender_at = next(
        (i for i, t in enumerate(st.tokens) if i not in st.taken and t.norm in ("male", "female")),
        -1,
    )
    grouping = filters.genders(st)
    if grouping is not None:  # 'male and female faculty': by sex
        synonyms.append(Mention(gender_at, gender_at + 1, grouping, 0.85, "male and female", []))
    mentions = sorted(exact + loose + synonyms, key=lambda m: m.start)
    mentions = filters.between(st, mentions)
    mentions = filters.comparisons(st, mentions)
    filters.ages(st)
    mentions = filters.bool_filters(st, mentions)
    filters.value_filters(st, vals, mentions)
    filters.year_filters(st)
    out = st.out
    live = [m for m in mentions if m.score >= 0]
    sheet = norm_words(st.table.sheet)
    entities = [m for m in live if _entity(m, sheet)]
    live = [m for m in live if not _entity(m, sheet)]
    found = Links(live, list(out.filters), list(out.notes), list(out.problems), out.understood)
    found.notes += _whose(st, live)
    found.entities = [(m.said, m.start) for m in entities]
    return found


def _whose(st: State, mentions: list[Mention]) -> list[str]:
    """'customer name' where the column is just 'name': the word before says whose; say so."""
    notes = []
    for m in mentions:
        before = m.start - 1
        if m.said.lower() not in HEADS or before < 0 or before in st.taken:
            continue
        t = st.tokens[before]
        if t.kind == "word" and t.norm not in STOPWORDS and len(t.norm) > 2:
            notes.append(f"Using column “{m.column.name}” for “{t.text} {m.said}”.")
    return notes


def _entity(m: Mention, sheet: list[str]) -> bool:
    """'technicians' for the column technician_id, 'wines' for Winery in table WINE: the rows
    themselves, not that column."""
    said = norm_words(m.said)
    if m.score < 1 and said == sheet:
        return True
    return is_key(m.column) and m.score < 1 and not set(said) & _KEYS


def _synonyms(st: State) -> list[Mention]:
    table: Table = st.table
    found: list[Mention] = []
    for i, t in enumerate(st.tokens):
        if i in st.taken or t.kind != "word":
            continue
        for other in SYNONYMS.get(t.norm, ()):
            col = next((c for c in table.columns if norm_words(c.name)[-1:] == [other]), None)
            if col is not None:
                found.append(Mention(i, i + 1, col, 0.8, t.text, []))
                st.take(i, i + 1)
                break
    return found
