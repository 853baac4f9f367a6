"""A new chart from the active table, read from other people's wording.

Pipeline of typed stages, each testable alone: tokens (``columns.tokenize``) → intent words
(``intent.py``: aggregation, counting, order and its axis, top N, buckets, series, axis roles) →
schema links (``link.py``: columns, values, filters) → scored roles (``roles.py``; words in a
column's place that link to nothing refuse, ``slots.py``) → a typed ``Query`` (here). A weak
best reading is a question, never a guess; a close rival is named in the reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.spec import ChartType
from bot.table import Column, ColumnType, Table
from bot.understand.columns import ColumnIndex, Mention, norm_words
from bot.understand.intent import Intent, Order, agg_word, read_intent
from bot.understand.link import Links, link
from bot.understand.query import Query, auto_bucket
from bot.understand.roles import Roles, Weak, best_roles, describe
from bot.understand.slots import content_word
from bot.understand.state import State

CLOSE_CALL = 1.0  # a rival reading this close is named in the reply


_VALUE_SLOT = ("is", "=", "equal", "are")  # 'where remote is maybe': a value must follow
_VERSUS = {"vs", "versus", "against", "v", "compared"}


_VALUE_WORDS = {"number", "count", "total", "sum", "average", "mean", "value", "frequency"}


@dataclass
class Reading:
    query: Query
    chart: ChartType | None
    score: float
    notes: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    entity: str | None = None  # what a count counts ('technicians')
    margin: float = 99.0  # how far the reading is ahead of the best one that draws otherwise
    rival: str = ""  # that other reading, in words
    scatter_aggregate: bool = False  # points of an aggregate: the x labels are numbers
    axis_words: bool = False  # 'x axis …' named columns, not axis titles


def read(
    text: str,
    table: Table,
    chart: ChartType | None,
    stacked: bool | None,
    strict: list[str] | None = None,
) -> Reading | Weak:
    """The best reading of ``text`` over ``table``. ``strict`` lists words that stand where a
    column or a value must be ('revenue by region and territory'): left unlinked, they refuse."""
    st = State(text, table)
    intent = read_intent(st, text)
    links = link(st)
    if links.problems:
        return Weak(links.problems[0], links.understood, "")
    numbers = [m for m in links.mentions if m.column.type is ColumnType.NUMBER]
    if len(numbers) >= 2 and any(t.norm in _VERSUS for t in st.tokens):
        return Weak("two columns against each other", [], "")  # the older reader knows 'vs'
    sheet = norm_words(table.sheet)
    left = [
        t.text
        for i, t in enumerate(st.tokens)
        if t.text in (strict or [])
        and i not in st.taken
        and norm_words(t.text) != sheet  # 'faculty members' in table Faculty: its rows
        and (content_word(st, i) or t.kind == "num" or st.word(i - 1) in _VALUE_SLOT)
    ]
    if left:
        words = ", ".join(f"“{w}”" for w in dict.fromkeys(left))
        return Weak(f"nothing in the data matches {words}.", links.understood,
                    "a column or value with that name", refuse=True)  # fmt: skip
    if chart is None and intent.scatter_words:
        chart = ChartType.SCATTER  # 'the relationship between snatch and total'
    roles = best_roles(st, intent, links, chart, stacked)
    if isinstance(roles, Weak):
        return roles
    reading = _to_reading(st, intent, links, roles, chart)
    reading.margin = roles.margin
    if roles.rival is not None:
        reading.rival = describe(roles.rival)
        if roles.margin < CLOSE_CALL:
            reading.notes.append(
                f"I read this as {describe(roles)}; it could also mean {reading.rival}."
            )
    return reading


def _to_reading(
    st: State, intent: Intent, links: Links, roles: Roles, chart: ChartType | None
) -> Reading:
    table = st.table
    q = Query(filters=list(links.filters), sheet=table.sheet)
    notes = list(dict.fromkeys(links.notes))
    for m in filter(None, [roles.dim, roles.group, *[m for m, _ in roles.measures]]):
        note = m.note()
        if note and note not in notes:
            notes.append(note)
    if chart is ChartType.SCATTER and roles.dim is None:
        q.kind, q.measures, q.aggregation = (
            "scatter",
            [m.column.name for m, _ in roles.measures],
            "none",
        )
        reading = Reading(q, chart, roles.score, notes, links.understood)
        reading.axis_words = bool(intent.at("x") or intent.at("y"))
        return reading
    assert roles.dim is not None
    dim = roles.dim.column
    q.dimension = dim.name
    if dim.type is ColumnType.DATE:
        q.bucket = intent.bucket or _default_bucket(dim)
    if roles.group is not None:
        q.group = roles.group.column.name
        if roles.group.column.type is ColumnType.DATE:
            q.group_bucket = intent.bucket or "year"
    if roles.count:
        q.aggregation = "count"
    else:
        q.measures = [m.column.name for m, _ in roles.measures]
        hows = {h for _, h in roles.measures if h}
        q.aggregation = hows.pop() if len(hows) == 1 else "sum"
        percents = all(m.column.number_format.suffix == "%" for m, _ in roles.measures)
        if not hows and percents:
            q.aggregation = "mean"
            notes.append("Averaging the percentages (adding them up would mislead).")
    q.limit = intent.limit
    q.sort = _sort(intent.order, roles, st)
    reading = Reading(q, chart, roles.score, notes, links.understood, entity=roles.entity)
    reading.scatter_aggregate = chart is ChartType.SCATTER
    reading.axis_words = bool(intent.at("x") or intent.at("y"))
    if not roles.count and not any(h for _, h in roles.measures):
        reading.notes.append(_raw_note(table, q))
    return reading


def _raw_note(table: Table, q: Query) -> str:
    col = table.column(q.dimension or "")
    values = [v for v in col.values if v is not None]
    if len(set(map(str, values))) < len(values):
        return f"Adding up “{', '.join(q.measures)}” for rows with the same “{col.name}”."
    return ""


def _default_bucket(col: Column) -> str:
    """Dates as they are when they are few; otherwise a bucket that suits their span."""
    distinct = {v for v in col.values if v is not None}
    return "value" if len(distinct) <= 31 else auto_bucket(list(distinct))


def _sort(order: Order | None, roles: Roles, st: State) -> str | None:
    if order is None:
        return None
    axis = order.axis
    if axis is None and order.target_start >= 0:
        span = range(order.target_start, order.target_end)
        dim = roles.dim.column if roles.dim else None
        named = _mentions_in(st, span)
        if any(
            st.word(i) in _VALUE_WORDS or agg_word(st.tokens[i]) or st.word(i) == "many"
            for i in span
        ):
            axis = "y"  # 'by the number of fate', 'by the average age'
        elif dim is not None and any(m.column is dim for m in named):
            axis = "x"
        elif named:
            axis = "y"
    if axis == "x":
        return "x_" + order.direction
    return order.direction


def _mentions_in(st: State, span: range) -> list[Mention]:
    toks = st.tokens[span.start : span.stop]
    return ColumnIndex(st.table).find(toks, set())


__all__ = ["Reading", "Weak", "read"]
