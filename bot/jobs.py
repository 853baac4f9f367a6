"""CPU-bound work, as top-level functions a worker process can run.

Each job takes and returns plain picklable values, so the event loop only ships bytes: datasets
travel as their stored bytes and are decoded in the worker, charts come back as PNG bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bot.actions import chart_types, retyped
from bot.export import DataTable, data_table
from bot.intake import Limits, read_dataset
from bot.render import describe, render_png, validate
from bot.spec import ChartSpec, ChartType, SpecError
from bot.table import Dataset
from bot.understand import ChartResult, Command, Context, NotUnderstood, understand
from bot.understand.answers import (
    columns_text,
    data_text,
    example_requests,
    file_summary,
    help_text,
)
from bot.understand.build import Refusal


@dataclass
class Drawn:
    """A rendered chart and the words that go with it."""

    spec: ChartSpec
    png: bytes
    title: str
    alt_text: str
    comment: str
    notes: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # what its buttons may redraw it as


@dataclass
class Answer:
    """A text answer to a conversation word (help, columns, show the data)."""

    command: str
    text: str


@dataclass
class Read:
    """A file after intake: the dataset as stored bytes, the summary reply, and requests that
    would work on its active table (the summary's "Try:" line)."""

    data: bytes
    summary: str
    sheets: list[dict]
    examples: list[str] = field(default_factory=list)


def draw(spec: ChartSpec, notes: list[str] | None = None) -> Drawn:
    spec = validate(spec)
    words = describe(spec)
    png = render_png(spec)
    return Drawn(
        spec, png, words.title, words.alt_text, words.comment, notes or [], chart_types(spec)
    )


def chart_data(spec: ChartSpec, rows: int, cells: int) -> tuple[DataTable, bytes | None]:
    """A chart's data table, and the whole of it as CSV when a table of ``rows`` × ``cells``
    cannot show it all: both built here, in a worker, since a long one takes a while."""
    table = data_table(spec)
    whole = len(table.rows) > rows or len(table.header) > cells
    return table, table.csv() if whole else None


def draw_as(spec: ChartSpec, chart_type: str) -> Drawn:
    """A chart's button for another type: drawn as the typed edit would draw it."""
    try:
        built = retyped(spec, ChartType(chart_type))
    except Refusal as exc:
        raise SpecError(exc.reason) from None
    return draw(built.spec, built.notes)


def understand_and_draw(
    text: str, ctx: Context, dataset: bytes | None
) -> Drawn | Answer | Command | NotUnderstood:
    """Resolve a request against the thread's context: draw a chart, or answer in words."""
    if dataset is not None:
        ctx.dataset = _decode(dataset)
    outcome = understand(text, ctx)
    if isinstance(outcome, ChartResult):
        return draw(outcome.spec, outcome.notes)
    if isinstance(outcome, Command) and outcome.name in _ANSWERS:
        return Answer(outcome.name, _ANSWERS[outcome.name](ctx))
    return outcome


_ANSWERS = {
    "help": lambda ctx: help_text(ctx.dataset),
    "columns": lambda ctx: columns_text(ctx.dataset),
    "show_data": lambda ctx: data_text(ctx.dataset, ctx.previous),
}


def read_file(file_id: str, filename: str, data: bytes, limits: Limits) -> Read:
    dataset = read_dataset(file_id, filename, data, limits)
    sheets = [
        {"name": t.sheet, "rows": t.row_count, "columns": [c.name for c in t.columns]}
        for t in dataset.tables.values()
    ]
    examples = example_requests(dataset.table)
    return Read(dataset.to_bytes(), file_summary(dataset), sheets, examples)


@lru_cache(maxsize=4)
def _decode(data: bytes) -> Dataset:
    """Decoding a large table costs more than hashing its bytes; threads reuse their file."""
    return Dataset.from_bytes(data)
