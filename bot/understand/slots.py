"""Words that link to nothing where a column must stand ('average bonus', 'profit by region'):
the request is refused with the columns there are, never answered with something else."""

from __future__ import annotations

from bot.table import ColumnType
from bot.understand.columns import STOPWORDS, Mention
from bot.understand.intent import Intent, Marker
from bot.understand.parse import FILLER
from bot.understand.state import ENTITIES, State


def unlinked_slot(
    st: State,
    intent: Intent,
    mentions: list[Mention],
    markers: list[Marker],
    entities: list[tuple[str, int]],
) -> str | None:
    """A word that links to nothing where a column must be: right after an aggregation word
    ('average bonus'), or before the grouping when nothing else is measured ('profit by
    region'). Refused, never replaced by something else."""
    starts = {m.start for m in mentions}
    for mk in markers:
        if mk.kind != "agg":
            continue
        i = mk.end
        while st.word(i) in ("the", "a", "an", "all"):
            i += 1
        if i not in starts and content_word(st, i) and not mk.hint:
            return st.tokens[i].text
    numeric = [m for m in mentions if m.column.type is ColumnType.NUMBER]
    counting = any(mk.kind in ("count", "agg") for mk in markers) or bool(entities)
    if numeric or counting or intent.limit is not None:
        return None
    for i in range(len(st.tokens)):
        if st.word(i + 1) in ("by", "per") and content_word(st, i) and i not in starts:
            return st.tokens[i].text
    return None


def content_word(st: State, i: int) -> bool:
    if i >= len(st.tokens) or i in st.taken:
        return False
    t = st.tokens[i]
    return (
        t.kind == "word"
        and len(t.norm) > 2
        and t.norm not in STOPWORDS
        and t.norm not in FILLER
        and t.text.lower() not in STOPWORDS
        and t.norm not in ENTITIES
        and t.norm not in GENERAL
        and t.text.lower() not in GENERAL
    )


# Everyday words of requests that never name a column here ('Find', 'them', 'correspond').
GENERAL = set(
    """find list listing return returns them their they theirs attribute attributes correspond
    corresponding correspondingly different various distinct along together respectively
    ordered order give given tell compare comparison proportion visualize visualise visualization
    bin binned interval draw plot show display want like know see trend visualizing compute
    computed calculate calculated categorize categorized categorise produce produced made
    record records table""".split()  # noqa: SIM905
)
