"""Candidate roles of the linked columns (dimension, series, measures and how they are
aggregated), each scored by the words around them; the best is kept, with its closest rival.

Aggregation and counting words bind the column right after them; grouping words ('each', 'per',
'by', 'different') make the column after them the dimension; table-name words and key columns
('technician_id' for 'technicians') stand for the rows, which a count counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.spec import ChartType
from bot.table import Column, ColumnType, Table
from bot.understand.columns import STOPWORDS, Mention, norm_words
from bot.understand.intent import Intent, Marker
from bot.understand.link import Links, is_key
from bot.understand.slots import unlinked_slot
from bot.understand.state import ENTITIES, State, date_columns

# Words right before a column that make it the grouping ('for each team', 'by region'), and
# how strongly.
_GROUPERS = {
    "each": 1.5, "every": 1.5, "per": 1.5, "by": 1.5, "across": 1.2, "different": 1.5,
    "various": 1.2, "distinct": 1.2, "respective": 1.0, "individual": 1.0, "all": 0.3,
    "for": 0.4,
}  # fmt: skip


_SKIP = {"the", "a", "an", "of", "all", "their", "its", "each", "every", "different", "for", "in"}


MANY = 24  # mentions beyond which candidates are one per column
MIN_SCORE = 1.0  # a reading below this is not drawn: the reply asks instead


_STANDS_IN = 0.89  # the score of a column read from what a word implies, not from its name


@dataclass
class Weak:
    """No reading good enough to draw: what was understood, and what is missing."""

    reason: str
    understood: list[str]
    missing: str
    refuse: bool = False  # True: say so; False: no reading here, another reader may try


@dataclass
class Roles:
    dim: Mention | None = None
    group: Mention | None = None
    measures: list[tuple[Mention, str]] = field(default_factory=list)  # (column, how)
    count: bool = False
    entity: str | None = None
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    rival: Roles | None = None  # the best reading that draws something else
    margin: float = 99.0  # how far ahead of it this one is


def best_roles(
    st: State, intent: Intent, links: Links, chart: ChartType | None, stacked: bool | None
) -> Roles | Weak:
    mentions = [m for m in links.mentions if m.score >= 0.6]
    targets = {id(m) for m in mentions if _in_order_target(intent, m.start)}
    markers = [m for m in intent.markers if not _in_order_target(intent, m.start)]
    dates = date_columns(st.table)
    if intent.bucket and dates and not any(m.column.type is ColumnType.DATE for m in mentions):
        at = max(intent.bucket_at, 0)
        mentions.append(Mention(at, at + 1, dates[0], 0.9, st.tokens[at].text, []))
        mentions.sort(key=lambda m: m.start)
    named = _name_column(st.table)
    for word, at in links.entities:
        ends = at + 1 >= len(st.tokens) or st.tokens[at + 1].kind != "word"
        ends = ends or st.word(at + 1) in STOPWORDS
        if named is not None and ends and _grouped_at(st, at) >= 0.3:
            mentions.append(Mention(at, at + 1, named, _STANDS_IN, word, []))  # 'each dog'
    blocked = unlinked_slot(st, intent, mentions, markers, links.entities)
    if blocked is not None:
        return Weak(f"no column matches “{blocked}”.", links.understood,
                    "a column or value with that name", refuse=True)  # fmt: skip
    # Aggregation words bind the column right after them ('average price', 'number of cities').
    bound: dict[int, str] = {}
    counted: list[Mention] = []
    for k, mk in enumerate(markers):
        if mk.kind not in ("agg", "count"):
            continue
        nxt = markers[k + 1] if k + 1 < len(markers) else None
        if mk.kind == "agg" and nxt is not None and nxt.kind == "count" and nxt.start <= mk.end + 1:
            mk = Marker("agg", nxt.start, nxt.end, how=mk.how)  # 'average number of units'
            markers[k + 1] = Marker("done", nxt.start, nxt.end)
        target = _next_mention(st, mentions, mk.end, number=mk.kind == "agg")
        if mk.hint and (target is None or target.column.type is not ColumnType.NUMBER):
            hinted = _hint_mention(st.table, mk)
            if hinted is not None:
                mentions = [m for m in mentions if m.column is not hinted.column]
                mentions.append(hinted)
                target = hinted
        if mk.kind == "agg" and (target is None or target.column.type is not ColumnType.NUMBER):
            target = (
                _previous_number(mentions, mk.start) or target
            )  # 'how old is each gender, on average'
        if target is None:
            continue
        if mk.kind == "count" and any(mk.end <= at < target.start for _, at in links.entities):
            continue  # 'how many rooms have king beds': rooms are counted
        if mk.kind == "agg" and target.column.type is ColumnType.NUMBER:
            bound[id(target)] = mk.how
        elif mk.kind == "count":
            if target.column.type is ColumnType.NUMBER and not _counts_rows(target, st):
                bound[id(target)] = "sum"
            else:
                counted.append(target)
    count_words = [m for m in markers if m.kind == "count"]
    x_forced = _axis_mention(st, mentions, markers, "x")
    y_forced = _axis_mention(st, mentions, markers, "y")
    candidates: list[Roles] = []
    # A long message naming the same columns again and again: one candidate per column and
    # grouping strength, so it has as few readings as one saying them once.
    options = [None, *(mentions if len(mentions) <= MANY else _distinct(st, mentions))]
    for dim in options:
        for group in options:
            if group is not None and (dim is None or group is dim or group.column is dim.column):
                continue
            r = _score(st, intent, mentions, dim, group, bound, counted, count_words, chart,
                       stacked, x_forced, y_forced, targets)  # fmt: skip
            if r is not None:
                candidates.append(r)
    if not candidates:
        return Weak("I couldn't tell what to group the values by.", links.understood,
                    "a column to group by (“by …”, “for each …”)")  # fmt: skip
    candidates.sort(key=lambda r: -r.score)
    best = candidates[0]
    if best.score < MIN_SCORE:
        return Weak("I'm not sure which columns you mean.", links.understood,
                    "a column to group by and what to show for it")  # fmt: skip
    rival = next((r for r in candidates[1:] if _shape(r) != _shape(best)), None)
    if rival is not None:
        best.rival, best.margin = rival, best.score - rival.score
    return best


def _score(
    st: State,
    intent: Intent,
    mentions: list[Mention],
    dim: Mention | None,
    group: Mention | None,
    bound: dict[int, str],
    counted: list[Mention],
    count_words: list[Marker],
    chart: ChartType | None,
    stacked: bool | None,
    x_forced: Mention | None,
    y_forced: Mention | None,
    targets: set[int],
) -> Roles | None:
    r = Roles(dim=dim, group=group)
    if group is not None and id(group) in targets:
        return None
    if dim is not None and id(dim) in targets:
        if any(m.column is dim.column for m in mentions if id(m) not in targets):
            return None  # the same column is named outside the order words
        r.score -= 1.0  # 'the number of wines, ordered by year': by year, if nothing else
    used = {id(dim), id(group)}
    scatter = chart is ChartType.SCATTER
    # Measures: bound numeric columns first, then other numeric mentions (raw values).
    for m in mentions:
        if id(m) in used or m.column.type is not ColumnType.NUMBER or id(m) in targets:
            continue
        if dim is not None and m.column is dim.column:
            continue
        if any(m.column is seen.column for seen, _ in r.measures):
            continue
        if id(m) in bound:
            r.measures.append((m, bound[id(m)]))
        elif m not in counted:
            r.measures.append((m, ""))
    if y_forced is not None and y_forced is dim:
        r.score -= 3
    if x_forced is not None:
        r.score += 3 if x_forced is dim else -3
    if scatter:
        return _score_scatter(st, r, dim, bound)
    if dim is None:
        return None  # a total or a distribution: left to the older reader
    # The dimension.
    r.score += 1.0 if dim.column.type is not ColumnType.NUMBER else 0.2
    numeric_dim = dim.column.type is ColumnType.NUMBER
    r.score += _grouped(st, dim) * (0.6 if numeric_dim else 1.0)
    if numeric_dim and intent.limit is not None:
        r.score -= 1.0  # 'top 3 regions by revenue' ranks by the number
    if is_key(dim.column) and not set(norm_words(dim.said)) & {"id", "code", "number", "no"}:
        r.score -= 1.5  # 'product' is rarely the product_id
    if dim.rivals:
        r.score -= 0.5
    if _names_table(st.table, dim):
        r.score -= 0.8  # 'of all aircrafts' in table aircraft: the rows, not a column
    if id(dim) in bound:
        r.score -= 2.5  # 'average price' is a measure, not the axis
    plural = dim.said.lower() != " ".join(norm_words(dim.said))  # 'players', not 'player'
    if dim in counted:
        rivals = [
            m for m in mentions
            if m is not dim and m not in counted and m.column.type is not ColumnType.NUMBER
            and not _names_table(st.table, m) and id(m) not in targets
        ]  # fmt: skip
        # 'the number of the descriptions' is by description, unless another column is named
        if not r.measures and not rivals:
            r.score += 0.8
        else:
            r.score += -0.5 if plural else 0.3  # 'number of players' counts rows
    r.score += 0.5 * dim.score
    if plural and 0 < _grouped(st, dim) < 1.0 and dim not in counted:
        r.score -= 0.6  # 'draft classes for players who play …': players are the rows
    if dim.score == _STANDS_IN:
        r.score -= 1.0  # the table's name column standing in for 'each dog': a last resort
    texts = [m for m in mentions if m.column.type is not ColumnType.NUMBER and id(m) not in targets]
    if dim in texts:
        r.score -= 0.1 * texts.index(dim)  # of two equal readings, the column named first
    # Counting: a count word with nothing numeric bound to it counts rows.
    bound_measures: list[tuple[Mention, str]] = [(m, h) for m, h in r.measures if h]
    raw_measures: list[tuple[Mention, str]] = [(m, h) for m, h in r.measures if not h]
    if bound_measures:
        r.measures = bound_measures[:1] if group is not None else bound_measures
        r.score += 1.0 * len(r.measures)
        r.score -= 0.3 * len(raw_measures)
    elif count_words or counted:
        r.count = True
        r.measures = []
        r.score += 1.0
        r.score -= 0.3 * len(raw_measures)
        r.entity = next((m.said for m in counted if m is not dim), None)
    elif raw_measures:
        r.measures = raw_measures if group is None else raw_measures[:1]
        r.score += 0.6
    else:
        r.count = True  # 'pie chart of nationality': how many rows in each
        r.score += 0.2
    if y_forced is not None and any(m is y_forced for m, _ in r.measures):
        r.score += 1.0
    # The series: only when the words ask for one, or the chart is stacked.
    if group is not None:
        wants = bool(stacked or intent.stacked_words)
        numeric = group.column.type is ColumnType.NUMBER
        if numeric and (id(group) in bound or not intent.stacked_words):
            return None  # a series per number only when asked for ('group by year')
        if any(m.column is group.column for m, _ in r.measures):
            return None
        r.score += 1.0 if wants else -1.5
        if intent.stacked_words and _after_series_word(intent, group):
            r.score += 0.5
        if id(group) in bound:
            r.score -= 2
    else:
        others = [
            m for m in mentions
            if m is not dim and m.column.type is not ColumnType.NUMBER and m not in counted
            and m.column is not dim.column and id(m) not in targets
        ]  # fmt: skip
        if others and (stacked or intent.stacked_words):
            r.score -= 0.8
        r.score -= 0.2 * len(others)
    return r


def _score_scatter(st: State, r: Roles, dim: Mention | None, bound: dict[int, str]) -> Roles | None:
    nums = [m for m, _ in r.measures]
    if dim is None:
        if len(nums) < 2:
            return None
        r.measures = [(nums[0], ""), (nums[1], "")]
        r.score = 2.0
        return r
    if dim.column.type is not ColumnType.NUMBER or id(dim) in bound:
        return None
    aggregated = [(m, h) for m, h in r.measures if h]
    if not aggregated:
        return None
    r.measures = aggregated[:1]
    r.score = 2.5
    return r


def _after_series_word(intent: Intent, m: Mention) -> bool:
    return any(mk.kind == "group" and 0 <= m.start - mk.end <= 2 for mk in intent.markers)


def _next_mention(
    st: State, mentions: list[Mention], after: int, reach: int = 4, number: bool = False
) -> Mention | None:
    """The first mention (``number``: of a number column, else the first one) starting within
    ``reach`` words after token ``after`` ('average song rating' → rating)."""
    i = after
    steps = 0
    first = None
    while i < len(st.tokens) and steps <= reach:
        m = next((m for m in mentions if m.start == i), None)
        if m is not None and (not number or m.column.type is ColumnType.NUMBER):
            return m
        first = first or m
        if st.word(i) not in _SKIP and i not in st.taken:
            steps += 1
        i += 1
        steps += 1 if st.word(i - 1) not in _SKIP else 0
    return first


def _grouped(st: State, m: Mention) -> float:
    """How strongly the words right before the mention make it the grouping ('for each team',
    'by the year'); 0 for none."""
    return _grouped_at(st, m.start)


def _grouped_at(st: State, at: int) -> float:
    """How strongly the words right before token ``at`` make it the grouping."""
    j = at - 1
    while j >= 0 and st.word(j) in ("the", "a", "an", "their", "its", "of"):
        j -= 1
    return _GROUPERS.get(st.word(j), 0.0)


def _in_order_target(intent: Intent, start: int) -> bool:
    o = intent.order
    return o is not None and o.target_start <= start < o.target_end


def _distinct(st: State, mentions: list[Mention]) -> list[Mention]:
    """The first mention of each column for each grouping strength."""
    seen: set[tuple[int, float, bool]] = set()
    out = []
    for m in mentions:
        key = (id(m.column), _grouped(st, m), m.score == _STANDS_IN)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _shape(r: Roles) -> tuple[str, ...]:
    """What a reading draws: its axis, series and measure columns."""
    cols = [r.dim, r.group, *(m for m, _ in r.measures)]
    return (*(m.column.name if m is not None else "" for m in cols), str(r.count))


def describe(r: Roles) -> str:
    what = "count" if r.count else " and ".join(m.column.name for m, _ in r.measures)
    by = r.dim.column.name if r.dim is not None else ""
    return f"{what} by {by}" + (f" and {r.group.column.name}" if r.group is not None else "")


def _previous_number(mentions: list[Mention], before: int) -> Mention | None:
    nums = [m for m in mentions if m.end <= before and m.column.type is ColumnType.NUMBER]
    return nums[-1] if nums else None


def _name_column(table: Table) -> Column | None:
    """The column that names a row ('Name', 'dog_name'), if the table has one."""
    texts = [c for c in table.columns if c.type is ColumnType.TEXT and norm_words(c.name)]
    for c in texts:
        if norm_words(c.name)[-1] == "name":
            return c
    return next((c for c in texts if norm_words(c.name)[-1].endswith("name")), None)


def _names_table(table: Table, m: Mention) -> bool:
    sheet = norm_words(table.sheet)
    return bool(sheet) and norm_words(m.said) == sheet


def _hint_mention(table: Table, mk: Marker) -> Mention | None:
    for c in table.columns:
        if c.type is ColumnType.NUMBER and mk.hint in norm_words(c.name):
            return Mention(mk.start, mk.end, c, 0.8, mk.hint, [])
    return None


def _counts_rows(m: Mention, st: State) -> bool:
    """'number of technicians' (a key column), 'number of years': rows are counted."""
    col = m.column
    words = norm_words(col.name)
    said = norm_words(m.said)
    if is_key(col) and said != words:
        return True
    return bool(set(words) & {"id", "year", "code", "rank", "number"}) or any(
        w in ENTITIES for w in said
    )


def _axis_mention(
    st: State, mentions: list[Mention], markers: list[Marker], axis: str
) -> Mention | None:
    for mk in markers:
        if mk.kind == axis:
            j = mk.start - 1
            while j >= 0 and st.word(j) in ("the", "as", "be", "is", "for", "on"):
                j -= 1
            before = next((m for m in mentions if m.end == j + 1), None)
            if before is not None and j < mk.start - 1:
                return before  # 'institution types as the X-axis'
            nxt = _next_mention(st, mentions, mk.end, reach=3)
            if nxt is not None:
                return nxt
    return None
