"""Intent words of a request over a table: aggregation and counting, order and its axis, top N,
axis roles, time buckets and series words, each found once with the tokens it covers.

Rules are tables of token patterns → what they mean; a pattern is a tuple of alternatives per
token (``"number|no"``), so misspellings and variants sit beside the rule they belong to. The
tokens a rule covers are taken, so schema linking (``link.py``) never reads them as columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.understand.columns import Token, close, norm_words
from bot.understand.state import State, date_columns

# ------------------------------------------------------------------------------ aggregations

# Words naming an aggregation (after normalisation: singular, abbreviations expanded).
AGG_WORDS: dict[str, str] = {
    "average": "mean", "mean": "mean", "averaged": "mean", "avg": "mean",
    "sum": "sum", "total": "sum", "summed": "sum", "combined": "sum", "overall": "sum",
    "minimum": "min", "min": "min", "minimal": "min", "lowest": "min", "smallest": "min",
    "least": "min", "youngest": "min", "earliest": "min", "fewest": "min", "cheapest": "min",
    "maximum": "max", "max": "max", "maximal": "max", "highest": "max", "largest": "max",
    "biggest": "max", "greatest": "max", "oldest": "max", "latest": "max", "most": "max",
}  # fmt: skip
# Misspellings are matched loosely only against these (long, distinctive) words.
_FUZZY_AGG = ("average", "minimum", "maximum", "maximal", "minimal", "total")

# An aggregation word that also says which column: 'youngest' is the minimum age.
AGG_HINTS: dict[str, str] = {"youngest": "age", "oldest": "age", "cheapest": "price"}

# Counting phrases: the rows are counted ("the number of documents", "how many allergies").
COUNT_PATTERNS: list[tuple[str, ...]] = [
    ("total", "number", "of"),
    ("total", "number"),
    ("number", "of"),
    ("no.", "of"),
    ("how", "many"),
    ("count", "of"),
    ("count",),
    ("counts",),
    ("frequency", "of"),
    ("frequency",),
    ("number",),
]


@dataclass
class Marker:
    """An intent word found at tokens ``start:end``."""

    kind: str  # "agg" | "count" | "x" | "y" | "group" | "by"
    start: int
    end: int
    how: str = ""  # the aggregation, for "agg"
    hint: str = ""  # a column kind the word implies ('youngest' → age)


@dataclass
class Order:
    direction: str  # "asc" | "desc"
    axis: str | None  # "x" | "y" | None (the words name no axis)
    target_start: int = -1  # tokens naming what to sort by ('by the total number')
    target_end: int = -1


@dataclass
class Intent:
    markers: list[Marker] = field(default_factory=list)
    order: Order | None = None
    limit: int | None = None
    bucket: str | None = None
    bucket_at: int = -1
    stacked_words: bool = False  # 'group by', 'stacked by': a second grouping is a series
    scatter_words: bool = False  # 'the relationship between A and B', 'correlation'

    def at(self, kind: str) -> list[Marker]:
        return [m for m in self.markers if m.kind == kind]


# --------------------------------------------------------------------------- token helpers


def _words(st: State, i: int, n: int) -> tuple[str, ...]:
    return tuple(st.word(i + k) for k in range(n))


def _low(tok: Token) -> str:
    return tok.text.lower()


def _matches(st: State, i: int, pattern: tuple[str, ...]) -> bool:
    for k, alt in enumerate(pattern):
        if i + k >= len(st.tokens) or (i + k) in st.taken:
            return False
        tok = st.tokens[i + k]
        if st.word(i + k) not in alt.split("|") and _low(tok) not in alt.split("|"):
            return False
    return True


def agg_word(tok: Token) -> str | None:
    """The aggregation a word names, misspellings included ('avrage', 'averge')."""
    low = tok.text.lower()
    for w in (low, tok.norm):
        if w in AGG_WORDS:
            return AGG_WORDS[w]
    if tok.kind != "word" or len(low) < 5:
        return None
    for target in _FUZZY_AGG:
        if low[0] == target[0] and close(low, target):
            return AGG_WORDS[target]
    return None


# --------------------------------------------------------------------------------- orders

_ASC = re.compile(
    r"\b(?:asc(?:ending)?|increasing|in\s+alphabetical|alphabetical(?:ly)?|a\s*(?:-|to)\s*z|"
    r"(?:from\s+)?(?:the\s+)?(?:low(?:est)?|small(?:est)?|least|min)\s+to\s+(?:the\s+)?"
    r"(?:high(?:est)?|large(?:st)?|big(?:gest)?|great(?:est)?|most|max))\b",
    re.I,
)
_DESC = re.compile(
    r"\b(?:desc(?:ending)?|decreasing|reverse\s+alphabetical|z\s*(?:-|to)\s*a|"
    r"(?:from\s+)?(?:the\s+)?(?:high(?:est)?|large(?:st)?|big(?:gest)?|great(?:est)?|most|max)"
    r"\s+to\s+(?:the\s+)?(?:low(?:est)?|small(?:est)?|least|min))\b",
    re.I,
)
_ORDER_BY = re.compile(r"\b(?:order(?:ed)?|sort(?:ed)?|rank(?:ed)?)\s+by\b", re.I)
_VERBS = {
    "sort", "sorted", "sorting", "order", "ordered", "ordering", "rank", "ranked", "ranking",
    "arrange", "arranged", "list", "listed", "display", "displayed", "show", "showing", "put",
}  # fmt: skip
_ORDER_NOISE = {
    "by", "the", "in", "from", "order", "please", "can", "you", "could", "i", "want", "to",
    "and", "a", "an", "of", "with", "it", "them", "show", "display", "list", "sort", "rank",
    "arrange", "?", ",", ".", "bar", "bars", "axis", "x", "y", "-", "would", "like", "also",
}  # fmt: skip
_VALUE_NAMES = {"number", "count", "total", "sum", "average", "mean", "frequency", "many"}
_X_WORDS = {"x", "bar", "bars", "name", "names", "label", "labels", "alphabetical", "alphabet"}
_Y_WORDS = {"y", "value", "values", "height", "size"}


def _explicit_x(st: State, start: int, end: int) -> bool:
    return any(
        st.tokens[i].text.lower() in ("x", "x-axis") and st.word(i + 1) in ("axis", "-", "")
        for i in range(start, end)
    )


def _order(st: State, text: str, intent: Intent) -> None:
    """'sort by the x-axis in desc', 'from low to high by the Y-axis', 'rank names in asc'."""
    found = [(m, "asc") for m in _ASC.finditer(text)] + [(m, "desc") for m in _DESC.finditer(text)]
    if not found:
        found = [(m, "asc") for m in _ORDER_BY.finditer(text)]  # 'ordered by the floors'
    if not found:
        return
    m, direction = min(found, key=lambda f: f[0].start())
    lo, hi = m.start(), m.end()
    alpha = "alphabet" in m.group(0).lower()
    toks = st.tokens
    inside = [i for i, t in enumerate(toks) if t.start >= lo and t.end <= hi]
    if not inside:
        return
    first, last = inside[0], inside[-1]
    # The words around the direction name the axis: look back to the sort verb (or the clause
    # start) and forward to the clause end.
    start = first
    while start > 0 and toks[start - 1].text not in (",", ".", "?", ";", "!") and first - start < 9:
        start -= 1
    # Words before the sort verb are the request itself ('revenue by region sorted ascending');
    # with no verb, only a 'by …' right before the direction names what to sort by.
    verbs = [i for i in range(start, first) if toks[i].text.lower() in _VERBS]
    if verbs:
        start = verbs[-1]
    else:
        bys = [i for i in range(start, first) if st.word(i) == "by"]
        said = {st.word(i) for i in range(bys[-1], first)} if bys else set()
        # 'by the total number in desc' sorts; 'revenue by region in ascending order' groups
        start = bys[-1] if said & (_X_WORDS | _Y_WORDS | _VALUE_NAMES) else first
    end = last + 1
    while end < len(toks) and toks[end].text not in (",", ".", "?", ";", "!") and end - last < 9:
        end += 1
    axis = "x" if alpha else None
    target: list[int] = []
    for i in [*range(start, first), *range(last + 1, end)]:
        w, low = st.word(i), toks[i].text.lower()
        if (w == "axis" or low in ("x-axis", "y-axis")) and st.word(i - 1) in ("x", "y"):
            axis = st.word(i - 1)
        elif low in ("x", "y") and (
            st.word(i + 1) in ("axis", "-", "")
            or st.word(i - 1) in ("by", "the", "sort", "order", "rank", "list")
            or st.word(i + 1) in ("in", "from", "asc", "desc", "ascending", "descending")
        ):
            axis = axis or low
        elif low in _X_WORDS and axis is None:
            axis = "x"
        elif low in _Y_WORDS and axis is None:
            axis = "y"
        elif w not in _ORDER_NOISE and low not in _ORDER_NOISE:
            target.append(i)
    said = {st.word(i) for i in target} | {toks[i].text.lower() for i in target}
    if axis in (None, "x") and said & _VALUE_NAMES and not _explicit_x(st, start, end):
        axis = "y"  # 'by the how many name', 'by the number of fate'
    order = Order(direction, axis)
    if target:
        order.target_start, order.target_end = target[0], target[-1] + 1
    intent.order = order
    # The order words are taken; the target words stay for linking (they name a column).
    for i in range(start, end):
        if i not in target:
            st.take(i, i + 1)


# ------------------------------------------------------------------------------------ top N

_TOP = re.compile(
    r"\b(?:top|first|the)\s+(?P<n>\d{1,3})\b(?!\s*(?:%|percent))|\b(?P<m>\d{1,3})\s+"
    r"(?:most|largest|biggest|highest|greatest|best|top)\b",
    re.I,
)
_BOTTOM = re.compile(
    r"\b(?:bottom|last)\s+(?P<n>\d{1,3})\b|\b(?P<m>\d{1,3})\s+(?:least|smallest|lowest|fewest"
    r"|worst)\b",
    re.I,
)


def _top(st: State, text: str, intent: Intent) -> None:
    for pattern, direction in ((_TOP, "desc"), (_BOTTOM, "asc")):
        m = pattern.search(text)
        if m is None:
            continue
        if (
            pattern is _TOP
            and m.group(0).lower().startswith("the ")
            and not re.match(
                r"\s*(?:most|largest|biggest|highest|greatest|best|top)\b", text[m.end() :], re.I
            )
        ):
            continue
        intent.limit = int(m["n"] or m["m"])
        if intent.order is None:
            intent.order = Order(direction, "y")
        for i, t in enumerate(st.tokens):
            if t.start >= m.start() and t.end <= m.end():
                st.take(i, i + 1)
        return


# ------------------------------------------------------------------------------ axis roles


def _axes(st: State, intent: Intent) -> None:
    """'x axis product type, y axis maximal price', 'the x-axis is winery'."""
    toks = st.tokens
    for i in range(len(toks)):
        if i in st.taken:
            continue
        low = toks[i].text.lower()
        if low in ("x", "y") and st.word(i + 1) in ("axis", "axes"):
            end = i + 2
        elif low in ("x", "y") and st.word(i + 1) == "-" and st.word(i + 2) == "axis":
            end = i + 3
        else:
            continue
        while st.word(end) in ("is", "are", "be", "show", "shows", "for", "as", "of", "the", ":"):
            end += 1
        intent.markers.append(Marker(low, i, end))
        st.take(i, end)


# ------------------------------------------------------------------------ aggregation words


def _aggs(st: State, intent: Intent) -> None:
    toks = st.tokens
    i = 0
    while i < len(toks):
        if i in st.taken:
            i += 1
            continue
        if _exact_column(st, i):
            i += 1
            continue
        matched = next((p for p in COUNT_PATTERNS if _matches(st, i, p)), None)
        if matched is not None and any(_exact_column(st, i + k) for k in range(1, len(matched))):
            # 'total number of platforms' with a column Number_of_Platforms: its total
            intent.markers.append(Marker("agg", i, i + 1, how="sum"))
            st.take(i, i + 1)
            i += 1
            continue
        if matched is not None and not (
            matched == ("number",) and st.word(i + 1) not in ("", "from", "by", "for", "in")
        ):
            intent.markers.append(Marker("count", i, i + len(matched)))
            st.take(i, i + len(matched))
            i += len(matched)
            continue
        how = agg_word(toks[i])
        if how is not None and not _is_top(st, i):
            end = i + 1 + (st.word(i + 1) == "of")
            hint = AGG_HINTS.get(toks[i].text.lower(), "")
            intent.markers.append(Marker("agg", i, end, how=how, hint=hint))
            st.take(i, end)
            i = end
            continue
        i += 1


def _is_top(st: State, i: int) -> bool:
    """'5 largest', 'most highly rated': ranking words, not an aggregation."""
    prev = st.tokens[i - 1] if i > 0 else None
    return prev is not None and prev.kind == "num"


# ------------------------------------------------------------------------- buckets, series

_BUCKETS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year",
    "month": "month", "monthly": "month", "quarter": "quarter", "quarterly": "quarter",
    "weekday": "weekday", "week": "week", "weekly": "week", "day": "day", "daily": "day",
}  # fmt: skip


def _bucket(st: State, intent: Intent) -> None:
    """'bin the date by year', 'by month', 'per year', 'day of the week'."""
    toks = st.tokens
    for i in range(len(toks)):
        w = st.word(i)
        if w in ("bin", "binning"):
            # 'bin X by year' / 'bin by month': find the unit within a few words
            for j in range(i + 1, min(len(toks), i + 8)):
                unit = _BUCKETS.get(st.word(j))
                if unit is None and st.word(j) == "day" and st.word(j + 2) == "week":
                    unit = "weekday"
                if unit is not None and st.word(j - 1) in ("by", "into", "per", "in", "of", "the"):
                    if unit == "day" and st.word(j + 1) == "of":
                        unit = "weekday"
                        st.take(j, j + 4 if st.word(j + 2) == "the" else j + 3)
                    intent.bucket, intent.bucket_at = unit, j
                    st.take(i, i + 1)
                    st.take(j - 1, j + 1)
                    return


_LEADS = {"by", "per", "each", "every", "over", "across", "a", "in", "of"}
_ADVERBS = {"yearly", "annual", "annually", "monthly", "quarterly", "weekly", "daily"}


def _time_buckets(st: State, intent: Intent) -> None:
    """'per year', 'by month', 'each quarter', 'monthly': a date column grouped by that unit,
    when the table has a date column and no column of that name."""
    dates = date_columns(st.table)
    if intent.bucket is not None or not dates:
        return
    names = {" ".join(norm_words(c.name)) for c in st.table.columns}
    date_words = {w for c in dates for w in norm_words(c.name)}
    for i, t in enumerate(st.tokens):
        unit = _BUCKETS.get(t.norm)
        if i in st.taken or unit is None or t.norm in names:
            continue
        adverb = t.norm in _ADVERBS
        if not adverb and st.word(i - 1) not in _LEADS | date_words:
            continue
        if st.word(i - 1) in date_words and st.word(i - 1) != t.norm:
            intent.bucket, intent.bucket_at = unit, i  # 'start year': the start date by year
            st.take(i, i + 1)
            return
        intent.bucket, intent.bucket_at = unit, i
        st.take(i - (0 if adverb else 1), i + 1)
        return


_SERIES = [
    ("group", "by"), ("grouped", "by"), ("grouping", "by"), ("categorized", "by"),
    ("categorizing", "by"), ("categorise", "by"), ("categorize", "by"), ("split", "by"),
    ("stacked", "by"), ("stack", "by"), ("broken", "down", "by"), ("colored", "by"),
    ("coloured", "by"), ("color", "by"), ("colour", "by"), ("break", "down", "by"),
    ("separated", "by"), ("divided", "by"),
]  # fmt: skip


def _series(st: State, intent: Intent) -> None:
    for i in range(len(st.tokens)):
        for p in _SERIES:
            if _words(st, i, len(p)) == p and i not in st.taken:
                intent.markers.append(Marker("group", i, i + len(p)))
                st.take(i, i + len(p))
                intent.stacked_words = True


_CHART_WORDS = {
    "bar", "bars", "barchart", "chart", "charts", "graph", "graphs", "plot", "plots", "pie",
    "line", "lines", "scatter", "scatterplot", "histogram", "histograms", "stacked", "grouped",
    "donut", "doughnut", "diagram", "visualization", "visualisation", "visualize", "visualise",
}  # fmt: skip


def _chart_words(st: State, intent: Intent) -> None:
    """'bar chart', 'pie': the chart type (read by ``request.py``) is no column, unless a
    column has exactly that name and no chart word follows ('area by region')."""
    names = {" ".join(norm_words(c.name)) for c in st.table.columns}
    for i, t in enumerate(st.tokens):
        low = t.text.lower()
        if i in st.taken or low not in _CHART_WORDS:
            continue
        if low in names and st.word(i + 1) not in ("chart", "graph", "plot", "diagram"):
            continue
        st.take(i, i + 1)


def _exact_column(st: State, i: int) -> bool:
    """'total' where a column is called Total ('snatch on x axis and total on y axis'): the
    column, unless another column follows ('total passengers'); 'number of platforms' where a
    column has that full name."""
    names = {" ".join(norm_words(c.name)) for c in st.table.columns}
    for n in range(2, 6):
        if " ".join(st.word(i + k) for k in range(n)) in names:
            return True
    if st.word(i) not in names:
        return False
    nxt = st.tokens[i + 1] if i + 1 < len(st.tokens) else None
    return nxt is None or nxt.kind != "word" or st.word(i + 1) in _AFTER_COLUMN


_AFTER_COLUMN = {
    "by", "on", "and", "or", "per", "for", "in", "vs", "versus", "against", "over", "of", "as",
    "is", "from", "with", "axis", "each", "across",
}  # fmt: skip


def read_intent(st: State, text: str) -> Intent:
    """Find the intent words of ``text`` (already tokenised in ``st``) and take their tokens."""
    intent = Intent()
    for step in (_order, _top):
        step(st, text, intent)
    for plain in (_chart_words, _axes, _bucket, _time_buckets, _series, _aggs):
        plain(st, intent)
    intent.markers.sort(key=lambda m: m.start)
    intent.scatter_words = bool(_RELATION.search(text))
    return intent


_RELATION = re.compile(r"\b(?:relationship|correlation|correlate[sd]?|relation)\b", re.I)
