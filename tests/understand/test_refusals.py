"""Requests that must be refused helpfully: say what was understood, what is missing, the
columns, and requests that would work — never a silent guess at something else."""

from __future__ import annotations

import pytest

from bot.understand import Context, NotUnderstood, understand
from tests.understand.data import people_dataset, sales_dataset

SALES = sales_dataset()
PEOPLE = people_dataset()

# (text, dataset, a word the reply must contain)
WITH_FILE = [
    ("profit by region", SALES, "profit"),
    ("sales by territory", SALES, "territory"),
    ("revenue by customer", SALES, "customer"),
    ("average age by region", SALES, "age"),
    ("revenue and profit by region", SALES, "profit"),
    ("revenue by region and territory", SALES, "territory"),
    ("revenue by region where status is pending", SALES, "pending"),
    ("revenue by region only for pending", SALES, "pending"),
    ("margin per product", SALES, "margin"),
    ("bonus by region", SALES, "bonus"),
    ("revenue by hour", SALES, "hour"),
    ("scatter of revenue", SALES, "scatter"),
    ("revenue by region from budget.xlsx", SALES, "budget.xlsx"),
    ("in sheet Q9 revenue by region", SALES, "Q9"),
    ("revenue by region in sheet Notes", SALES, "Notes"),
    ("revenue by region for 1999", SALES, "rows"),
    ("median revenue by region", SALES, "median"),
    ("bonus by department", PEOPLE, "bonus"),
    ("salary by office", PEOPLE, "office"),
    ("average salary by department where remote is maybe", PEOPLE, "maybe"),
    ("salary by quarter for 2031", PEOPLE, "rows"),
    ("xyzzy", SALES, "Revenue"),
    ("count by region for 40", SALES, "40"),
    ("revenue by region times 3", SALES, "3"),
    ("asdf qwer", PEOPLE, "Salary"),
    ("make it a pie", SALES, "pie"),
]
WITHOUT_FILE = [
    ("make me a chart", "apples 3"),
    ("chart pls", "apples 3"),
    ("revenue by region", "file"),
    ("hello there", "apples 3"),
    ("what's the weather in Paris", "apples 3"),
    ("=cmd|' /C calc'!A0", "apples 3"),
    ("=1+1", "apples 3"),
    ("DROP TABLE users;", "apples 3"),
    ("<script>alert(1)</script>", "apples 3"),
    ("", "apples 3"),
    ("   ", "apples 3"),
    (":tada: :tada:", "apples 3"),
    ("make it a pie", "no chart yet"),
    ("top 5", "apples 3"),
    ("labels: a, b, c values: 1, 2", "one value per label"),
    ("just one number 42", "apples 3"),
    ("\x00\x01\x02 \u202e\u200b", "apples 3"),
]


@pytest.mark.parametrize(("text", "dataset", "word"), WITH_FILE, ids=[t for t, _, _ in WITH_FILE])
def test_file_request_refused_with_columns_and_examples(text, dataset, word) -> None:
    result = understand(text, Context(dataset=dataset, files=[dataset.filename]))
    assert isinstance(result, NotUnderstood), result
    message = result.message
    assert word.lower() in message.lower()
    assert "(number)" in message  # the columns, with their types
    assert "Requests that would work" in message
    assert message.count("• `") >= 2  # two or three examples
    assert len(message) < 3000


@pytest.mark.parametrize(("text", "word"), WITHOUT_FILE, ids=[repr(t) for t, _ in WITHOUT_FILE])
def test_request_without_data_refused_with_examples(text, word) -> None:
    result = understand(text, Context())
    assert isinstance(result, NotUnderstood), result
    assert word.lower() in result.message.lower()
    assert "`" in result.message  # examples that would work


def test_examples_in_a_refusal_really_work() -> None:
    refusal = understand("profit by region", Context(dataset=SALES))
    assert isinstance(refusal, NotUnderstood)
    examples = [line[3:-1] for line in refusal.message.splitlines() if line.startswith("• `")]
    assert len(examples) >= 2
    for example in examples:
        assert not isinstance(understand(example, Context(dataset=SALES)), NotUnderstood), example


def test_refusal_says_what_was_understood() -> None:
    result = understand("pie chart of profit by region for 2024", Context(dataset=SALES))
    assert isinstance(result, NotUnderstood)
    assert "Understood" in result.message and "pie" in result.message


def test_enough_refusals() -> None:
    assert len(WITH_FILE) + len(WITHOUT_FILE) >= 30


def test_values_for_too_few_labels_are_counted_back() -> None:
    result = understand("line chart 12, 14, 9 for mon tue", Context())
    assert isinstance(result, NotUnderstood)
    assert "I found 2 labels but 3 values; give one value per label" in result.message
