"""Typed inline data read as records: a head (a label or a series name) and its numbers.

``apples 3, pears 5`` → (apples, 3), (pears, 5); ``Q1 10 12, Q2 14 15`` → (Q1, 10 12), …;
``2023: 1, 2, 3; 2024: 2, 3, 4`` → (2023, 1 2 3), … . Whether the heads are labels or series is
decided later (``shapes.py``). Linear in the text; nothing here is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.spec import NumberFormat, Series
from bot.understand.numbers import CURRENCY_SIGNS, Number, parse_number
from bot.understand.timelabels import month_index


@dataclass
class InlineData:
    """Data typed into the message, read into labels and series (what a chart is made of)."""

    labels: list[str]
    series: list[Series]
    number_format: NumberFormat = field(default_factory=NumberFormat)
    label_name: str = ""  # header of the label column, when the user gave one
    xy: bool = False  # labels are numbers too: a scatter of x against y
    leftover: str = ""  # the words around the data (a title hint)
    problem: str | None = None  # data that looks intended but cannot be used, in plain words
    pasted: bool = False  # cells of a pasted table: labels are kept exactly as typed
    notes: list[str] = field(default_factory=list)  # how the data was read, when it could vary


# A number as typed: optional sign/bracket/currency, digits with separators, scale or percent.
_NUM_TOKEN = re.compile(
    r"\(?[-+]?(?:[$€£¥₹]\s?)?[-+]?(?:\d[\d.,']{0,24}\d{1,40}|\d|[.,]\d{1,12})"
    r"(?:\s?(?:k|mn|mio|m|bn|b|%|pct|thousand|million|billion)(?![a-z]))?"
    r"(?:\s?(?:[€£$]|(?:usd|eur|gbp|dollars)(?![a-z])))?\)?",
    re.I,
)
_NEXT_NUMBER = re.compile(r"\s*[:=]?\s*[-+(]?[$€£¥₹]?\d")
_KEY_SIGN = re.compile(r"\s*(?:[:=]|\s-\s|\s–\s)\s*")


@dataclass(frozen=True)
class Token:
    text: str
    number: Number | None = None  # None for words
    key: bool = False  # a ':' or '=' between a head and its numbers

    @property
    def year(self) -> bool:
        """'2023' as typed: a label, never part of a bigger number."""
        return (
            self.number is not None
            and re.fullmatch(r"(?:19|20)\d\d", self.text) is not None
            and isinstance(self.number.value, int)
        )


@dataclass(frozen=True)
class Record:
    head: str  # '' when the numbers come alone
    numbers: tuple[Number, ...]
    listed: bool = False  # 'name: 1, 2, 3': a list after a key, i.e. a series


def _boundary_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (
        before.isalnum()
        or after.isalnum()
        or after == "-"
        or (before == "-" and start > 1 and text[start - 2].isalnum())
    )


def tokens(text: str) -> list[Token]:
    """Words, numbers and key signs, in order. A number glued to letters ('Q1') is a word."""
    out: list[Token] = []
    pos = 0
    search = 0
    while (m := _NUM_TOKEN.search(text, search)) is not None:
        raw = m.group()
        start, end = m.start(), m.end()
        # '1 $12.5k': a match that swallowed the next number's currency is retried shorter;
        # 'A 10 B 20': a spaced scale letter before another number is the next label.
        cuts = [end, end - 1, end - 2] if raw[-1] in CURRENCY_SIGNS else [end]
        comma = raw.find(",")
        if comma > 0:  # '1,1,1': not one number, so the first of several
            cuts.append(start + comma)
        spaced = re.search(r"\s+[a-z]+$", raw, re.I)
        if spaced and _NEXT_NUMBER.match(text, end):
            cuts.insert(0, start + spaced.start())
        for cut in cuts:
            raw = text[start:cut].rstrip()
            number = parse_number(raw) if raw else None
            if number is not None and _boundary_ok(text, start, start + len(raw)):
                break
        else:
            search = start + 1
            continue
        out += _words(text[pos:start])
        out.append(Token(raw, number))
        pos = search = start + len(raw)
    out += _words(text[pos:])
    return out


def _words(gap: str) -> list[Token]:
    out = []
    for k, piece in enumerate(_KEY_SIGN.split(gap)):
        if k:
            out.append(Token(":", key=True))
        if piece.strip(" -–"):
            out.append(Token(piece.strip(" -–")))
    return out


# ----------------------------------------------------------------------------------- records

_STRONG = re.compile(r"\s*(?:[;\n]|\s[|/]\s)\s*")
_ITEM = re.compile(r",(?=\s|[^\d\s])|,\s*and\s+", re.I)
_JOINER = re.compile(r"^(?:and|&|plus|then|,)\s+|\s+(?:and|&)$|^(?:and|&)$", re.I)
_LIST = re.compile(r"[^:=]{0,80}?(?P<key>[:=])\s*(?P<list>[^:=]+)")


Memo = dict[str, "list[Record] | None"]


def records(text: str, memo: Memo | None = None) -> list[Record] | None:
    """Every record in ``text``, or None when some part of it is not data. ``memo`` keeps the
    items already read, for callers that try the same text with different intros."""
    memo = {} if memo is None else memo
    out: list[Record] = []
    for piece in _pieces(text):
        if isinstance(piece, Record):
            out.append(piece)
            continue
        if piece not in memo:
            memo[piece] = item_records(tokens(piece))
        found = memo[piece]
        if found is None:
            return None
        out += found
    return out or None


def _pieces(text: str) -> Iterator[Record | str]:
    """The text's chunks in order: a listed chunk read whole ('2023: 1, 2, 3'), else its items."""
    for chunk in _STRONG.split(text.strip()):
        if not chunk.strip():
            continue
        listed = _listed(chunk)
        if listed is not None:
            yield listed
        else:
            yield from _items(chunk)


def _items(chunk: str) -> list[str]:
    """A chunk's items; 'apples, 3' (a label, a comma, its number) is one."""
    items = [i for i in _ITEM.split(chunk) if i.strip()]
    if len(items) == 2 and parse_number(items[1]) is not None and not _NUMBER_IN.search(items[0]):
        return [f"{items[0]} {items[1]}"]
    return items


_NUMBER_IN = re.compile(r"(?<![\w.])\d")


def unreadable(text: str) -> tuple[int, list[str]]:
    """How many items of ``text`` read as records, and the ones that do not."""
    read, bad = 0, []
    for piece in _pieces(text):
        if isinstance(piece, str) and item_records(tokens(piece)) is None:
            bad.append(piece.strip())
        else:
            read += 1
    return read, bad


def _listed(chunk: str) -> Record | None:
    """'2023: 1, 2, 3' or 'Q1 2023 = 4, 5': a head, a key sign, then a comma list of numbers."""
    m = _LIST.fullmatch(chunk.strip())
    if m is None or "," not in m["list"]:
        return None
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", m["list"]) if i.strip()]
    numbers = [parse_number(i) for i in items]
    head = chunk[: m.start("key")].strip()
    if len(numbers) < 2 or None in numbers or not head or "," in head:
        return None
    return Record(head, tuple(n for n in numbers if n is not None), listed=True)


def item_records(toks: list[Token]) -> list[Record] | None:
    """One item's records: a new record starts at a word after a number, or at a number right
    before a key sign, so 'Q1=10 Q2=14', 'apples 3 pears 5' and '2023: 5 2024: 7' are two each."""
    if _number_first(toks):  # '3 apples', '5 dogs and 2 fish'
        pairs = zip(toks[::2], toks[1::2], strict=True)
        found = [
            Record(_AT.sub("", _head([w])), (n.number,)) for n, w in pairs if n.number is not None
        ]  # '10 in Q1, 12 in Q2': the label after its number
        return found if all(r.head and _names_something(r.head) for r in found) else None
    groups: list[list[Token]] = [[]]
    keyed = has_values = False  # of the group being filled: a key sign, numbers after it
    for i, tok in enumerate(toks):
        next_is_key = i + 1 < len(toks) and toks[i + 1].key
        starts = (tok.number is None and not tok.key) or (tok.number is not None and next_is_key)
        if has_values and starts and (keyed or tok.number is None):
            groups.append([])
            keyed = has_values = False
        groups[-1].append(tok)
        if tok.key:
            keyed, has_values = True, False
        elif tok.number is not None:
            has_values = True
    out = []
    for group in groups:
        record = _record(group)
        if record is None:
            return None
        out.append(record)
    return out


def _number_first(toks: list[Token]) -> bool:
    """Number, words, number, words: the words after each number are its label."""
    return (
        len(toks) % 2 == 0
        and all(t.number is not None for t in toks[::2])
        and all(t.number is None and not t.key for t in toks[1::2])
    )


def _head(toks: list[Token]) -> str:
    return _JOINER.sub("", " ".join(t.text for t in toks)).strip(" ,-–")


_AT = re.compile(r"^(?:in|for|on|at|during)\s+", re.I)


def _record(toks: list[Token]) -> Record | None:
    if any(t.key for t in toks):
        k = max(i for i, t in enumerate(toks) if t.key)
        head_toks, values = toks[:k], toks[k + 1 :]
    elif toks[0].year and len(toks) >= 2 and all(t.number is not None for t in toks):
        head_toks, values = toks[:1], toks[1:]  # '2023 1 2 3'
    else:
        n = next((i for i, t in enumerate(toks) if t.number is not None), len(toks))
        if 0 < n < len(toks) - 1 and toks[n].year and _time_word(toks[n - 1].text):
            n += 1  # 'Jan 2024 100': the year belongs to the month
        head_toks, values = toks[:n], toks[n:]
    if not values or any(t.number is None for t in values):
        return None
    head = _head(head_toks)
    if head and not _names_something(head):
        return None
    return Record(head, tuple(t.number for t in values if t.number is not None))


def _time_word(words: str) -> bool:
    """'Jan', 'march', 'Q3', 'H1', 'week': a period that a year can complete."""
    last = words.split()[-1] if words.split() else ""
    return (
        month_index(last) is not None
        or re.fullmatch(r"(?:q[1-4]|h[12]|fy)", last, re.I) is not None
    )


_CONNECTORS = {
    "vs", "v", "versus", "and", "or", "to", "by", "per", "from", "than", "between", "of", "in",
    "on", "at", "over", "under", "above", "below", "with", "is", "are", "was", "the", "an",
    "&", "+", "-", "about", "since", "until", "after", "before", "least", "most", "more",
    "less", "top", "bottom", "first", "last", "only", "for",
}  # fmt: skip


def _names_something(head: str) -> bool:
    """A label has a word of its own: 'R and D' does, 'vs' or 'more than' does not."""
    words = [w.strip(".,:;!?()'\"").lower() for w in head.split()]
    return any(w and w not in _CONNECTORS for w in words)
