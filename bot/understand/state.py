"""What reading a request against a table produces (``Parsed``), and the reader's working state."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.spec import Filter
from bot.table import Column, ColumnType, Table
from bot.understand.columns import Token, norm_words, tokenize


@dataclass
class Parsed:
    measures: list[Column] = field(default_factory=list)
    dims: list[Column] = field(default_factory=list)
    bucket: str | None = None
    time_asked: bool = False  # "over time", "monthly", "by quarter"
    filters: list[Filter] = field(default_factory=list)
    versus: bool = False
    compare_years: list[str] = field(default_factory=list)  # '2023 vs 2024': a series per year
    connector: bool = False  # "by", "per", "vs": the request names how to group
    added: list[Column] = field(default_factory=list)  # "add cost"
    dropped: list[Column] = field(default_factory=list)  # "remove cost"
    instead: bool = False
    entity: str | None = None  # 'orders' in 'count of orders'
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # unknown words in a column/value slot

    @property
    def names_columns(self) -> bool:
        return bool(self.measures or self.dims or self.time_asked)


class State:
    def __init__(self, text: str, table: Table) -> None:
        self.table = table
        self.tokens: list[Token] = tokenize(text)
        self.taken: set[int] = set()
        self.out = Parsed()

    def take(self, start: int, end: int) -> None:
        self.taken.update(range(start, end))

    def word(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""


def date_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.type is ColumnType.DATE]


def year_column(table: Table) -> Column | None:
    for c in table.columns:
        if c.type is ColumnType.NUMBER and any(
            w in ("year", "fy", "fiscal") for w in norm_words(c.name)
        ):
            return c
    return None


# Things a table's rows often are: 'employees by department' counts rows.
ENTITIES = set(
    """employee staff worker people person member user customer client order record row entry
    item transaction deal ticket hire headcount student patient account case sale purchase
    visit visitor event incident request issue project task job applicant candidate""".split()  # noqa: SIM905
)
