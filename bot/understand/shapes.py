"""Which way round inline records go: their heads as labels, or as the names of series.

``Q1 10 12, Q2 14 15`` is two series over the labels Q1, Q2; ``2023: 1, 2, 3; 2024: 2, 3, 4 for
Q1, Q2, Q3`` is the same data the other way round. Each way is a reading with a score; the best
wins, and when the other was nearly as good, or something had to be made up (series names,
labels), the data's notes say so in one short line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.spec import Series
from bot.understand.numbers import Number, combine_formats
from bot.understand.records import InlineData, Record
from bot.understand.timelabels import is_time_sequence

NUMBERED = "No labels were given, so the points are numbered; add “for A, B, C”."


@dataclass(frozen=True)
class Given:
    """What the words around the data say about it."""

    context: str = ""  # the text around the data: a title, maybe the series' names
    labels: tuple[str, ...] = ()  # labels given apart from the numbers ('… for Q1, Q2, Q3')
    header: tuple[str, ...] = ()  # series names from a header line ('region 2023 2024')


def read(recs: list[Record], given: Given) -> InlineData | None:
    """The best reading of the records, or None when they are not chart data."""
    recs = _numbered_heads(recs)
    for shape, reader in _SHAPES:
        if shape(recs, given):
            return reader(recs, given)
    return None


# ------------------------------------------------------------------------------------ shapes


def _one_each(recs: list[Record], given: Given) -> bool:
    return len(recs) >= 2 and all(r.head and len(r.numbers) == 1 for r in recs)


def _pairs(recs: list[Record], given: Given) -> InlineData:
    """'apples 3, pears 5': one label and one number each."""
    numbers = [r.numbers[0] for r in recs]
    data = _data([r.head for r in recs], [Series("value", [n.value for n in numbers])], numbers)
    if given.labels:
        data.problem = count_problem(len(given.labels), [len(recs)])
    return data


def _labels_given(recs: list[Record], given: Given) -> bool:
    return bool(given.labels)


def _for_labels(recs: list[Record], given: Given) -> InlineData:
    """'2023: 1, 2, 3; 2024: 2, 3, 4 for Q1, Q2, Q3' (one series per head) or '12, 14, 9 for
    mon, tue, wed' (one list, perhaps named by its first words)."""
    labels = list(given.labels)
    if all(r.head for r in recs) and all(len(r.numbers) == len(labels) for r in recs):
        return _as_series(recs, labels)
    numbers = [n for r in recs for n in r.numbers]
    name = _list_name(recs)
    data = _data(labels, [Series(name or "value", [n.value for n in numbers])], numbers)
    data.leftover = name or ""
    if name is None or len(numbers) != len(labels):
        counts = [len(r.numbers) for r in recs] if name is None else [len(numbers)]
        data.problem = count_problem(len(labels), counts)
    return data


def _one_list(recs: list[Record], given: Given) -> bool:
    """Numbers with at most one name, in front: '1, 2, 3', 'sales 10, 20, 30', '2023 1 2 3';
    not 'price between 60 and 120' (a filter) or 'revenue 2023 and 2024' (years are labels)."""
    numbers = [n for r in recs for n in r.numbers]
    name = _list_name(recs)
    return (
        name is not None
        and len(numbers) >= 2
        and not (name and _ASKS.search(name))
        and not all(isinstance(n.value, int) and 1900 <= n.value <= 2100 for n in numbers)
    )


_ASKS = re.compile(
    r"\b(?:between|than|from|to|in|over|under|above|below|at|and|or|by|per|with|since|until|"
    r"after|before|least|most|top|bottom|first|last)$",
    re.I,
)


def _list(recs: list[Record], given: Given) -> InlineData:
    numbers = [n for r in recs for n in r.numbers]
    name = _list_name(recs) or ""
    labels = [str(i + 1) for i in range(len(numbers))]
    data = _data(labels, [Series(name or "value", [n.value for n in numbers])], numbers)
    if name:
        data.leftover = name
        data.notes.append(NUMBERED)
    return data


def _same_count(recs: list[Record], given: Given) -> bool:
    counts = {len(r.numbers) for r in recs}
    return len(recs) >= 2 and all(r.head for r in recs) and len(counts) == 1 and counts != {1}


def _rows_or_series(recs: list[Record], given: Given) -> InlineData:
    """'Q1 10 12, Q2 14 15' (rows: a label and one number per series) or 'sales: 1, 2, 3;
    costs: 2, 3, 4' (each head a series). Scored on what the message says."""
    k = len(recs[0].numbers)
    heads = [r.head for r in recs]
    names = list(given.header) if len(given.header) == k else series_names(given.context, k)
    rows = (2 if names else 0) + (1 if is_time_sequence(heads) else 0)
    said = series_names(given.context, len(recs)) or []
    named_heads = [n.lower() for n in said] == [h.lower() for h in heads]  # 'north vs south: …'
    series = (2 if all(r.listed for r in recs) else 0) + (1 if named_heads else 0)
    if series > rows:
        data = _as_series(recs, [str(i + 1) for i in range(k)])
        data.notes.append(
            f"I read {_listing(heads)} as {len(heads)} series of {k} numbers; add "
            "“for A, B, C” to name the points."
        )
        return data
    numbers = [n for r in recs for n in r.numbers]
    names = names or [f"Series {i + 1}" for i in range(k)]
    columns = [Series(names[i], [r.numbers[i].value for r in recs]) for i in range(k)]
    data = _data(heads, columns, numbers)
    if rows - series < 2:
        data.notes.append(
            f"I read {_listing(heads)} as labels with {k} numbers each ({_listing(names)}); "
            "name the series like “2023 vs 2024: …”."
        )
    return data


def _uneven(recs: list[Record], given: Given) -> bool:
    return len(recs) >= 2 and all(r.head for r in recs)


def _uneven_problem(recs: list[Record], given: Given) -> InlineData:
    counts = sorted({len(r.numbers) for r in recs})
    odd = next(r for r in recs if len(r.numbers) != len(recs[0].numbers))
    data = _list(recs, given)
    data.problem = (
        f"“{recs[0].head}” has {len(recs[0].numbers)} numbers but “{odd.head}” has "
        f"{len(odd.numbers)}; give every label the same count ({' or '.join(map(str, counts))})."
    )
    return data


def _some_unnamed(recs: list[Record], given: Given) -> bool:
    """'a 1, b 2, 3', not 'races held between 2009 and 2011' (a question, not data)."""
    return (
        len(recs) >= 2
        and any(r.head for r in recs)
        and not all(r.head for r in recs)
        and not any(_ASKS.search(r.head) for r in recs)
    )


def _unnamed_problem(recs: list[Record], given: Given) -> InlineData:
    """'a 1, b 2, 3': a number without a label."""
    loose = [n for r in recs if not r.head for n in r.numbers]
    data = _data([], [], loose)
    shown = ", ".join(f"{n.prefix}{n.value:g}{n.suffix}" for n in loose[:3])
    data.problem = (
        f"{shown} {'has' if len(loose) == 1 else 'have'} no label; give every number one."
    )
    return data


_Shape = Callable[[list[Record], Given], bool]
_Reader = Callable[[list[Record], Given], InlineData]
# In order: the first shape that fits the records reads them.
_SHAPES: list[tuple[_Shape, _Reader]] = [
    (_labels_given, _for_labels),
    (_one_each, _pairs),
    (_same_count, _rows_or_series),
    (_one_list, _list),
    (_uneven, _uneven_problem),
    (_some_unnamed, _unnamed_problem),
]


# ----------------------------------------------------------------------------------- helpers


def _numbered_heads(recs: list[Record]) -> list[Record]:
    """'week 1 100, week 2 120': one word for every head, told apart by the number after it,
    which is part of the label."""
    heads = {r.head.lower() for r in recs}
    firsts = [r.numbers[0].value for r in recs if r.numbers]
    if (
        len(recs) < 2
        or len(heads) != 1
        or not all(len(r.numbers) >= 2 for r in recs)
        or len(set(firsts)) != len(firsts)
        or not all(
            isinstance(v, int) and not n.prefix and not n.suffix
            for v, n in zip(firsts, (r.numbers[0] for r in recs), strict=True)
        )
    ):
        return recs
    return [Record(f"{r.head} {r.numbers[0].value}", r.numbers[1:], r.listed) for r in recs]


def _as_series(recs: list[Record], labels: list[str]) -> InlineData:
    numbers = [n for r in recs for n in r.numbers]
    series = [Series(r.head, [n.value for n in r.numbers]) for r in recs]
    data = _data(labels, series, numbers)
    data.leftover = recs[0].head if len(recs) == 1 else ""  # one named list: its name is the title
    return data


def _data(labels: list[str], series: list[Series], numbers: list[Number]) -> InlineData:
    return InlineData(labels=labels, series=series, number_format=combine_formats(numbers))


def _list_name(recs: list[Record]) -> str | None:
    """'sales of 10, 20 and 30' → 'sales'; None when a later record has a name of its own."""
    if any(r.head for r in recs[1:]):
        return None
    name = _LIST_LEAD.sub("", recs[0].head)
    return re.sub(r"\s+(?:of|is|are|were|was|=)$", "", name, flags=re.I).strip()


_LIST_LEAD = re.compile(
    r"^(?:(?:of|the|these|those|my|our|some|for|plot|chart|graph|draw|show|make|give|me|us|a|an|"
    r"numbers|values|data)(?:\s+|$))+",
    re.I,
)


def _listing(names: list[str]) -> str:
    shown = [f"“{n}”" for n in names[:4]] + (["…"] if len(names) > 4 else [])
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def count_problem(labels: int, counts: list[int]) -> str:
    """The reply when labels and values do not pair up."""
    shown = ", ".join(str(c) for c in counts)
    return f"I found {labels} labels but {shown} values; give one value per label."


_NAME_SPLIT = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\bvs\.?(?=\s|$)|\bversus\b|\bv\.?(?=\s)|\bagainst\b|"
    r"\bcompared\s+(?:to|with)\b|\band\b|&|/)\s*",
    re.I,
)
_CONTEXT_END = re.compile(r"\s+(?:by|per|for|in|over|across|from|during|each|of each)\s.*$", re.I)
_LEAD = re.compile(
    r"^(?:(?:compare|comparing|comparison|plot|show|chart|graph|draw|of|the|me|us|a|an|"
    r"between|data|numbers|values|here|is|are)\b\s*)+",
    re.I,
)


def series_names(context: str, k: int) -> list[str] | None:
    """The k names a phrase such as '2023 vs 2024 sales' or 'revenue and cost by month' gives;
    words shared by all ('sales') stay in the title, not in the names."""
    text = _LEAD.sub("", _CONTEXT_END.sub("", context.strip(" :,.-")))
    parts = [p.split() for p in _NAME_SPLIT.split(text)]
    if k < 2 or len(parts) != k or not all(parts):
        return None
    m = min(len(p) for p in parts)
    names = [" ".join(parts[0][-m:]), *(" ".join(p) for p in parts[1:-1]), " ".join(parts[-1][:m])]
    return names if len({n.lower() for n in names}) == k else None
