"""The Block Kit of a chart's buttons and of a data table (slack_sdk's block models, which check
Slack's limits as they are built), and the way back from a clicked button to the core's name."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    RawTextObject,
    SectionBlock,
    TableBlock,
)
from slack_sdk.models.blocks.basic_components import TableBlockColumnSettings

from bot.actions import DATA, EXCEL, PNG, UNDO, Controls, is_button
from bot.conversation import TABLE_CELLS, TABLE_ROWS
from bot.export import DataTable

ACTION_PREFIX = "chart_"  # action_id = ACTION_PREFIX + the core's button name ("chart_pie")
_LABELS = {UNDO: "↩ Undo", DATA: "Data", EXCEL: "Excel", PNG: "PNG"}


def button_name(action_id: str) -> str | None:
    """The core's name of a clicked button, or None for an action that is not a chart's."""
    name = action_id.removeprefix(ACTION_PREFIX)
    return name if action_id.startswith(ACTION_PREFIX) and is_button(name) else None


def _names(controls: Controls, png: bool) -> list[str]:
    return [*controls.types, *([UNDO] if controls.undo else []), DATA, EXCEL, *([PNG] * png)]


def _label(name: str) -> str:
    return _LABELS.get(name) or name.capitalize()


def button_blocks(controls: Controls, *, png: bool = False) -> list[dict[str, Any]]:
    """One actions block; each button's value is the chart's id, never its data. ``png``
    adds a button for the chart's image (under a chart Slack draws itself)."""
    buttons = [
        ButtonElement(text=_label(name), action_id=ACTION_PREFIX + name, value=controls.chart_id)
        for name in _names(controls, png)
    ]
    return [ActionsBlock(elements=buttons).to_dict()]


def buttons_text(controls: Controls) -> str:
    """The message's plain text (notifications, screen readers)."""
    return "Change this chart: " + " · ".join(_label(name) for name in _names(controls, False))


def table_blocks(intro: str, table: DataTable) -> list[dict[str, Any]]:
    """The intro line, then the table: the header and the first TABLE_ROWS rows, the labels
    and the first series up to TABLE_CELLS columns, numbers aligned right."""
    rows = [table.header, *table.rows[:TABLE_ROWS]]
    cells = [[RawTextObject(text=cell or " ") for cell in row[:TABLE_CELLS]] for row in rows]
    columns = min(len(table.header), TABLE_CELLS)
    settings = [TableBlockColumnSettings(is_wrapped=True)]
    settings += [TableBlockColumnSettings(align="right")] * (columns - 1)
    return [
        SectionBlock(text=intro).to_dict(),
        TableBlock(rows=cells, column_settings=settings).to_dict(),
    ]


def table_text(intro: str, table: DataTable, limit: int) -> str:
    """The table message's plain text: the intro and as many rows as fit in ``limit``."""
    for rows in (TABLE_ROWS, 40, 10, 0):
        text = f"{intro}\n```\n{table.text(rows)}\n```" if rows else intro
        if len(text) <= limit:
            return text
    return intro[:limit]
