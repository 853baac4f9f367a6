"""Understanding requests (PRODUCT.md §4): text plus the thread's context in, a chart spec out.

Deterministic and offline: regular expressions with bounded repetition, loose matching against
the table's own column names and values, and nothing the user sends is ever evaluated.

Order of reading: conversation commands → inline data → column references on the active table →
edits of the previous chart. A request that names new data (inline numbers, or a full "X by Y")
starts a new chart; anything partial ("make it a pie", "average instead", "only West") edits the
previous one.

Style words: "use dark style", "switch to pastel theme", "style: mono" (and "dark style" when
there is no chart yet) are the ``set_style`` command — the thread's style, which the caller
stores and may use to redraw. "make it dark", "in dark mode" or "dark style" said about an
existing chart are an edit of that chart (``spec.style``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from bot.spec import STYLES, Aggregation, ChartSpec, ChartType
from bot.table import Dataset, Table
from bot.understand.answers import not_understood_text
from bot.understand.build import Refusal, inline_chart, make_query, query_chart
from bot.understand.columns import norm_words
from bot.understand.edits import edit, edit_points
from bot.understand.inline import InlineData, parse_inline, table_from_rows, table_rows
from bot.understand.parse import parse_columns
from bot.understand.pies import pie_data
from bot.understand.reading import Reading, Weak, read
from bot.understand.records import tokens
from bot.understand.request import ALL_BUT_NAMING, PRESENTATION, Modifiers, read_modifiers
from bot.understand.sources import strip_sources, wanted_file, wanted_sheet
from bot.understand.state import Parsed
from bot.understand.style_edits import style_words, without_style_words
from bot.understand.text import clean
from bot.understand.words import Command, command

__all__ = [
    "ChartResult",
    "Command",
    "Context",
    "NotUnderstood",
    "understand",
    "wanted_file",
    "wanted_sheet",
]


log = logging.getLogger(__name__)


@dataclass
class Context:
    dataset: Dataset | None = None  # the session's active dataset
    previous: ChartSpec | None = None  # the thread's last chart, for edits
    style: str = "default"  # the session's style, applied to new specs
    files: list[str] = field(default_factory=list)  # filenames of all datasets in the session


@dataclass
class ChartResult:
    spec: ChartSpec
    notes: list[str] = field(default_factory=list)


@dataclass
class NotUnderstood:
    message: str


# ------------------------------------------------------------------------------------ main


# A style request whose style is not one we have ('set my default style to neon').
_STYLE_ASK = re.compile(
    r"(?:please\s+)?(?:set|use|switch|change|make|apply)\b[^\n]{0,40}\b(?:style|theme)\b[^\n]{0,30}",
    re.I,
)
_THANKS = re.compile(
    r"(?:(?:ok(?:ay)?|cool|great|nice|perfect|awesome|thanks?|thank you|thx|ty|cheers|got it|"
    r"lgtm|looks good|good|sweet|excellent|amazing|love it|yes|yep|no|nope)[\s,.!]*){1,4}",
    re.I,
)


def _modifiers_outside_tables(
    text: str, protected: list[str], kinds: frozenset[str] | None = None
) -> tuple[Modifiers, str]:
    """Read chart words from the message but not from a pasted table's cells ('=SUM(…)')."""
    lines = [line for line in text.split("\n") if line.strip()]
    found = table_rows(lines)
    if found is None or table_from_rows(found[0]) is None:
        return read_modifiers(text, protected=protected, kinds=kinds)
    _, start, end = found
    outside = "\n".join(lines[:start] + lines[end:])
    mods, rest = read_modifiers(outside, protected=protected, kinds=kinds)
    return mods, rest + "\n" + "\n".join(lines[start:end])


def _titled_as_said(data: InlineData, body: str, protected: list[str]) -> InlineData:
    """The same data read with its naming words left in ('average temperature mon 12 tue 14'):
    when both readings agree on labels and numbers, its title keeps those words."""
    _, named = _modifiers_outside_tables(body, protected, kinds=ALL_BUT_NAMING)
    said = parse_inline(named) or parse_inline(_without_polite_edges(named))
    if said is None or said.labels != data.labels or said.series != data.series:
        return data
    data.leftover = said.leftover
    return data


def _without_polite_edges(text: str) -> str:
    """'hey can you plot … please' → '…' (only the ends are searched: linear on long text)."""
    text = " ".join(text.split(" "))
    if len(text) > 600:
        return (
            _POLITE_EDGES.sub(" ", text[:300])
            + text[300:-300]
            + _POLITE_EDGES.sub(" ", text[-300:])
        )
    return _POLITE_EDGES.sub(" ", text)


_POLITE_EDGES = re.compile(
    r"^[\s,.!:]*(?:(?:hey|hi|hello|yo|ok|okay|so|please|pls|plz|can you|could you|would you|"
    r"can u|could u|i need|i want|i'd like|give me|make|create|draw|plot|chart|graph|show me|"
    r"show|display|visuali[sz]e|me|us|a|an|the|some|of|for|with|this|these|following|data|"
    r"numbers|values|here|is|are|it)\b[\s,.!:]*)+(?=\S)|[\s,.!?]*(?:\b(?:please|pls|plz|thanks|"
    r"thank you|thx|ty|asap)\b[\s,.!?]*)+$",
    re.I,
)


def _no_data_reason(text: str) -> str:
    """Why typed words gave no chart, built from what was there: numbers whose labels could not
    be told apart are named, so the user sees what was read."""
    numbers = [t.text.strip(",;:") for t in tokens(text) if t.number is not None][:6]
    if not numbers:
        return "I found no numbers or table in the message."
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}" if len(numbers) > 1 else numbers[0]
    return f"I found the numbers {listed} but could not tell which label each one belongs to."


def _refuse(
    reason: str, understood: list[str], missing: str, ctx: Context, table: Table | None
) -> NotUnderstood:
    return NotUnderstood(not_understood_text(reason, understood, missing, ctx.dataset, table))


def _is_new_request(parsed: Parsed, mods: Modifiers) -> bool:
    if parsed.instead or parsed.added or parsed.dropped:
        return False
    if parsed.versus and len(parsed.measures) >= 2:
        return True
    if mods.distribution and parsed.measures:
        return True
    if parsed.measures and mods.chart_type is not None and parsed.connector:
        return True
    counting = mods.aggregation or mods.share or parsed.entity
    if parsed.connector and (parsed.measures or (parsed.dims and counting)):
        return bool(parsed.dims or (parsed.measures and parsed.time_asked)) or parsed.versus
    return False


def _has_edit(parsed: Parsed | None, mods: Modifiers, text: str) -> bool:
    if mods.any_presentation() or mods.aggregation is not None or mods.binning():
        return True
    if style_words(text):  # the look: legend, text size, axis titles, swapped axes
        return True
    if parsed is not None and (
        parsed.measures
        or parsed.dims
        or parsed.filters
        or parsed.added
        or parsed.dropped
        or parsed.bucket
    ):
        return True
    return bool(re.search(r"\b(?:without|remove|drop|exclude|excluding|except|hide)\b", text, re.I))


def understand(text: str, ctx: Context) -> ChartResult | Command | NotUnderstood:
    """Resolve one message into a chart, a command, or a helpful refusal (never an exception)."""
    try:
        return _understand(text, ctx)
    except Exception:  # a bug here must not cost the user an answer
        log.exception("understanding failed")
        return _refuse(
            "something in that request tripped me up.", [], "a simpler wording", ctx, None
        )


def _understand(text: str, ctx: Context) -> ChartResult | Command | NotUnderstood:
    cleaned = clean(text)
    if not cleaned.strip():
        return _refuse("the message is empty.", [], "a request", ctx, None)
    cmd = command(cleaned, has_previous=ctx.previous is not None)
    if cmd is not None:
        return cmd
    if _STYLE_ASK.fullmatch(cleaned.strip()):
        return NotUnderstood(
            "I know these styles: " + ", ".join(f"`{s}`" for s in STYLES) + ". Try "
            "`set my default style to dark` or `use pastel style`."
        )
    if _THANKS.fullmatch(cleaned.strip()):
        return NotUnderstood(
            "Glad to help! Ask for another chart or change this one (`make it a pie`, "
            "`only top 3`), or say `help` for ideas."
        )
    body, table, problem = strip_sources(cleaned, ctx.dataset, ctx.files)
    if problem:
        return _refuse(problem + ".", [], "", ctx, None)
    protected = [c.name for c in table.columns if len(norm_words(c.name)) >= 2] if table else []
    mods, rest = _modifiers_outside_tables(body, protected)
    if mods.problems:
        return _refuse(mods.problems[0], mods.found, "", ctx, table)
    try:
        changed = edit_points(ctx.previous, mods, rest) if ctx.previous is not None else None
        if changed is not None:
            return ChartResult(changed.spec, changed.notes)
        inline = parse_inline(rest) or parse_inline(_without_polite_edges(rest))
        if inline is not None and _plausible_inline(inline, table):
            inline = _titled_as_said(inline, body, protected)
            if mods.chart_type in (ChartType.PIE, ChartType.DONUT):
                inline = pie_data(inline, rest)
            built = inline_chart(inline, mods, ctx.style)
            return ChartResult(built.spec, inline.notes + built.notes)
        looked = without_style_words(rest)  # "swap the axes" names no column
        parsed = parse_columns(looked, table) if table is not None else None
        if (
            table is not None
            and parsed is not None
            and ctx.dataset is not None
            # after a chart, only a request for a whole new chart ('number of orders by name')
            and (ctx.previous is None or _is_new_request(parsed, mods))
            and not (_clean(parsed, mods) and not _needs_reading(body, table))
        ):
            read_out = _read_file_request(body, protected, mods, table, ctx, parsed.unmatched)
            if read_out is not None:
                return read_out
        sheet_note = None
        if parsed is not None and ctx.dataset is not None and table is ctx.dataset.table:
            found = _other_sheet(rest, parsed, mods, ctx.dataset)
            if found is not None:
                table, parsed = found
                sheet_note = f"Using sheet “{table.sheet}”, which has those columns."
        understood = mods.found + (parsed.understood if parsed else [])
        if parsed is not None and parsed.problems:
            return _refuse(parsed.problems[0], understood, "", ctx, table)
        new_request = parsed is not None and _is_new_request(parsed, mods)
        blocked = parsed is not None and _unknown_blocks(parsed, mods)
        # A column found only in another sheet starts a chart there, never edits this one.
        editing = ctx.previous is not None and not new_request and sheet_note is None
        if editing and _has_edit(parsed, mods, rest) and not blocked:
            assert ctx.previous is not None
            built = edit(ctx.previous, mods, parsed, rest, ctx.dataset, ctx.style)
            return ChartResult(built.spec, built.notes)
        if table is None or ctx.dataset is None:
            leftover = re.search(r"[^\W\d_]{3,}", _without_polite_edges(rest))
            if mods.any_presentation() and ctx.previous is None and not leftover:
                return _refuse(
                    "there's no chart yet to change, and no data in the message.",
                    understood,
                    "some data (numbers, a pasted table or a file)",
                    ctx,
                    table,
                )
            return _refuse(
                _no_data_reason(rest),
                understood,
                "some data: numbers like `apples 3, pears 5`, a pasted table, or a file",
                ctx,
                table,
            )
        assert parsed is not None
        blocker = _unknown_blocks(parsed, mods)
        if blocker:
            return _refuse(blocker, understood, "a column or value with that name", ctx, table)
        if not parsed.names_columns:
            return _refuse(
                "I couldn't find any of the file's columns in it.",
                understood,
                "a column name",
                ctx,
                table,
            )
        q, notes = make_query(parsed, mods, table, table.sheet)
        built = query_chart(
            q, mods, ctx.dataset, table, ctx.style, share=mods.share, entity=_entity(parsed, rest)
        )
        extra = [sheet_note] if sheet_note else []
        return ChartResult(built.spec, extra + parsed.notes + notes + built.notes)
    except Refusal as exc:
        return _refuse(exc.reason, mods.found, exc.missing, ctx, table)


# Words the column reader (parse.py) does not weigh: the axis an order is on, axis roles,
# and counting phrases. A request with any of them is read with ``reading.py``.
_NEEDS_READING = re.compile(
    r"\b(?:asc|desc|ascending|descending|(?:low|high)\s+to\s+(?:low|high)|[xy][- ]?axis|"
    r"by\s+the\s+[xy]|[xy]\s+(?:in|from)|order|sort|rank|list|number\s+of|how\s+many|"
    r"total\s+number|each|different|histogram|bin)\b",
    re.I,
)


def _needs_reading(body: str, table: Table) -> bool:
    """Words only ``reading.py`` weighs, or a column named like an aggregation ('count')."""
    if _NEEDS_READING.search(body):
        return True
    said = set(norm_words(body))
    return any(
        norm_words(c.name) in (["count"], ["total"], ["sum"], ["number"], ["average"])
        and norm_words(c.name)[0] in said
        for c in table.columns
    )


def _clean(parsed: Parsed, mods: Modifiers) -> bool:
    """The request is in the bot's own dialect: every word found its column or its role."""
    return (
        parsed.names_columns
        and not parsed.unknown
        and not parsed.problems
        and not parsed.notes
        and not _unknown_blocks(parsed, mods)
    )


def _read_file_request(
    body: str,
    protected: list[str],
    mods: Modifiers,
    table: Table,
    ctx: Context,
    strict: list[str],
) -> ChartResult | NotUnderstood | None:
    """A new chart from the table: the best reading of the request, on the sheet that has the
    columns it names (None: no reading, left to the older reader)."""
    assert ctx.dataset is not None
    _, text = read_modifiers(body, protected=protected, kinds=PRESENTATION)
    found = read(text, table, mods.chart_type, mods.stacked, strict)
    sheet_note = None
    if isinstance(found, Weak) and table is ctx.dataset.table:
        for name, other in ctx.dataset.tables.items():
            if other is table or name in ctx.dataset.hidden:
                continue
            again = read(text, other, mods.chart_type, mods.stacked, strict)
            if isinstance(again, Reading):
                found, table = again, other
                sheet_note = f"Using sheet “{other.sheet}”, which has those columns."
                break
    if isinstance(found, Weak):
        if found.refuse:
            return _refuse(found.reason, mods.found + found.understood, found.missing, ctx, table)
        return None
    if found.axis_words:
        mods.x_label = mods.y_label = None
    built = query_chart(
        found.query, mods, ctx.dataset, table, ctx.style, share=mods.share, entity=found.entity
    )
    spec = built.spec
    if found.scatter_aggregate:
        spec.chart_type = ChartType.SCATTER
        spec.x_labels = [_number(x) for x in spec.x_labels]
    notes = ([sheet_note] if sheet_note else []) + [n for n in found.notes if n] + built.notes
    return ChartResult(spec, notes)


def _number(x: object) -> object:
    try:
        return float(str(x))
    except ValueError:
        return x


_QUERY_WORDS = {
    "by", "per", "vs", "versus", "compare", "against", "over", "for", "and", "where", "excluding",
    "without", "only", "in", "during", "since",
}  # fmt: skip


def _plausible_inline(data: InlineData, table: Table | None) -> bool:
    """With a file open, 'revenue per quarter 2023 vs 2024' is a question, not data."""
    if table is None or data.pasted:
        return True
    for label in data.labels:
        words = str(label).lower().split()
        if words and {words[0], words[-1]} & _QUERY_WORDS:  # 'R and D' is a label
            return False
    values = [v for s in data.series for v in s.values]
    years = all(isinstance(v, int) and 1900 <= v <= 2100 for v in values)
    return not years


def _other_sheet(
    rest: str, parsed: Parsed, mods: Modifiers, dataset: Dataset
) -> tuple[Table, Parsed] | None:
    """When the active sheet lacks the named columns, another sheet may have them."""
    if _fits(parsed, mods):
        return None
    hide = dataset.table.sheet not in dataset.hidden  # hidden sheets are used when named
    for name, other in dataset.tables.items():
        if other is dataset.table or (hide and name in dataset.hidden):
            continue
        candidate = parse_columns(rest, other)
        if _fits(candidate, mods) and not candidate.problems:
            return other, candidate
    return None


def _fits(parsed: Parsed, mods: Modifiers) -> bool:
    """The request names columns of this table and nothing that is missing from it."""
    return parsed.names_columns and not _unknown_blocks(parsed, mods)


def _unknown_blocks(parsed: Parsed, mods: Modifiers) -> str | None:
    """Words that were meant as a column but match none: refuse rather than guess."""
    if parsed.unmatched:
        words = ", ".join(f"“{w}”" for w in parsed.unmatched[:4])
        return f"nothing in the data matches {words}."
    if not parsed.unknown:
        return None
    words = ", ".join(f"“{w}”" for w in parsed.unknown[:4])
    counting = (mods.aggregation is Aggregation.COUNT or parsed.entity) and not parsed.measures
    if (
        not parsed.measures
        and not counting
        and not (parsed.dims and (mods.distribution or mods.share))
    ):
        return f"no column matches {words}."
    if (
        len(parsed.unknown) >= 1
        and parsed.measures
        and parsed.connector
        and not parsed.dims
        and not parsed.time_asked
        and not parsed.versus
    ):
        return f"no column matches {words}."
    return None


def _entity(parsed: Parsed, rest: str) -> str | None:
    if parsed.entity:
        return parsed.entity
    m = re.search(
        r"\b(?:count|number|no\.|num|#)\s+of\s+(?P<w>[a-z]{3,30})\b|"
        r"\bhow\s+many\s+(?P<v>[a-z]{3,30})\b",
        rest,
        re.I,
    )
    return None if m is None else (m["w"] or m["v"])
