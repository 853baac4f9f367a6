"""Reply texts (Slack mrkdwn), each well under Slack's 3,000-character section limit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.spec import ChartSpec
from bot.table import Column, ColumnType, Dataset, Table

LIMIT = 2800
_MEASURE_HINTS = (
    "revenue",
    "sales",
    "amount",
    "total",
    "price",
    "cost",
    "profit",
    "value",
    "units",
)


def _clip(text: str, limit: int = LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _categories(table: Table) -> list[Column]:
    out = []
    for c in table.columns:
        if c.type is ColumnType.TEXT:
            distinct = {v for v in c.values[:5000] if v not in (None, "")}
            if 1 < len(distinct) <= 50:
                out.append(c)
    return out


# Numbers that name things rather than measure them: summing order ids helps nobody.
_ID_LIKE = re.compile(
    r"(?:^|[\s_])(?:id|no|nr|num|number|code|zip|postcode|phone|account|acct|order|sku|ean|isbn"
    r"|year|yr|quarter|month|week|day|period)"
    r"(?:$|[\s_#])|#",
    re.I,
)


def _measures(table: Table) -> list[Column]:
    nums = [
        c
        for c in table.columns
        if c.type is ColumnType.NUMBER
        and (not _ID_LIKE.search(c.name) or any(h in c.name.lower() for h in _MEASURE_HINTS))
    ]

    def rank(c: Column) -> tuple[int, int]:
        hits = [i for i, h in enumerate(_MEASURE_HINTS) if h in c.name.lower()]
        return (hits[0] if hits else len(_MEASURE_HINTS), nums.index(c))

    return sorted(nums, key=rank)


def example_requests(table: Table) -> list[str]:
    """Two or three requests that work on this table, built from its real column names."""
    nums = _measures(table)
    cats = _categories(table)
    dates = [c for c in table.columns if c.type is ColumnType.DATE]
    low = lambda c: c.name.lower()  # noqa: E731
    out: list[str] = []
    if nums and cats:
        out.append(f"{low(nums[0])} by {low(cats[0])}")
    if nums and dates:
        out.append(f"{low(nums[0])} by month")
    elif nums and cats:
        out.append(f"top 5 {low(cats[0])} by {low(nums[0])}")
    if len(nums) >= 2 and cats:
        out.append(f"average {low(nums[1])} per {low(cats[-1])}")
    elif len(nums) >= 2:
        out.append(f"{low(nums[0])} vs {low(nums[1])}")
    elif nums:
        out.append(f"distribution of {low(nums[0])}")
    elif cats:
        out += [f"count by {low(c)}" for c in cats[:2]]
        out.append("count by month" if dates else f"share of rows by {low(cats[0])}")
    return list(dict.fromkeys(out))[:3]


_INLINE_EXAMPLES = [
    "bar chart of apples 3, pears 5, plums 2",
    "line chart Q1=10 Q2=14 Q3=12 Q4=18",
    "pie: rent 1200, food 450, travel 300",
]


def starter_requests() -> list[str]:
    """Requests on typed data that work in any thread, before any file is shared."""
    return list(_INLINE_EXAMPLES)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"• `{x}`" for x in items)


SUMMARY_COLUMNS = 12  # a wide sheet's summary names the first dozen; "what columns" lists all


def _column_line(table: Table) -> str:
    shown = ", ".join(f"{c.name} ({c.type})" for c in table.columns[:SUMMARY_COLUMNS])
    more = len(table.columns) - SUMMARY_COLUMNS
    return shown + (f" and {more} more (ask: what columns are there?)" if more > 0 else "")


def help_text(dataset: Dataset | None) -> str:
    lines = [
        "*I turn words and numbers into charts.*",
        "Type data right in the message, paste a table from Excel or Google Sheets, or share an "
        ".xlsx/.csv file and ask about its columns.",
    ]
    if dataset is not None:
        examples = example_requests(dataset.table)
        if examples:
            lines += [f"\n*On {dataset.filename}* you could ask:", _bullets(examples)]
        lines.append(f"Columns: {_column_line(dataset.table)}")
    lines += ["\n*Inline data:*", _bullets(_INLINE_EXAMPLES)]
    lines += [
        "\n*Then adjust:* `make it a pie` · `horizontal` · `only top 3` · `sort descending` · "
        "`title: Sales 2024` · `log scale` · `show values` · `dark style` · `in blue` · `undo`",
        "*Also:* `what columns are there?` · `show the data` · `set my default style to dark` · "
        "`new chat`",
        "Chart types: bar, horizontal bar, grouped/stacked bar, line, area, pie, donut, scatter, "
        "histogram.",
    ]
    return _clip("\n".join(lines))


def columns_text(dataset: Dataset | None) -> str:
    if dataset is None:
        return (
            "No file is shared in this thread yet. "
            "Share an .xlsx or .csv file and I'll list its columns."
        )
    lines = [f"*Columns in {dataset.filename}:*"]
    for name, table in dataset.tables.items():
        if len(dataset.tables) > 1:
            active = " (active)" if name == dataset.active_sheet else ""
            active += " (hidden)" if name in dataset.hidden else ""
            lines.append(f"\n*Sheet {name}*{active} — {_rows(table.row_count)}")
        for c in table.columns:
            extra = f", {c.missing} blank" if c.missing else ""
            lines.append(f"• {c.name} — {c.type}{extra}")
    return _clip("\n".join(lines))


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".") if not v.is_integer() else f"{int(v):,}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    return " ".join(str(v).split())


def _grid(header: list[str], rows: list[list[str]], budget: int) -> str:
    width = [min(24, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c[: width[i]].ljust(width[i]) for i, c in enumerate(cells)).rstrip()

    out = [line(header), "  ".join("-" * w for w in width)]
    for r in rows:
        if sum(len(x) + 1 for x in out) + len(line(r)) > budget:
            out.append("…")
            break
        out.append(line(r))
    return "\n".join(out)


def data_text(dataset: Dataset | None, previous: ChartSpec | None) -> str:
    if previous is not None:
        header = [previous.x_label or "label"] + [s.name for s in previous.series]
        rows = [
            [_cell(x)] + [_cell(s.values[i]) for s in previous.series]
            for i, x in enumerate(previous.x_labels)
        ]
        title = f"*{previous.title}*" if previous.title else "*The chart's data*"
        return _clip(f"{title}\n```\n{_grid(header, rows[:60], 2400)}\n```")
    if dataset is None:
        return "There's no data in this thread yet: type some numbers or share an .xlsx/.csv file."
    table = dataset.table
    cols = table.columns[:8]
    rows = [[_cell(c.values[i]) for c in cols] for i in range(min(20, table.row_count))]
    more = []
    if table.row_count > 20:
        more.append(f"first 20 of {table.row_count} rows")
    if len(table.columns) > 8:
        more.append(f"first 8 of {len(table.columns)} columns")
    tail = f"\n_({', '.join(more)})_" if more else ""
    grid = _grid([c.name for c in cols], rows, 2300)
    return _clip(f"*{dataset.filename} › {table.sheet}*\n```\n{grid}\n```{tail}")


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


def file_summary(dataset: Dataset) -> str:
    table = dataset.table
    lines = [f"*Read {dataset.filename}*"]
    sheets = [s for s in dataset.sheet_names or dataset.tables if s not in dataset.hidden]
    if len(sheets) > 1:
        parts = []
        for s in sheets[:20]:
            t = dataset.tables.get(s)
            parts.append(f"{s} ({_rows(t.row_count)})" if t else f"{s} (no table)")
        lines.append("Sheets: " + ", ".join(parts))
    lines.append(f"Using *{table.sheet}*: {_rows(table.row_count)}; columns: {_column_line(table)}")
    for note in (dataset.notes + table.notes)[:5]:
        lines.append(f"_Note: {note}_")
    examples = example_requests(table)
    if examples:
        lines.append("Try:\n" + _bullets(examples))
    return _clip("\n".join(lines))


def not_understood_text(
    reason: str,
    understood: list[str],
    missing: str,
    dataset: Dataset | None,
    table: Table | None = None,
) -> str:
    lines = [f"I couldn't make a chart from that: {reason}"]
    if understood:
        lines.append("• Understood: " + "; ".join(dict.fromkeys(understood)))
    if missing:
        lines.append(f"• Missing: {missing}")
    if dataset is not None:
        table = table or dataset.table
        lines.append(f"Columns in *{dataset.filename}* › {table.sheet}: {_column_line(table)}")
        examples = example_requests(table) or _INLINE_EXAMPLES
        lines.append("Requests that would work:\n" + _bullets(examples))
    else:
        lines.append(
            "Type data in the message, paste a table, or share an .xlsx/.csv file. For example:\n"
            + _bullets(_INLINE_EXAMPLES)
        )
    return _clip("\n".join(lines))
