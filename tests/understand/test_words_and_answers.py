"""Conversation commands and the reply texts built from the dataset."""

from __future__ import annotations

import pytest

from bot.understand import (
    ChartResult,
    Command,
    Context,
    NotUnderstood,
    understand,
    wanted_file,
    wanted_sheet,
)
from bot.understand.answers import (
    columns_text,
    data_text,
    example_requests,
    file_summary,
    help_text,
)
from tests.understand.data import people_dataset, sales_dataset

SALES = sales_dataset()
PEOPLE = people_dataset()


@pytest.mark.parametrize(
    ("text", "name", "argument"),
    [
        ("help", "help", None),
        ("Help!", "help", None),
        ("<@U0BOT> help please", "help", None),
        ("what can you do?", "help", None),
        ("how does this work", "help", None),
        ("what columns are there?", "columns", None),
        ("which columns do we have", "columns", None),
        ("list the columns", "columns", None),
        ("columns?", "columns", None),
        ("what's in the file", "columns", None),
        ("show the data", "show_data", None),
        ("show me the raw data", "show_data", None),
        ("show data pls", "show_data", None),
        ("undo", "undo", None),
        ("undo that", "undo", None),
        ("go back", "undo", None),
        ("new chat", "new_chat", None),
        ("newchat", "new_chat", None),
        ("reset", "new_chat", None),
        ("start over", "new_chat", None),
        ("set my default style to dark", "set_default_style", "dark"),
        ("make pastel my default style", "set_default_style", "pastel"),
        ("change my default theme to colorblind", "set_default_style", "colorblind"),
        ("always use colorblind-friendly colors", "set_default_style", "colorblind"),
        ("use dark style", "set_style", "dark"),
        ("switch to mono theme", "set_style", "mono"),
        ("style: pastel", "set_style", "pastel"),
        ("use the default style", "set_style", "default"),
    ],
)
def test_command_words(text, name, argument) -> None:
    assert understand(text, Context(dataset=SALES)) == Command(name, argument)


@pytest.mark.parametrize(
    "text",
    ["help me chart revenue by region", "show revenue by region", "reset the axis to log scale"],
)
def test_command_words_inside_requests_are_not_commands(text) -> None:
    assert not isinstance(understand(text, Context(dataset=SALES)), Command)


def test_help_uses_real_column_names_and_examples_work() -> None:
    text = help_text(SALES)
    assert "revenue by region" in text
    for example in example_requests(SALES.table):
        assert isinstance(understand(example, Context(dataset=SALES)), ChartResult), example
    assert len(text) < 3000
    assert "apples" in help_text(None)


@pytest.mark.parametrize("dataset", [SALES, PEOPLE])
def test_example_requests_work_on_each_dataset(dataset) -> None:
    examples = example_requests(dataset.table)
    assert 2 <= len(examples) <= 3
    for example in examples:
        assert isinstance(understand(example, Context(dataset=dataset)), ChartResult), example


def test_columns_text_lists_every_column_with_type_and_sheets() -> None:
    text = columns_text(SALES)
    for col in SALES.table.columns:
        assert f"{col.name} — {col.type}" in text
    assert "Sheet Q3" in text and "Team" in text
    assert "share" in columns_text(None).lower()


def test_data_text_of_previous_chart_is_a_code_block() -> None:
    spec = understand("revenue by region", Context(dataset=SALES)).spec
    text = data_text(SALES, spec)
    assert text.count("```") == 2
    for label in spec.x_labels:
        assert label in text
    assert "23,377" in text


def test_data_text_of_dataset_is_compact() -> None:
    text = data_text(SALES, None)
    assert text.count("```") == 2 and "Revenue" in text and "first 20 of 120 rows" in text
    assert len(text) < 3000


def test_data_text_stays_under_slack_limit_for_wide_long_data() -> None:
    labels = [f"category number {i} with a long name" for i in range(500)]
    spec = understand(
        "\n".join(f"{label}\t{i}\t{i * 2}" for i, label in enumerate(labels)), Context()
    ).spec
    assert len(data_text(None, spec)) < 3000


def test_file_summary() -> None:
    text = file_summary(SALES)
    assert "sales.xlsx" in text and "120 rows" in text
    assert "Notes (no table)" in text and "ignored the Total row" in text
    assert "Revenue (number)" in text and "`revenue by region`" in text
    assert len(text) < 3000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("revenue by region from budget.xlsx", "budget.xlsx"),
        ("from Budget.XLSX: cost by team", "budget.xlsx"),
        ("in budget, cost by team", "budget.xlsx"),
        ("use the budget file", "budget.xlsx"),
        ("revenue by region", None),
        ("revenue in the west", None),
        ("from sales 2024.xlsx", "sales 2024.xlsx"),
    ],
)
def test_wanted_file(text, expected) -> None:
    assert wanted_file(text, ["sales 2024.xlsx", "budget.xlsx"]) == expected


def test_wanted_sheet() -> None:
    assert wanted_sheet("score by team in sheet Q3", SALES) == "Q3"
    assert wanted_sheet("on the q3 tab", SALES) == "Q3"
    assert wanted_sheet("revenue by region", SALES) is None


def test_named_file_is_stripped_from_the_request() -> None:
    ctx = Context(dataset=SALES, files=["sales.xlsx", "budget.xlsx"])
    result = understand("revenue by region from sales.xlsx", ctx)
    assert isinstance(result, ChartResult)
    assert result.spec.source_file == "sales.xlsx" and result.spec.sheet == "2024"


def test_new_charts_take_the_session_style() -> None:
    spec = understand("revenue by region", Context(dataset=SALES, style="pastel")).spec
    assert spec.style == "pastel"
    assert understand("apples 3, pears 5", Context(style="mono")).spec.style == "mono"


@pytest.mark.parametrize("text", ["set my default style to neon", "use the fancy theme"])
def test_unknown_style_lists_the_styles(text) -> None:
    result = understand(text, Context())
    assert isinstance(result, NotUnderstood)
    assert all(
        f"`{s}`" in result.message for s in ("default", "dark", "colorblind", "mono", "pastel")
    )


def test_request_without_a_file_asks_for_data() -> None:
    result = understand("revenue by region in dark style", Context())
    assert isinstance(result, NotUnderstood) and "file" in result.message
    result = understand("make it a pie", Context())
    assert isinstance(result, NotUnderstood) and "no chart yet" in result.message
