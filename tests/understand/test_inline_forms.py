"""Inline data as people type it: each phrasing → the labels, series and chart type a person
would check on the chart, and the one-line notes where the bot had to choose or make something
up. The stages (records, shapes, numbers) are checked on their own below."""

from __future__ import annotations

import pytest

from bot.understand import ChartResult, Context, NotUnderstood, understand
from bot.understand.numbers import parse_number
from bot.understand.records import records
from bot.understand.shapes import Given, read, series_names

S = dict[str, list[float]]

# text → (chart type, labels, {series name: values}); "value" is the name of an unnamed series.
CASES: list[tuple[str, str, list[str], S]] = [
    # forms from the issue
    ("A: 10; B: 20; C: 15", "bar", ["A", "B", "C"], {"value": [10, 20, 15]}),
    ("Q1 $12.5k, Q2 $14k", "line", ["Q1", "Q2"], {"value": [12500, 14000]}),
    ("Sales 10, R and D 20, Ops 5", "bar", ["Sales", "R and D", "Ops"], {"value": [10, 20, 5]}),
    ("bar chart of apples 3, pears 5?", "bar", ["apples", "pears"], {"value": [3, 5]}),
    ("compare 2023 vs 2024 sales: Q1 10 12, Q2 14 15, Q3 9 11", "line", ["Q1", "Q2", "Q3"],
     {"2023": [10, 14, 9], "2024": [12, 15, 11]}),
    ("stacked bar chart 2023: 1, 2, 3; 2024: 2, 3, 4 for Q1, Q2, Q3", "bar", ["Q1", "Q2", "Q3"],
     {"2023": [1, 2, 3], "2024": [2, 3, 4]}),
    ("2023 1 2 3", "bar", ["1", "2", "3"], {"2023": [1, 2, 3]}),
    # everyday phrasings
    ("sales by region: north 120, south 95, east 140, west 80", "bar",
     ["north", "south", "east", "west"], {"value": [120, 95, 140, 80]}),
    ("revenue by region north 120, south 95, east 143", "bar", ["north", "south", "east"],
     {"value": [120, 95, 143]}),
    ("bar chart of profit per store Main 5, Depot 7, Mall 3", "bar", ["Main", "Depot", "Mall"],
     {"value": [5, 7, 3]}),
    ("plot Jan 10 Feb 12 Mar 9 Apr 15", "line", ["Jan", "Feb", "Mar", "Apr"],
     {"value": [10, 12, 9, 15]}),
    ("show revenue for 2021: $1.2M, 2022: $1.5M, 2023: $1.9M", "line", ["2021", "2022", "2023"],
     {"value": [1_200_000, 1_500_000, 1_900_000]}),
    ("compare revenue and cost: Q1 100 80, Q2 120 90, Q3 130 95", "line", ["Q1", "Q2", "Q3"],
     {"revenue": [100, 120, 130], "cost": [80, 90, 95]}),
    ("2023 vs 2024: jan 10 12, feb 11 14, mar 9 13", "line", ["jan", "feb", "mar"],
     {"2023": [10, 11, 9], "2024": [12, 14, 13]}),
    ("how do these look as a bar chart: red 3, blue 5, green 2?", "bar",
     ["red", "blue", "green"], {"value": [3, 5, 2]}),
    ("North America 1,200; Europe 950; Asia Pacific 1,430", "bar",
     ["North America", "Europe", "Asia Pacific"], {"value": [1200, 950, 1430]}),
    ("stacked bar of men and women by dept: sales 10 12, hr 5 9, it 20 6", "bar",
     ["sales", "hr", "it"], {"men": [10, 5, 20], "women": [12, 9, 6]}),
    ("donut: rent 1200 food 400 transport 150 fun 200", "donut",
     ["rent", "food", "transport", "fun"], {"value": [1200, 400, 150, 200]}),
    ("growth rate 2020 3.5%, 2021 5.1%, 2022 2.2%", "line", ["2020", "2021", "2022"],
     {"value": [3.5, 5.1, 2.2]}),
    ("Product A - 30, Product B - 45, Product C - 25", "bar",
     ["Product A", "Product B", "Product C"], {"value": [30, 45, 25]}),
    ("revenue 2023: 10, 12, 14, 16 for Q1, Q2, Q3, Q4", "line", ["Q1", "Q2", "Q3", "Q4"],
     {"revenue 2023": [10, 12, 14, 16]}),
    ("sales 10 20 30 for jan feb mar", "line", ["jan", "feb", "mar"], {"sales": [10, 20, 30]}),
    ("Q1 sales were 10, Q2 14, Q3 9", "line", ["Q1", "Q2", "Q3"], {"value": [10, 14, 9]}),
    ("actual vs target: Jan 100 120, Feb 110 115, Mar 130 125", "line", ["Jan", "Feb", "Mar"],
     {"actual": [100, 110, 130], "target": [120, 115, 125]}),
    ("3 cats, 5 dogs and 2 fish", "bar", ["cats", "dogs", "fish"], {"value": [3, 5, 2]}),
    ("what does apples 3 pears 5 look like as a donut?", "donut", ["apples", "pears"],
     {"value": [3, 5]}),
    ("2023 sales: 10, 12, 9; 2024 sales: 12, 15, 11 for Q1, Q2, Q3", "line", ["Q1", "Q2", "Q3"],
     {"2023 sales": [10, 12, 9], "2024 sales": [12, 15, 11]}),
    ("expenses: rent $1,500 / food $600 / travel $250", "bar", ["rent", "food", "travel"],
     {"value": [1500, 600, 250]}),
    ("results 2022 vs 2023 by team: red 4 6, blue 7 5, green 3 8", "bar",
     ["red", "blue", "green"], {"2022": [4, 7, 3], "2023": [6, 5, 8]}),
    ("Team A: 5 wins, Team B: 8 wins", "bar", ["Team A", "Team B"], {"wins": [5, 8]}),
    ("Jan 2024 100, Feb 2024 120, Mar 2024 90", "line", ["Jan 2024", "Feb 2024", "Mar 2024"],
     {"value": [100, 120, 90]}),
    ("cost vs revenue per month: jan 10 15; feb 12 18; mar 11 20", "line", ["jan", "feb", "mar"],
     {"cost": [10, 12, 11], "revenue": [15, 18, 20]}),
    ("scores: alice 90 bob 85 carol 92 dave 78", "bar", ["alice", "bob", "carol", "dave"],
     {"value": [90, 85, 92, 78]}),
    ("line chart: week 1 100, week 2 120, week 3 115", "line", ["week 1", "week 2", "week 3"],
     {"value": [100, 120, 115]}),
    ("plot 5, 3, 8, 1 for north, south, east, west", "bar", ["north", "south", "east", "west"],
     {"value": [5, 3, 8, 1]}),
    ("revenue was 10 in Q1, 12 in Q2 and 15 in Q3", "line", ["Q1", "Q2", "Q3"],
     {"value": [10, 12, 15]}),
    ("bar chart Q1 10 12, Q2 14 15 (actual vs target)", "bar", ["Q1", "Q2"],
     {"actual": [10, 14], "target": [12, 15]}),
    ("region 2023 2024\nnorth 10 12\nsouth 11 14", "bar", ["north", "south"],
     {"2023": [10, 11], "2024": [12, 14]}),
    ("sales 5 usd, cost 3 usd", "bar", ["sales", "cost"], {"value": [5, 3]}),
    ("apples 3, pears 5, and plums 2", "bar", ["apples", "pears", "plums"], {"value": [3, 5, 2]}),
    ("profit: -5, 3, 8 for jan, feb, mar", "line", ["jan", "feb", "mar"], {"value": [-5, 3, 8]}),
    (".5, 1.5, 2", "bar", ["1", "2", "3"], {"value": [0.5, 1.5, 2]}),
    ("chart 2022 vs 2023 revenue for EU 5 6, US 7 9, Asia 3 4", "bar", ["EU", "US", "Asia"],
     {"2022": [5, 7, 3], "2023": [6, 9, 4]}),
    ("q1 2024 10, q2 2024 12, q3 2024 15", "line", ["q1 2024", "q2 2024", "q3 2024"],
     {"value": [10, 12, 15]}),
    ("temperatures mon 21° tue 23° wed 19°", "line", ["mon", "tue", "wed"],
     {"value": [21, 23, 19]}),
    ("apples, 3; pears, 5", "bar", ["apples", "pears"], {"value": [3, 5]}),
    ("line: 2021 5 7, 2022 6 9, 2023 8 12 (north vs south)", "line", ["2021", "2022", "2023"],
     {"north": [5, 6, 8], "south": [7, 9, 12]}),
    ("conversion rate by channel: email 3.2%, social 1.8%, search 4.5%?", "bar",
     ["email", "social", "search"], {"value": [3.2, 1.8, 4.5]}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "labels", "series"), CASES, ids=[c[0] for c in CASES])
def test_inline_phrasing(text: str, kind: str, labels: list[str], series: S) -> None:
    result = understand(text, Context())
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    spec = result.spec
    assert spec.chart_type == kind
    assert [str(x) for x in spec.x_labels] == labels
    assert {s.name: s.values for s in spec.series} == series


# text → the title: the words that say what the numbers are stay in it, request words go
TITLES = [
    ("average temperature mon 12 tue 14 wed 9", "Average temperature"),
    ("pie chart of market share: chrome 65%, safari 19%, other 16%", "Market share"),
    ("total sales: north 10, south 12", "Total sales"),
    ("number of users jan 10 feb 12 mar 15", "Number of users"),
    ("headcount: engineering 42, sales 18, support 14 — horizontal bars please", "Headcount"),
    ("revenue by region north 120, south 95, east 143", "Revenue by region"),
]


@pytest.mark.parametrize(("text", "title"), TITLES)
def test_the_title_names_the_numbers_as_said(text: str, title: str) -> None:
    result = understand(text, Context())
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    assert result.spec.title == title


# text → a piece of the note that says how the data was read
NOTES = [
    ("Q1 10 12, Q2 14 15", "name the series"),  # two numbers per label, no names given
    ("sales: 10, 20, 30", "No labels were given"),
    ("grouped bar: 2022 5 7, 2023 6 9", "as labels with 2 numbers each"),
    (
        "Region\tManager\tSales\nNorth\tAnn\t10\nSouth\tBob\t12",
        "Left out the text column “Manager”",
    ),
    ("Region\tSales\nNorth\t10\nSouth\tn/a\nEast\t7", "No number for “South” (“n/a”)"),
]


@pytest.mark.parametrize(("text", "note"), NOTES)
def test_what_had_to_be_chosen_is_said(text: str, note: str) -> None:
    result = understand(text, Context())
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    assert any(note in n for n in result.notes), result.notes


def test_names_in_the_text_need_no_note() -> None:
    result = understand("2023 vs 2024: Q1 10 12, Q2 14 15", Context())
    assert isinstance(result, ChartResult) and result.notes == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("apples 3 4, pears 5", "give every label the same count"),
        (
            "1, 2, 3 for a, b",
            "2 labels but 3 values",
        ),  # the labels after 'for' and the numbers differ
        ("2023: 1, 2, 3; 2024: 2, 3 for a, b, c", "3 labels but 3, 2 values"),
        ("apples 3, pears ?, plums 2", "couldn't read “pears ?” as a label with a number"),
        ("a 1, b 2, c", "couldn't read “c”"),
        ("apples 3, pears 5, plums 2 and 7", "7 has no label"),
    ],
)
def test_data_that_does_not_pair_up_is_refused_plainly(text: str, said: str) -> None:
    result = understand(text, Context())
    assert isinstance(result, NotUnderstood)
    assert said.lower() in result.message.lower(), result.message


@pytest.mark.parametrize(
    "text",
    ["price between 60 and 120", "revenue 2023 and 2024", "from 2020 to 2023", "more than 40"],
)
def test_filters_and_years_alone_are_not_data(text: str) -> None:
    assert isinstance(understand(text, Context()), NotUnderstood)


# ------------------------------------------------------------------------------------ stages


def test_records_keep_heads_and_numbers_apart() -> None:
    def shape(text: str) -> list[tuple[str, list[float]]]:
        return [(r.head, [n.value for n in r.numbers]) for r in records(text) or []]

    assert shape("Q1=10 Q2=14") == [("Q1", [10]), ("Q2", [14])]
    assert shape("2023: 5 2024: 7") == [("2023", [5]), ("2024", [7])]
    assert shape("Q1 2023: 5, Q2 2023: 7") == [("Q1 2023", [5]), ("Q2 2023", [7])]
    assert shape("A 10 B 20") == [("A", [10]), ("B", [20])]  # 'B' is not a billion
    assert shape("kiwis 6 and figs 2") == [("kiwis", [6]), ("figs", [2])]
    assert shape("2023 1 2 3") == [("2023", [1, 2, 3])]
    assert records("apples 3 vs 4") is None  # 'vs' names nothing


def test_readings_turn_on_what_the_text_says() -> None:
    rows = records("red 1 2, blue 3 4") or []
    by_rows = read(rows, Given("2023 vs 2024"))
    assert by_rows is not None and by_rows.labels == ["red", "blue"]
    assert [s.name for s in by_rows.series] == ["2023", "2024"]
    by_series = read(rows, Given(labels=("a", "b")))
    assert by_series is not None and by_series.labels == ["a", "b"]
    assert [(s.name, s.values) for s in by_series.series] == [("red", [1, 2]), ("blue", [3, 4])]


@pytest.mark.parametrize(
    ("context", "k", "names"),
    [
        ("compare 2023 vs 2024 sales", 2, ["2023", "2024"]),
        ("revenue and cost by month", 2, ["revenue", "cost"]),
        ("sales 2023 vs sales 2024", 2, ["sales 2023", "sales 2024"]),
        ("north, south and east", 3, ["north", "south", "east"]),
        ("2023 vs 2024", 3, None),
    ],
)
def test_series_names(context: str, k: int, names: list[str] | None) -> None:
    assert series_names(context, k) == names


@pytest.mark.parametrize(
    ("token", "value"),
    [("1 234", 1234), ("1 234 567", 1234567), ("1'234'567.5", 1234567.5), ("2023 1 2 3", None),
     ("12 5", None), ("2023 123", None)],
)  # fmt: skip
def test_spaces_group_thousands_only_by_three(token: str, value: float | None) -> None:
    number = parse_number(token)
    assert (number.value if number else None) == value


# text → what the refusal says it saw: numbers it could not pair with labels are named
UNPAIRED = [
    ("we sold 40 units in january, 55 in february and 61 in march", "numbers 40, 55 and 61"),
    ("make a chart please", "no numbers or table"),
]


@pytest.mark.parametrize(("text", "said"), UNPAIRED)
def test_a_refusal_names_the_numbers_it_could_not_place(text: str, said: str) -> None:
    result = understand(text, Context())
    assert isinstance(result, NotUnderstood)
    assert said in result.message
