"""Finding the columns and category values a request names, loosely.

"revnue", "Revenues", "unit_price", "qty" and "price" (for "Unit Price") all find their column;
each non-exact match carries a note so the reply can say which column was used. Nothing is matched
unless it is close: an unrelated word never stands in for a column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.table import BLANK, Column, ColumnType, Table

ABBREVIATIONS = {
    "qty": "quantity",
    "qnty": "quantity",
    "quant": "quantity",
    "amt": "amount",
    "avg": "average",
    "pct": "percent",
    "perc": "percent",
    "nr": "number",
    "nbr": "number",
    "num": "number",
    "rev": "revenue",
    "cust": "customer",
    "dept": "department",
    "yr": "year",
    "mth": "month",
    "mo": "month",
    "qtr": "quarter",
    "wk": "week",
    "desc": "description",
    "cat": "category",
    "prod": "product",
    "emp": "employee",
    "mgr": "manager",
    "acct": "account",
    "acc": "account",
    "asst": "assistant",
    "assoc": "associate",
    "prof": "professor",
    "bal": "balance",
    "txn": "transaction",
    "px": "price",
    "cnt": "count",
    "val": "value",
    "temp": "temperature",
    "sal": "salary",
    "dob": "birth",
    "org": "organization",
    "pop": "population",
    "ctry": "country",
    "loc": "location",
    "addr": "address",
    "hrs": "hour",
    "hr": "hour",
    "mins": "minute",
    "min": "minute",
    "sec": "second",
    "kg": "kilogram",
    "km": "kilometer",
}

# Words that never name a column or a value by themselves (so "the" cannot match "Theme").
STOPWORDS = set(
    """a an the of for by per in on at to from with and or vs versus against over across each every
    all any some me my our us we i you your it its this that these those is are was were be been
    show shows showing plot plots chart charts graph graphs draw make give get create see view
    display visualize visualise please pls plz can could would will should do does did want need
    like let lets let's just only also then than as what which how much many where when who whose
    there here data table sheet file numbers values value row rows please thanks thank thx hey hi
    hello yo ok okay bot so now again instead too up down out into within between among not no
    without except excluding exclude only just but if about around using use based broken grouped
    split time total sum average mean count number per cent percent new quick quickly real
    simple nice one two three break compare comparison versus same other""".split()  # noqa: SIM905 - a word list reads best as text
)


def singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def norm_words(text: str) -> list[str]:
    """'UnitPrice', 'unit_price', 'Unit Prices' -> ['unit', 'price']."""
    words = _WORD.findall(_CAMEL.sub(" ", text).lower())
    return [_norm_word(w) for w in words]


def _norm_word(w: str) -> str:
    return ABBREVIATIONS.get(w) or ABBREVIATIONS.get(singular(w)) or singular(w)


@lru_cache(maxsize=65536)
def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), capped at 3."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], 3)


_ENDINGS = {"s", "es", "ed", "d", "ing", "er", "ers", "ping", "ped", "ting", "ted", "ment", "ments"}


def close(word: str, target: str) -> bool:
    """A small typo or a clear abbreviation ('revnue', 'reveune', 'rev')."""
    if word == target:
        return True
    if len(target) >= 4 and word.startswith(target) and word[len(target) :] in _ENDINGS:
        return True  # 'shipping' for 'ship', 'ordered' for 'order'
    if (
        len(word) >= 3
        and len(target) > len(word)
        and target.startswith(word)
        and len(word) >= 0.5 * len(target)
    ):
        return True
    if len(word) < 4 or len(target) < 4:
        return False
    if word[0] != target[0] and len(word) < 6:
        return False
    limit = 2 if min(len(word), len(target)) >= 8 else 1
    return distance(word, target) <= limit


# ----------------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"(?P<num>[$€£¥₹]?[-+]?\d+(?:[.,']\d+)*(?:\s?(?:k|m|bn|%))?(?![^\W_]))"
    r"|(?P<word>[^\W_]+(?:'[^\W_]+)*)"
    r"|(?P<op>[<>!=]=?|≥|≤|≠)"
    r"|(?P<p>[^\s\w])",
    re.UNICODE,
)


@dataclass
class Token:
    text: str  # as typed
    norm: str  # lower-case, singular, abbreviations expanded
    kind: str  # "word" | "num" | "op" | "p"
    start: int
    end: int


_WORD_JOINER = re.compile(r"(?<=[^\W\d_])[-.](?=[^\W\d_])")


def tokenize(text: str, limit: int = 600) -> list[Token]:
    text = _WORD_JOINER.sub(" ", text)  # 'sub-category', 'Sepal.Length' read as two words
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "p"
        raw = m.group()
        low = raw.lower()
        norm = _norm_word(low) if kind == "word" else low
        tokens.append(Token(raw, norm, kind, m.start(), m.end()))
        if len(tokens) >= limit:
            break
    return tokens


# --------------------------------------------------------------------------------- columns


@dataclass
class Mention:
    start: int  # token indexes [start, end)
    end: int
    column: Column
    score: float  # 1 exact, 0.85 loose (typo/abbreviation/joined), 0.6 part of a longer name
    said: str  # the words as typed
    rivals: list[Column]

    def note(self) -> str | None:
        if self.rivals:
            names = ", ".join(f"“{c.name}”" for c in self.rivals)
            return f"Using column “{self.column.name}” for “{self.said}” ({names} also matches)."
        if self.score < 1 and _spelled(self.said) != _spelled(self.column.name):
            return f"Using column “{self.column.name}” for “{self.said}”."
        return None


def _spelled(text: str) -> str:
    """'lifeexp' for 'lifeExp': the very name typed, only its case differs; no note needed."""
    return " ".join(text.lower().split())


def _score(gram: list[str], key: list[str]) -> float:
    if gram == key:
        return 1.0
    if "".join(gram) == "".join(key):
        return 0.95
    if len(gram) == len(key) and all(close(g, k) for g, k in zip(gram, key, strict=True)):
        return 0.85
    if len(gram) == 1 and len(key) > 1 and close(gram[0], "".join(key)):
        return 0.85
    if len(gram) < len(key) and (len(gram) > 1 or len(gram[0]) >= 3):
        for i in range(len(key) - len(gram) + 1):
            if all(g == k for g, k in zip(gram, key[i : i + len(gram)], strict=True)):
                return 0.6
        for i in range(len(key) - len(gram) + 1):
            if all(close(g, k) for g, k in zip(gram, key[i : i + len(gram)], strict=True)):
                return 0.5
    return 0.0


_LINKS = {"of", "the", "per", "in", "and", "a"}


def _inner_links_dropped(words: list[str]) -> list[str]:
    """'number of platforms' keyed as 'number platform', as a request's n-grams are."""
    if len(words) <= 2:
        return words
    return [words[0]] + [w for w in words[1:-1] if w not in _LINKS] + [words[-1]]


class ColumnIndex:
    """Loose lookup of a table's column names in a token stream."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.keys = [(c, _inner_links_dropped(norm_words(c.name))) for c in table.columns]
        self.keys = [(c, k) for c, k in self.keys if k]
        self.longest = max((len(k) for _, k in self.keys), default=1)

    def best(self, gram: list[str]) -> tuple[Column, float, list[Column]] | None:
        scored = [(s, c) for c, k in self.keys if (s := _score(gram, k)) > 0]
        if not scored:
            return None
        top = max(s for s, _ in scored)
        winners = [c for s, c in scored if s == top]
        return winners[0], top, winners[1:]

    def find(self, tokens: list[Token], taken: set[int]) -> list[Mention]:
        """Non-overlapping mentions, longest and best first, left to right."""
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = None
            for n in range(min(self.longest + 1, len(tokens) - i), 0, -1):
                span = tokens[i : i + n]
                if any(
                    t.kind not in ("word", "num") or (i + k) in taken for k, t in enumerate(span)
                ):
                    continue
                numeric = any(t.kind == "num" for t in span)  # a column named '2024'
                # 'years of experience' names 'Years Experience'
                gram = _inner_links_dropped([t.norm for t in span])
                if (gram[0] in STOPWORDS or gram[-1] in STOPWORDS) and not self._exact_name(gram):
                    continue
                hit = self.best(gram)
                if hit is None and n == 1 and span[0].text.lower() != gram[0]:
                    hit = self.best([span[0].text.lower()])  # 'cots' is 'cost', not 'cot'
                if hit is None:
                    continue
                column, score, rivals = hit
                if numeric and score < 1.0:
                    continue
                if score == 1.0 and any(singular(t.text.lower()) != t.norm for t in span):
                    score = 0.9  # an abbreviation ('rev', 'qty'): exact enough, but say so
                if found is None or score > found.score + 0.2:
                    said = " ".join(t.text for t in span)
                    found = Mention(i, i + n, column, score, said, rivals)
                if score >= 0.85:
                    break
            if found is not None:
                out.append(found)
                i = found.end
            else:
                i += 1
        return out

    def _exact_name(self, gram: list[str]) -> bool:
        return any(k == gram for _, k in self.keys)


# ----------------------------------------------------------------------------------- values

MAX_DISTINCT = 2000


@dataclass
class ValueMention:
    start: int
    end: int
    column: Column
    value: object  # the cell value as stored
    said: str
    exact: bool


_BLANK_WORDS = ("blank", "blanks", "empty")
_LIST_CONTEXT = {"and", ",", "or", "&", "excluding", "except", "without", "only", "for", "not"}


class ValueIndex:
    """Category values of text (and bool) columns, for filters like 'only widgets'."""

    def __init__(self, table: Table) -> None:
        self.by_words: dict[tuple[str, ...], list[tuple[Column, object]]] = {}
        self.single: dict[str, list[tuple[Column, object]]] = {}
        self.longest = 1
        for col in table.columns:
            if col.type is not ColumnType.TEXT:
                continue
            try:
                raw = dict.fromkeys(col.values)
            except TypeError:
                continue
            blanks = raw.pop(None, 0) is None or raw.pop("", 0) is None
            if len(raw) > MAX_DISTINCT:
                continue
            distinct = {str(v): v for v in raw}
            if blanks:  # charts show these cells as "(blank)": "excluding blanks" means them
                distinct.update(dict.fromkeys(_BLANK_WORDS, BLANK))
            for text, v in distinct.items():
                words = tuple(norm_words(text))
                if not words or len(words) > 6:
                    continue
                entry = self.by_words.setdefault(words, [])
                if all(c is not col for c, _ in entry):
                    entry.append((col, v))
                self.longest = max(self.longest, len(words))
                if len(words) == 1 and len(words[0]) >= 5:
                    self.single.setdefault(words[0], []).append((col, v))
                joined = "".join(words)
                if len(words) > 1 and len(joined) <= 12:  # 'PhD' for 'Ph.D.'
                    alias = self.by_words.setdefault((joined,), [])
                    if all(c is not col for c, _ in alias):
                        alias.append((col, v))

    def find(self, tokens: list[Token], taken: set[int]) -> list[ValueMention]:
        out: list[ValueMention] = []
        i = 0
        while i < len(tokens):
            hit = None
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                span = tokens[i : i + n]
                if any(
                    t.kind not in ("word", "num") or (i + k) in taken for k, t in enumerate(span)
                ):
                    continue
                words = tuple(t.norm for t in span)
                # A common word counts as a value only in a list or after a filter word.
                common = n == 1 and (words[0] in STOPWORDS or len(words[0]) < 2)
                if common and (
                    i == 0 or tokens[i - 1].norm not in _LIST_CONTEXT or len(words[0]) < 2
                ):
                    continue
                entries = self.by_words.get(words)
                exact = True
                if entries is None and n == 1 and span[0].kind == "word" and len(words[0]) >= 5:
                    near = [w for w in self.single if close(words[0], w) and w[:1] == words[0][:1]]
                    if len(near) == 1:
                        entries, exact = self.single[near[0]], False
                if entries:
                    said = " ".join(t.text for t in span)
                    hit = [ValueMention(i, i + n, c, v, said, exact) for c, v in entries]
                    break
            if hit:
                out.extend(hit)
                i = hit[0].end
            else:
                i += 1
        return out


def match_name(phrase: str, names: list[str]) -> str | None:
    """The one name (a sheet, a file) that ``phrase`` names loosely, or None."""
    words = norm_words(phrase)
    if not words:
        return None
    scored = []
    for name in names:
        key = norm_words(re.sub(r"\.(xlsx|xlsm|csv|xls)$", "", name, flags=re.I))
        s = _score(words, key) if key else 0
        if name.lower() == phrase.lower():
            s = 1.1
        if s >= 0.85:
            scored.append((s, name))
    if not scored:
        return None
    return max(scored, key=lambda x: x[0])[1]
