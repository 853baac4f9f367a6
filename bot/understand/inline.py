"""Data typed into the message: ``apples 3, pears 5``, ``Q1=10 Q2=14``, keyed lists, pasted tables.

Everything here works on text whose chart words were already taken out (see ``request.py``), in
linear time, and keeps the user's label order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.spec import Series
from bot.understand.numbers import Number, combine_formats, parse_number
from bot.understand.pasted import table_from_rows, table_rows
from bot.understand.records import InlineData, Memo, records, tokens, unreadable
from bot.understand.shapes import NUMBERED, Given, count_problem, read
from bot.understand.timelabels import is_time_sequence, month_index, weekday_index

__all__ = [
    "InlineData",
    "is_time_sequence",
    "month_index",
    "parse_inline",
    "table_from_rows",
    "table_rows",
    "weekday_index",
]

# --------------------------------------------------------------------------------- keyed lists

_LABEL_KEYS = re.compile(
    r"(?:labels?|categories|category|cats|names?|keys?|items?|x(?:[- ]?(?:axis|values?))?|"
    r"months?|quarters?|years?|days?|weeks?|dates?|periods?|groups?)",
    re.I,
)
_VALUE_KEYS = re.compile(
    r"(?:values?|data|y(?:[- ]?(?:axis|values?))?|numbers?|counts?|amounts?|series)", re.I
)
_KEY_MARK = re.compile(
    r"(?<![\w])(?P<key>labels?|categories|names|keys|x(?:[- ]?values)?|y(?:[- ]?values)?|"
    r"values?|data|counts|numbers|amounts)\s*[:=]",
    re.I,
)
_KEYED = re.compile(r"\s*(?P<key>[^:=\n;]{1,40}?)\s*[:=]\s*(?P<list>.*\S)\s*", re.S)


def _list_items(text: str) -> list[str]:
    text = text.strip().strip(",;").strip()
    if re.search(r",\s", text) or ("," in text and parse_number(text) is None):
        return [t.strip() for t in re.split(r"\s*,\s*", text) if t.strip()]
    if "|" in text:
        return [t.strip() for t in text.split("|") if t.strip()]
    return [t for t in text.split() if t]


def _keyed_lists(text: str) -> InlineData | None:
    segments = [s for s in re.split(r"[;\n]", text) if s.strip()]
    if len(segments) == 1:
        marks = list(_KEY_MARK.finditer(text))
        if len(marks) >= 2:
            cuts = [m.start() for m in marks] + [len(text)]
            segments = [text[a:b] for a, b in itertools.pairwise(cuts)]
    keyed = []
    for k, seg in enumerate(segments):
        m = _KEYED.fullmatch(seg)
        if m is None:
            items = _list_items(seg)
            # 'Jan, Feb, Mar; 2023: 1, 2, 3; 2024: 2, 3, 4': unnamed labels come first.
            if k == 0 and len(items) >= 2 and all(parse_number(i) is None for i in items):
                keyed.append(("labels", items))
                continue
            return None
        keyed.append((m["key"].strip(), _list_items(m["list"])))
    if not any(len(items) >= 2 for _, items in keyed):
        return None
    labels: list[str] | None = None
    label_name = ""
    series: list[Series] = []
    numbers: list[Number] = []
    xy = False
    for key, items in keyed:
        parsed = [parse_number(i) for i in items]
        all_numeric = all(p is not None for p in parsed)
        if not all_numeric and any(_holds_data(i) for i in items):
            return None  # 'sales: Q1 10 12, Q2 14 15' are records, not a list of labels
        if labels is None and (_LABEL_KEYS.fullmatch(key) or not all_numeric):
            labels = items
            label_name = "" if _LABEL_KEYS.fullmatch(key) and len(key) < 7 else key
            if key.lower().startswith("x") and all_numeric and not is_time_sequence(items):
                xy = True
                labels = [str(p.value) for p in parsed if p]
            continue
        if not all_numeric:
            return None
        numbers += [p for p in parsed if p]
        name = "value" if _VALUE_KEYS.fullmatch(key) else key
        series.append(Series(name, [p.value for p in parsed if p]))
    if not series:
        return None
    n = len(series[0].values)
    problem = None
    if labels is None and len(series) == 1:
        labels = labels_in_name(series[0].name, n)  # 'mon, tue, wed = 12, 14, 9'
        if labels is not None:
            series[0] = Series("value", series[0].values)
    if labels is None and any(s.name != "value" for s in series):
        return None  # named lists without labels: the records' readings say how they read
    if labels is None:
        labels = [str(i + 1) for i in range(n)]
    if any(len(s.values) != len(labels) for s in series):
        problem = count_problem(len(labels), [len(s.values) for s in series])
    return InlineData(
        labels=[str(x) for x in labels],
        series=series,
        number_format=combine_formats(numbers),
        label_name=label_name,
        xy=xy,
        problem=problem,
    )


def _holds_data(item: str) -> bool:
    """'Q1 10' holds a number beside its label; 'Jan 2024' and 'Q1' do not."""
    return any(t.number is not None and not t.year for t in tokens(item)[1:])


# ----------------------------------------------------------------------------------- public


def parse_inline(text: str) -> InlineData | None:
    """Inline data in the (chart-word-free) text, or None when there is none."""
    lines = [line for line in text.split("\n") if line.strip()]
    found = table_rows(lines)
    if found is not None:
        rows, start, end = found
        # 'sales: 10, 20, 30' lines are named lists, not the rows of a CSV table.
        if not all(_KEYED.fullmatch(",".join(r)) and len(r) > 2 for r in rows[1:]):
            data = table_from_rows(rows)
            if data is not None:
                data.leftover = " ".join(lines[:start] + lines[end:])
                return data
    if len(_DIGITS.findall(text, 0, 20_000)) < 2:
        return None  # data has two numbers at least: most requests for a file end here
    text = text.rstrip(" \t\n?!.")
    body, labels = _labels_after_for(text)
    headed = _under_header(body) if not labels else None
    if headed is not None:
        return headed
    unit, body = _common_unit(body)
    flawed: InlineData | None = None  # data that reads, but with a problem to point out
    memo: Memo = {}
    for tail, core in _tails(body):
        for head, data_text in _attempts(core):
            data = _read_attempt(head, data_text, tail, labels, memo)
            if data is not None and unit and [s.name for s in data.series] == ["value"]:
                data.series[0].name = unit  # '5 wins, 8 wins': the numbers count wins
            if data is not None and (not data.problem or data.pasted):
                return data
            flawed = flawed or data
    return flawed or _unreadable(body)


def _unreadable(text: str) -> InlineData | None:
    """'apples 3, pears ?, plums 2': data with a part that is not a label and a number."""
    read, bad = unreadable(text)
    if read < 2 or not bad or len(bad) > read:
        return None
    shown = ", ".join(f"“{b[:40]}”" for b in bad[:3])
    return InlineData(
        labels=[],
        series=[],
        problem=f"I couldn't read {shown} as a label with a number; give every label one number.",
    )


_ITEMS = re.compile(r"\s*(?:[,;\n]|\s/\s|\s+and\s+)\s*", re.I)
_UNIT_AFTER = re.compile(r"\d\S*\s+(?P<unit>[^\W\d_]{2,20})$", re.I)


_NUMBER_WORDS = {
    "thousand", "million", "billion", "mn", "bn", "mio", "percent", "pct", "usd", "eur", "gbp",
    "dollars",
}  # fmt: skip


def _common_unit(text: str) -> tuple[str, str]:
    """'Team A: 5 wins, Team B: 8 wins' -> ('wins', 'Team A: 5, Team B: 8'): one word after
    every number is their unit, not the next label."""
    items = [i for i in _ITEMS.split(text) if i.strip()]
    units = {m["unit"].lower() if (m := _UNIT_AFTER.search(i[-40:])) else None for i in items}
    if len(items) < 2 or len(units) != 1 or None in units or units & _NUMBER_WORDS:
        return "", text
    unit = units.pop() or ""
    cut = re.compile(r"(?<=\S)\s+" + re.escape(unit) + r"(?=\s*(?:[,;\n]|\s/\s|\s+and\s+|$))", re.I)
    return unit, cut.sub("", text)


def _read_attempt(
    head: str, text: str, tail: Tail, labels: list[str], memo: Memo
) -> InlineData | None:
    """The data in ``text``, with ``head`` and ``tail`` the words around it."""
    text = _edges(text)
    head = "" if _QUESTION.match(head) else _SAID.sub("", _FILLER.sub("", head))
    data = None if labels or not re.search(r"[:=]", text) else _keyed_lists(text)
    if data is not None and data.problem:
        data.pasted = True  # 'labels: …' and 'values: …' were given, and do not pair up
        return data
    if data is None:
        recs = records(text, memo)
        context = " ".join(x for x in (head, tail.words) if x)
        data = read(recs, Given(context, tuple(labels))) if recs else None
    if data is None or data.problem:
        return data
    if head and not labels and len(data.series) == 1 and data.labels[0] == "1":
        named = labels_in_name(head, len(data.labels))  # 'mon tue wed: 12, 14, 9'
        if named is not None:
            data.labels, data.notes, head = named, [], ""
        elif data.series[0].name == "value" and not data.notes:  # 'sales: 10, 20, 30'
            data.series[0].name = head
            data.notes.append(NUMBERED)
    if not labels:
        head = _title_before_first_label(data, head)
    title = tail.words if tail.title else ""
    data.leftover = " ".join(x for x in (head, data.leftover, title) if x)
    return data


_TAIL = re.compile(
    r"\s*(?:\((?P<paren>[^()]{0,40}[^\W\d_][^()]{0,40})\)|[-–—]\s+(?P<dash>[^\d\-–—]{1,80}))$"
)
_TAIL_WORDS = 6


def _edges(text: str) -> str:
    """The text without separators around it; '-5' and '.5' keep their sign and point."""
    text = text.rstrip(" \t\n:;,.-").lstrip(" \t\n:;,")
    while text[:1] in (".", "-") and not text[1:2].isdigit():
        text = text[1:].lstrip(" \t\n:;,")
    return text


def _tails(text: str) -> Iterator[tuple[Tail, str]]:
    """Where the data may end: at the end, before a note in brackets or after a dash ('…
    (actual vs target)'), or before a few words with no numbers ('… look like as a donut')."""
    yield Tail(), text
    m = _TAIL.search(text, max(0, len(text) - 200))
    if m is not None:
        yield Tail((m["paren"] or m["dash"]).strip(), title=True), text[: m.start()]
    words = text.rsplit(" ", _TAIL_WORDS)
    for k in range(1, min(_TAIL_WORDS, len(words) - 1) + 1):
        if re.search(r"\d", words[-k]) or words[-k - 1].endswith((",", ";")) or len(text) > _LONG:
            break  # '…, c' is an item without its number, not words after the data
        yield Tail(" ".join(words[-k:])), " ".join(words[:-k])


@dataclass(frozen=True)
class Tail:
    """Words after the data: a title when set apart ('(actual vs target)'), else context only."""

    words: str = ""
    title: bool = False


_DIGITS = re.compile(r"\d+")
_FILLER = re.compile(
    r"^(?:(?:now|then|also|and|next|ok|okay|so|here'?s|this time|hi|hello|hey|nice|great|cool|"
    r"thanks)\b[\s,.!]*)+",
    re.I,
)
_SAID = re.compile(r"\s+(?:was|were|is|are|of|=)$", re.I)
_QUESTION = re.compile(r"(?:how|what|which|can|could|would|will|do|does|is|are|should)\b", re.I)
_FOR_LABELS = re.compile(r"\s(?:for|over|across)\s+(?P<labels>[^:=;\n]+)$", re.I)
_INTRO_CUTS = 12
_LONG = 2000  # characters; beyond, only the plain readings are tried


def _under_header(text: str) -> InlineData | None:
    """'region 2023 2024' over 'north 10 12' lines: a header line names the series (and, with
    one word more, the labels), as a pasted table with single spaces would."""
    first, _, rest = text.strip().partition("\n")
    words = first.split()
    recs = records(rest) if rest.count("\n") >= 1 else None
    if not recs or not all(r.head for r in recs) or len({len(r.numbers) for r in recs}) != 1:
        return None
    k = len(recs[0].numbers)
    years = all(re.fullmatch(r"(?:19|20)\d\d", w) for w in words[-k:])
    plain = all(parse_number(w) is None for w in words)
    if k < 2 or len(words) not in (k, k + 1) or not (years or plain) or re.search(r"[:=,;]", first):
        return None
    data = read(recs, Given(header=tuple(words[-k:])))
    if data is not None and len(words) == k + 1:
        data.label_name = words[0]
    return data


def _labels_after_for(text: str) -> tuple[str, list[str]]:
    """'12, 14, 9 for mon tue wed' -> ('12, 14, 9', ['mon', 'tue', 'wed']): the labels named
    after the numbers, each a word or few and none a number."""
    m = _FOR_LABELS.search(text)
    if m is None:
        return text, []
    labels = _list_items(_AND.sub(", ", m["labels"]))
    if len(labels) < 2 or any(
        parse_number(x) is not None or len(x.split()) > 4 or _holds_data(x) for x in labels
    ):
        return text, []
    return text[: m.start()], labels


def _attempts(text: str) -> Iterator[tuple[str, str]]:
    """Where the data may start: after an intro ending in ':', at the start, or after a few
    leading words (a title, which may hold numbers: 'compare 2023 vs 2024 sales Q1 10 12, …')."""
    split = _split_intro(text)
    if split is not None:
        yield split
    yield "", text
    lines = text.split("\n", 3)
    for j in range(1, len(lines)):  # 'please\n…' or a title line above the data
        if re.search(r"\d", lines[j - 1]):
            break
        yield " ".join(lines[:j]).strip(" :"), "\n".join(lines[j:])
    if len(text) > _LONG:
        return  # a long message is data or a table: its intro ends at a line or a ':'
    intro = re.split(r"[,;\n]", text, maxsplit=1)[0].split(" ", _INTRO_CUTS)
    words = text.split(" ", _INTRO_CUTS)
    for k in range(1, min(_INTRO_CUTS, len(intro))):
        number = parse_number(words[k].strip(",:;="))
        year = re.fullmatch(r"(?:19|20)\d\d[:=,]?", words[k])
        said = re.fullmatch(r"(?:was|were|is|are|of|had|got|made|did|=)", words[k - 1], re.I)
        if number is not None and not year and not said:
            continue  # 'apples 3': the label stays with its number ('revenue was 10 in Q1' ends)
        yield " ".join(words[:k]).strip(" :"), " ".join(words[k:])


def _title_before_first_label(data: InlineData, head: str) -> str:
    """'revenue 2021: 1.2M, 2022: 1.5M', 'sales for north 10, south 12', 'sales by region north
    10, south 12': the words before the first label, when the other labels are shorter, are a
    title, not part of the label."""
    first, rest = data.labels[0], data.labels[1:]
    widths = {len(label.split()) for label in rest}
    words = first.split()
    if not rest or len(widths) != 1 or len(words) <= (k := widths.pop()):
        return head
    if _QUESTION.match(first):  # 'what do apples 3, pears 5 look like'
        data.labels[0] = " ".join(words[-k:])
        return head
    label = " ".join(words[-k:])
    cut = re.match(r"(?P<title>.+?)\s+(?:for|across|among)\s+(?P<label>.+)$", first, re.I)
    # 'revenue by region north 120, south 95': the measure and the dimension, then the label.
    by = re.match(r"(?P<title>.+?\s+(?:by|per)\s+(?P<dim>\S+))\s+(?P<label>.+)$", first, re.I)
    if is_time_sequence([label, *rest]):
        data.labels[0] = label
        title = " ".join(words[:-k])
    elif is_time_sequence([" ".join(words[:k]), *rest]):  # 'Q1 sales were 10, Q2 14'
        data.labels[0] = " ".join(words[:k])
        title = re.sub(r"\s+(?:is|are|was|were|of|at|=)$", "", " ".join(words[k:]), flags=re.I)
    elif cut is not None and len(cut["label"].split()) <= k:
        data.labels[0], title = cut["label"], cut["title"]
    elif by is not None and len(by["label"].split()) <= k:
        data.labels[0], title = by["label"], by["title"]
        data.label_name = data.label_name or by["dim"]
    else:
        return head
    return " ".join(x for x in (head, title) if x)


def labels_in_name(name: str, n: int) -> list[str] | None:
    """The ``n`` labels a name before the numbers spells out: a comma list ('a, b, c') or a
    run of time labels ('mon tue wed'). Not 'total revenue', which names the numbers."""
    items = _list_items(_AND.sub(", ", name))
    if len(items) != n or n < 2 or _VALUE_KEYS.fullmatch(name.strip()):
        return None
    if is_time_sequence(items):
        return items
    listed = "," in name or " and " in name
    return items if listed and all(parse_number(i) is None for i in items) else None


_AND = re.compile(r",?\s+and\s+", re.I)
_INTRO = re.compile(r"(?P<head>[^:=\n\d]{1,80}?)\s*:\s*")


def _split_intro(text: str) -> tuple[str, str] | None:
    """'sales by quarter: Q1=10 Q2=14' -> ('sales by quarter', 'Q1=10 Q2=14')."""
    m = _INTRO.match(text)
    if m is None or _KEY_MARK.match(text):
        return None
    rest = text[m.end() :]
    if not rest:
        return None
    return m["head"].strip(), rest
