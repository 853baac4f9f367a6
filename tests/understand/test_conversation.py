"""Inline data in people's own forms, and what follows it in a thread, as a user runs it: typed
into the local console from a pipe, checked in the stored history (`sessions show`) and the
reply text; and once through the one-shot `chart --spec`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.table import Column, ColumnType, Dataset, Table
from bot.understand import ChartResult, Context, NotUnderstood, understand
from tests.processes import run_bot
from tests.understand.data import sales_dataset
from tests.understand.expect import SALES

# One thread, in order: every message is either new data (a new chart) or a change of the chart
# before it. Each message is unique, so its reply can be found by its text.
SCRIPT = [
    "A: 10; B: 20; C: 15",
    "Q1 $12.5k, Q2 $14k, Q3 $9.5k",
    "Sales 10, R and D 20, Ops 5",
    "can you make a bar chart of apples 3, pears 5, plums 2?",
    "compare 2023 vs 2024 sales: Q1 10 12, Q2 14 15, Q3 9 11",
    "make it a pie",
    "undo",
    "pie of 2024",
    "stacked bar chart 2023: 1, 2, 3; 2024: 2, 3, 4 for Q1, Q2, Q3",
    "north 5, south 7",
    "2023 1 2 3",
    "revenue and cost by quarter: Q1 100 80, Q2 120 90",
    "without cost",
    "Q1 10 12, Q2 14 15",
]


@pytest.fixture(scope="module")
def thread(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each message of SCRIPT → the assistant's entry that answered it."""
    workdir = tmp_path_factory.mktemp("console")
    ran = run_bot([], workdir, "\n".join([*SCRIPT, ":quit", ""]))
    assert ran.returncode == 0, ran.stderr
    shown = run_bot(["sessions", "show", "local:console:main"], workdir)
    assert shown.returncode == 0, shown.stderr
    history = json.loads(shown.stdout)["chat_history"]
    replies: dict[str, dict[str, Any]] = {}
    for asked, answer in zip(history[::2], history[1::2], strict=True):
        assert asked["role"] == "user" and answer["role"] == "assistant"
        replies[asked["content"]] = answer
    assert list(replies) == SCRIPT
    return replies


def chart(entry: dict[str, Any]) -> tuple[str, list[Any], dict[str, list[float]]]:
    meta = entry["metadata"]
    assert meta["type"] == "chart", entry["content"]
    return meta["chart_type"], meta["x_labels"], {s["name"]: s["values"] for s in meta["series"]}


def test_a_one_letter_label_is_kept(thread: dict[str, dict[str, Any]]) -> None:
    kind, labels, series = chart(thread["A: 10; B: 20; C: 15"])
    assert (kind, labels, list(series.values())) == ("bar", ["A", "B", "C"], [[10, 20, 15]])


def test_currency_and_thousands_stay_out_of_the_label(thread: dict[str, dict[str, Any]]) -> None:
    entry = thread["Q1 $12.5k, Q2 $14k, Q3 $9.5k"]
    _, labels, series = chart(entry)
    assert labels == ["Q1", "Q2", "Q3"] and list(series.values()) == [[12500, 14000, 9500]]
    assert entry["metadata"]["spec"]["number_format"]["prefix"] == "$"


def test_labels_of_several_words_with_and(thread: dict[str, dict[str, Any]]) -> None:
    _, labels, series = chart(thread["Sales 10, R and D 20, Ops 5"])
    assert labels == ["Sales", "R and D", "Ops"] and list(series.values()) == [[10, 20, 5]]


def test_a_request_ending_in_a_question_mark(thread: dict[str, dict[str, Any]]) -> None:
    kind, labels, series = chart(thread["can you make a bar chart of apples 3, pears 5, plums 2?"])
    assert (kind, labels, list(series.values())) == (
        "bar",
        ["apples", "pears", "plums"],
        [[3, 5, 2]],
    )


def test_rows_of_two_series_named_in_the_text(thread: dict[str, dict[str, Any]]) -> None:
    entry = thread["compare 2023 vs 2024 sales: Q1 10 12, Q2 14 15, Q3 9 11"]
    kind, labels, series = chart(entry)
    assert kind == "line"  # quarters are a time sequence
    assert labels == ["Q1", "Q2", "Q3"]
    assert series == {"2023": [10, 14, 9], "2024": [12, 15, 11]}
    assert entry["metadata"]["title"] == "2023 vs 2024 sales"


def test_a_pie_of_two_series_shows_their_totals_and_says_so(
    thread: dict[str, dict[str, Any]],
) -> None:
    entry = thread["make it a pie"]
    kind, labels, series = chart(entry)
    assert (kind, labels) == ("pie", ["Q1", "Q2", "Q3"])
    assert list(series.values()) == [[22, 29, 20]]
    assert entry["metadata"]["title"] == "2023 + 2024 sales"
    assert "total of 2023 and 2024" in entry["content"]


def test_a_pie_of_the_series_the_message_names(thread: dict[str, dict[str, Any]]) -> None:
    entry = thread["pie of 2024"]
    kind, labels, series = chart(entry)
    assert (kind, labels, series) == ("pie", ["Q1", "Q2", "Q3"], {"2024": [12, 15, 11]})
    assert entry["metadata"]["title"] == "2024 sales"
    assert "“2023” left out" in entry["content"]


def test_series_lists_with_their_labels_after_for(thread: dict[str, dict[str, Any]]) -> None:
    entry = thread["stacked bar chart 2023: 1, 2, 3; 2024: 2, 3, 4 for Q1, Q2, Q3"]
    kind, labels, series = chart(entry)
    assert (kind, labels) == ("bar", ["Q1", "Q2", "Q3"])
    assert series == {"2023": [1, 2, 3], "2024": [2, 3, 4]}
    assert entry["metadata"]["spec"]["options"]["stacked"] is True


def test_new_data_after_a_chart_is_a_new_chart(thread: dict[str, dict[str, Any]]) -> None:
    entry = thread["north 5, south 7"]
    assert entry["metadata"]["source"] == "inline"
    _, labels, series = chart(entry)
    assert labels == ["north", "south"] and list(series.values()) == [[5, 7]]
    rows = thread["Q1 10 12, Q2 14 15"]  # after an edit, too
    assert rows["metadata"]["source"] == "inline"
    assert chart(rows)[1:] == (["Q1", "Q2"], {"Series 1": [10, 14], "Series 2": [12, 15]})
    assert "name the series" in rows["content"]  # the names were not given: the reply says so


def test_a_year_before_numbers_is_a_name_not_part_of_a_number(
    thread: dict[str, dict[str, Any]],
) -> None:
    entry = thread["2023 1 2 3"]
    _, labels, series = chart(entry)
    assert series == {"2023": [1, 2, 3]} and labels == ["1", "2", "3"]
    assert "No labels were given" in entry["content"]


def test_leaving_out_a_series_by_name(thread: dict[str, dict[str, Any]]) -> None:
    before = chart(thread["revenue and cost by quarter: Q1 100 80, Q2 120 90"])
    assert before[2] == {"revenue": [100, 120], "cost": [80, 90]}
    entry = thread["without cost"]
    assert chart(entry)[1:] == (["Q1", "Q2"], {"revenue": [100, 120]})
    assert "Left out “cost”" in entry["content"]


@pytest.mark.parametrize(
    ("text", "labels", "series"),
    [
        ("2023 1 2 3 for jan feb mar", ["jan", "feb", "mar"], {"2023": [1, 2, 3]}),
        ("bar chart Q1 10 12, Q2 14 15 (actual vs target)", ["Q1", "Q2"],
         {"actual": [10, 14], "target": [12, 15]}),
    ],
)  # fmt: skip
def test_one_shot_spec(tmp_path: Path, text: str, labels: list[str], series: dict) -> None:
    ran = run_bot(["chart", text, "--spec"], tmp_path)
    assert ran.returncode == 0, ran.stderr
    spec = json.loads(ran.stdout)
    assert spec["x_labels"] == labels
    assert {s["name"]: s["values"] for s in spec["series"]} == series


# ------------------------------------------------------------- the same rules, in process


def _chart(text: str, ctx: Context) -> ChartResult:
    result = understand(text, ctx)
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    return result


def test_a_pie_asked_with_several_series_shows_the_totals() -> None:
    result = _chart("pie chart of 2023 vs 2024: Q1 10 12, Q2 14 15", Context())
    spec = result.spec
    assert (spec.chart_type, spec.x_labels) == ("pie", ["Q1", "Q2"])
    assert [(s.name, s.values) for s in spec.series] == [("Total", [22, 29])]
    assert spec.title == "2023 and 2024 combined"
    assert any("total of 2023 and 2024" in n for n in result.notes)


def test_a_pie_of_a_grouped_file_chart_is_the_total_per_label() -> None:
    ds = sales_dataset()
    grouped = _chart("revenue by region and product", Context(dataset=ds)).spec
    assert len(grouped.series) == 3
    pie = _chart("make it a pie", Context(dataset=ds, previous=grouped))
    want: dict[str, float] = {}
    for r in SALES:
        want[r["Region"]] = want.get(r["Region"], 0) + r["Revenue"]
    assert pie.spec.chart_type == "pie" and len(pie.spec.series) == 1
    got = dict(zip(pie.spec.x_labels, pie.spec.series[0].values, strict=True))
    assert got == pytest.approx(want)
    assert any("total over every Product" in n for n in pie.notes), pie.notes


def test_a_pie_of_two_measures_asks_which() -> None:
    ds = sales_dataset()
    both = _chart("revenue and cost by region", Context(dataset=ds)).spec
    asked = understand("make it a pie", Context(dataset=ds, previous=both))
    assert isinstance(asked, NotUnderstood)
    assert "which one, “Revenue” or “Cost”" in asked.message
    pie = _chart("pie of cost", Context(dataset=ds, previous=both)).spec
    assert [s.name for s in pie.series] == ["Cost"] and pie.chart_type == "pie"


def test_new_data_after_a_file_chart_is_a_new_chart() -> None:
    ds = sales_dataset()
    prev = _chart("revenue by region", Context(dataset=ds)).spec
    spec = _chart("Sales 10, R and D 20, Ops 5", Context(dataset=ds, previous=prev)).spec
    assert spec.source == "inline" and spec.x_labels == ["Sales", "R and D", "Ops"]


def test_points_added_and_changed_on_a_chart_of_two_series() -> None:
    prev = _chart("2023 vs 2024: Q1 10 12, Q2 14 15", Context()).spec
    added = _chart("add Q3 9 11", Context(previous=prev)).spec
    assert added.x_labels == ["Q1", "Q2", "Q3"]
    assert [s.values for s in added.series] == [[10, 14, 9], [12, 15, 11]]
    changed = _chart("set Q1 to 5 7", Context(previous=added)).spec
    assert [s.values for s in changed.series] == [[5, 14, 9], [7, 15, 11]]
    short = understand("set Q1 to 5", Context(previous=added))
    assert isinstance(short, NotUnderstood) and "needs 2 numbers" in short.message


@pytest.mark.parametrize(
    ("text", "labels", "series", "note"),
    [
        ("only 2024", ["Q1", "Q2"], {"2024": [12, 15]}, "Left out “2023”"),
        ("just Q2", ["Q2"], {"2023": [14], "2024": [15]}, "Left out “Q1”"),
        ("without Q1", ["Q2"], {"2023": [14], "2024": [15]}, "Left out “Q1”"),
        ("without Q7", ["Q1", "Q2"], {"2023": [10, 14], "2024": [12, 15]}, "has no “Q7”"),
    ],
)
def test_keeping_or_leaving_out_named_parts(
    text: str, labels: list[str], series: dict, note: str
) -> None:
    prev = _chart("2023 vs 2024: Q1 10 12, Q2 14 15", Context()).spec
    result = _chart(text, Context(previous=prev))
    assert result.spec.x_labels == labels
    assert {s.name: s.values for s in result.spec.series} == series
    assert any(note in n for n in result.notes), result.notes


def test_a_series_added_over_the_chart_labels() -> None:
    prev = _chart("hi! quarterly revenue: Q1 120, Q2 135, Q3 150", Context()).spec
    assert prev.title == "Quarterly revenue"
    result = _chart("nice, now add costs: Q1 80 Q2 90 Q3 95", Context(previous=prev))
    spec = result.spec
    assert spec.x_labels == ["Q1", "Q2", "Q3"]
    assert {s.name: s.values for s in spec.series} == {
        "Quarterly revenue": [120, 135, 150],
        "costs": [80, 90, 95],
    }
    assert spec.title == "Quarterly revenue and costs"
    partial = _chart("add profit: Q1 40", Context(previous=prev))
    assert partial.spec.series[1].values == [40, None, None]
    assert any("No “profit” number for “Q2”, “Q3”" in n for n in partial.notes)
    wrong = understand("add profit: Q1 40, Q5 3", Context(previous=prev))
    assert isinstance(wrong, NotUnderstood) and "“Q5” is not on this chart" in wrong.message


def _orders_dataset() -> Dataset:
    """A sales export whose order column holds order numbers (ids), one row per line item."""
    names = ["Ann", "Bob", "Ann", "Cy", "Bob", "Ann"]
    table = Table(
        "Sheet1",
        [
            Column("name", ColumnType.TEXT, names),
            Column("order", ColumnType.NUMBER, [10001, 10002, 10003, 10004, 10005, 10006]),
            Column("quantity", ColumnType.NUMBER, [5, 3, 2, 7, 1, 4]),
        ],
    )
    return Dataset("F1", "orders.xlsx", 1000, {"Sheet1": table}, "Sheet1")


@pytest.mark.parametrize(
    "request_text", ["number of orders by name", "average quantity by name", "quantity by name"]
)
def test_a_whole_new_request_after_a_chart_reads_as_it_would_first(request_text: str) -> None:
    ds = _orders_dataset()
    previous = _chart("quantity by name", Context(dataset=ds)).spec
    first = _chart(request_text, Context(dataset=ds)).spec
    after = _chart(request_text, Context(dataset=ds, previous=previous)).spec
    assert (after.title, after.aggregation, after.query) == (
        first.title,
        first.aggregation,
        first.query,
    )


def test_counting_orders_after_a_chart_counts_them_never_sums_their_numbers() -> None:
    ds = _orders_dataset()
    previous = _chart("quantity by name", Context(dataset=ds)).spec
    spec = _chart("number of orders by name", Context(dataset=ds, previous=previous)).spec
    assert dict(zip(spec.x_labels, spec.series[0].values, strict=True)) == {
        "Ann": 3,
        "Bob": 2,
        "Cy": 1,
    }
