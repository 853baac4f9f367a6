"""The building blocks: Slack text cleanup, number reading, loose column matching, the query."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.spec import Filter
from bot.table import Column, ColumnType, Dataset, Table
from bot.understand import ChartResult, Context, understand
from bot.understand.columns import ColumnIndex, tokenize
from bot.understand.numbers import parse_number
from bot.understand.query import Query, QueryError, run
from bot.understand.text import clean
from tests.understand.data import sales_dataset

SALES = sales_dataset()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@U123> revenue by region", "revenue by region"),
        ("see <https://x.com/a?b=1|the report>", "see the report"),
        ("see <https://x.com/a>", "see https://x.com/a"),
        ("R&amp;D &lt;3 &gt; 2", "R&D <3 > 2"),
        ("*bold* and _italic_ and ~gone~", "bold and italic and gone"),
        ("unit_price by region", "unit_price by region"),
        ("revenue :chart_with_upwards_trend: by region :+1:", "revenue by region"),
        ("“quoted” ‘single’", "\"quoted\" 'single'"),
        ("revenue\u200b by\u00a0region\x07", "revenue by region"),
        ("10:30:00 stays", "10:30:00 stays"),
        ("a\tb\nc\td", "a\tb\nc\td"),
        ("`code` and ```block```", "code and block"),
    ],
)
def test_clean(raw, expected) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("token", "value", "prefix", "suffix"),
    [
        ("1,234.5", 1234.5, "", ""),
        ("1.234,5", 1234.5, "", ""),
        ("1.234.567", 1234567, "", ""),
        ("1,234,567.89", 1234567.89, "", ""),
        ("3,5 %", 3.5, "", "%"),
        ("65%", 65, "", "%"),
        ("$1.2k", 1200, "$", ""),
        ("€2.5M", 2_500_000, "€", ""),
        ("£3bn", 3_000_000_000, "£", ""),
        ("(300)", -300, "", ""),
        ("($1,200)", -1200, "$", ""),
        ("-5", -5, "", ""),
        ("10 €", 10, "€", ""),
        ("0,5", 0.5, "", ""),
        (".5", 0.5, "", ""),
        ("1'234", 1234, "", ""),
        ("12", 12, "", ""),
    ],
)
def test_parse_number(token, value, prefix, suffix) -> None:
    n = parse_number(token)
    assert n is not None and n.value == pytest.approx(value)
    assert (n.prefix, n.suffix) == (prefix, suffix)


@pytest.mark.parametrize("token", ["abc", "1,2,3", "1e5", "=1+1", "1.2.3,4,5", "(5", "", "9" * 60])
def test_not_a_number(token) -> None:
    assert parse_number(token) is None


TABLE = Table(
    "s",
    [
        Column("Unit Price", ColumnType.NUMBER, [1.0]),
        Column("List Price", ColumnType.NUMBER, [2.0]),
        Column("qty_ordered", ColumnType.NUMBER, [3]),
        Column("Revenue", ColumnType.NUMBER, [4]),
        Column("Region", ColumnType.TEXT, ["West"]),
        Column("CustomerName", ColumnType.TEXT, ["A"]),
    ],
)


@pytest.mark.parametrize(
    ("said", "column", "noted"),
    [
        ("revenue", "Revenue", False),
        ("Revenues", "Revenue", False),
        ("revnue", "Revenue", True),
        ("reveune", "Revenue", True),
        ("rev", "Revenue", True),
        ("unit price", "Unit Price", False),
        ("unit_price", "Unit Price", False),
        ("unitprice", "Unit Price", True),
        ("quantity ordered", "qty_ordered", False),
        ("qty ordered", "qty_ordered", True),
        ("customer name", "CustomerName", False),
        ("regions", "Region", False),
    ],
)
def test_loose_column_matching(said, column, noted) -> None:
    mentions = ColumnIndex(TABLE).find(tokenize(said), set())
    assert [m.column.name for m in mentions] == [column]
    assert (mentions[0].note() is not None) == noted


def test_competing_columns_are_named_in_the_note() -> None:
    (mention,) = ColumnIndex(TABLE).find(tokenize("price"), set())
    note = mention.note() or ""
    assert "Unit Price" in note and "List Price" in note


@pytest.mark.parametrize("said", ["profit", "date", "the", "by", "x"])
def test_unrelated_words_match_no_column(said) -> None:
    assert ColumnIndex(TABLE).find(tokenize(said), set()) == []


def test_loose_match_is_reported_in_the_result_notes() -> None:
    result = understand("revnue by regoin", Context(dataset=SALES))
    assert isinstance(result, ChartResult)
    assert any("“Revenue”" in n and "revnue" in n for n in result.notes)
    assert any("“Region”" in n for n in result.notes)


def test_exact_names_give_no_notes() -> None:
    assert understand("revenue by region", Context(dataset=SALES)).notes == []


def test_spec_fields_for_a_file_chart() -> None:
    spec = understand("revenue by region for 2024", Context(dataset=SALES)).spec
    assert spec.source == "file" and spec.source_file == "sales.xlsx" and spec.sheet == "2024"
    assert str(spec.aggregation) == "sum"
    assert spec.filters == [Filter("Date", "eq", "2024")]
    assert spec.rows == sum(1 for r in SALES.table.column("Date").values if r.year == 2024)
    assert (spec.x_label, spec.y_label) == ("Region", "Revenue")
    assert spec.title == "Revenue by Region (2024)"
    assert spec.number_format.prefix == "$"


def test_query_drops_categories_a_filter_empties() -> None:
    table = SALES.table
    q = Query(
        measures=["Revenue"], dimension="Region", filters=[Filter("Region", "in", ["West", "East"])]
    )
    assert run(table, q).labels == ["West", "East"] or set(run(table, q).labels) == {"West", "East"}


def test_query_with_no_rows_left_is_an_error() -> None:
    with pytest.raises(QueryError):
        run(
            SALES.table,
            Query(measures=["Revenue"], dimension="Region", filters=[Filter("Date", "eq", "1999")]),
        )


def test_query_buckets_and_missing_values() -> None:
    table = Table(
        "t",
        [
            Column(
                "When",
                ColumnType.DATE,
                [dt.date(2024, 1, 5), dt.datetime(2024, 2, 1, 9), None, dt.date(2024, 4, 30)],
            ),
            Column("Amount", ColumnType.NUMBER, [1, None, 5, 2.5]),
        ],
    )
    r = run(table, Query(measures=["Amount"], dimension="When", bucket="quarter"))
    assert r.labels == ["2024-Q1", "2024-Q2"] and r.series[0].values == [1, 2.5]
    r = run(
        table, Query(measures=["Amount"], dimension="When", bucket="month", aggregation="count")
    )
    assert r.labels == ["2024-01", "2024-04"]


def test_blank_categories_are_a_bucket_of_their_own_so_totals_keep_every_row() -> None:
    """As in a pivot table: rows with an empty category are summed under "(blank)", last;
    a blank date has no place on a time axis and is left out."""
    table = Table(
        "t",
        [
            Column("Segment", ColumnType.TEXT, ["Gold", None, "Silver", "", "Gold", None]),
            Column("Paid", ColumnType.BOOL, [True, None, False, True, None, True]),
            Column(
                "When", ColumnType.DATE, [dt.date(2024, 1, 2), None] + [dt.date(2024, 2, 1)] * 4
            ),
            Column("Sales", ColumnType.NUMBER, [10, 20, 30, 40, 50, 60]),
        ],
    )
    r = run(table, Query(measures=["Sales"], dimension="Segment"))
    assert (r.labels, r.series[0].values, r.rows) == (
        ["Gold", "Silver", "(blank)"],
        [60, 30, 120],
        6,
    )
    r = run(table, Query(measures=["Sales"], dimension="Segment", aggregation="count"))
    assert r.series[0].values == [2, 1, 3]
    r = run(table, Query(measures=["Sales"], dimension="Paid"))
    assert (r.labels, r.series[0].values) == (["Yes", "No", "(blank)"], [110, 30, 70])
    r = run(table, Query(measures=["Sales"], dimension="Segment", group="Paid"))
    assert [(s.name, s.values) for s in r.series] == [
        ("Yes", [10, 0, 100]),
        ("No", [0, 30, 0]),
        ("(blank)", [50, 0, 20]),
    ]
    r = run(table, Query(measures=["Sales"], dimension="When", bucket="month"))
    assert (r.labels, r.series[0].values) == (["2024-01", "2024-02"], [10, 180])


@pytest.mark.parametrize(
    ("said", "labels", "title"),
    [
        ("sales by segment", ["Gold", "Silver", "(blank)"], "Sales by Segment"),
        ("sales by segment excluding blanks", ["Gold", "Silver"], "excluding blank Segment"),
        ("sales by segment without (blank)", ["Gold", "Silver"], "excluding blank Segment"),
        ("sales by segment except gold", ["Silver", "(blank)"], "excluding Gold"),
        ("sales by region where segment is blank", ["South"], "(blank Segment)"),
    ],
)
def test_blank_is_a_value_filters_can_name(said: str, labels: list[str], title: str) -> None:
    table = Table(
        "t",
        [
            Column("Region", ColumnType.TEXT, ["North", "South", "North", "South", "North"]),
            Column("Segment", ColumnType.TEXT, ["Gold", None, "Silver", "", "Gold"]),
            Column("Sales", ColumnType.NUMBER, [10, 20, 30, 40, 50]),
        ],
    )
    dataset = Dataset("F1", "s.xlsx", 100, {"t": table}, "t")
    result = understand(said, Context(dataset=dataset))
    assert isinstance(result, ChartResult), result
    assert result.spec.x_labels == labels
    assert title in (result.spec.title or "")


def _one_table(**columns: tuple[ColumnType, list]) -> Context:
    table = Table("t", [Column(name, ctype, values) for name, (ctype, values) in columns.items()])
    return Context(dataset=Dataset("F1", "t.xlsx", 100, {"t": table}, "t"))


def test_month_and_weekday_names_typed_as_text_go_in_calendar_order() -> None:
    months = _one_table(
        Month=(ColumnType.TEXT, ["July", "September", "jan", "Sept", None, "March"]),
        Volume=(ColumnType.NUMBER, [1, 2, 3, 4, 5, 6]),
    )
    spec = understand("volume by month", months).spec
    assert (spec.x_labels, spec.y_values) == (
        ["jan", "March", "July", "September", "Sept", "(blank)"],
        [3, 6, 1, 2, 4, 5],
    )
    days = _one_table(
        Day=(ColumnType.TEXT, ["Fri", "Mon", "Wednesday", "Tues"]),
        Visits=(ColumnType.NUMBER, [5, 1, 3, 2]),
    )
    assert understand("visits by day", days).spec.x_labels == ["Mon", "Tues", "Wednesday", "Fri"]
    teams = _one_table(
        Team=(ColumnType.TEXT, ["Marketing", "May", "Sales"]),
        Cost=(ColumnType.NUMBER, [1, 2, 3]),
    )
    assert understand("cost by team", teams).spec.x_labels == ["Marketing", "May", "Sales"]


def test_a_column_named_vs_is_the_word_between_two_columns() -> None:
    cars = _one_table(
        mpg=(ColumnType.NUMBER, [21, 22.8, 18.7]),
        hp=(ColumnType.NUMBER, [110, 93, 175]),
        vs=(ColumnType.NUMBER, [0, 1, 0]),
        cyl=(ColumnType.NUMBER, [6, 4, 8]),
    )
    spec = understand("mpg vs hp", cars).spec
    assert (spec.chart_type, spec.x_labels, spec.y_values) == (
        "scatter",
        [21, 22.8, 18.7],
        [110, 93, 175],
    )
    assert understand("mean vs by cyl", cars).spec.y_values == [1, 0, 0]


def test_y_over_x_puts_x_along_the_axis() -> None:
    curve = _one_table(
        x=(ColumnType.NUMBER, [2, 0, 1]),
        y=(ColumnType.NUMBER, [0.9, 0.0, 0.3]),
    )
    spec = understand("line of y over x", curve).spec
    assert (spec.chart_type, spec.x_label, spec.y_label) == ("line", "x", "y")
    assert (spec.x_labels, spec.y_values) == (["0", "1", "2"], [0.0, 0.3, 0.9])


def test_dotted_column_names_are_matched_as_typed() -> None:
    iris = _one_table(
        **{
            "Sepal.Length": (ColumnType.NUMBER, [5.1, 4.9]),
            "Sepal.Width": (ColumnType.NUMBER, [3.5, 3.0]),
            "Petal.Length": (ColumnType.NUMBER, [1.4, 1.3]),
        }
    )
    spec = understand("sepal.length vs petal.length", iris).spec
    assert (spec.x_label, spec.y_label) == ("Sepal.Length", "Petal.Length")
    assert (spec.x_labels, spec.y_values) == ([5.1, 4.9], [1.4, 1.3])


def test_columns_named_by_years_are_columns_not_year_filters() -> None:
    from bot.table import Dataset

    wide = Table(
        "S",
        [
            Column("Region", ColumnType.TEXT, ["N", "S", "E"]),
            Column("2023", ColumnType.NUMBER, [1, 2, 3]),
            Column("2024", ColumnType.NUMBER, [2, 3, 4]),
        ],
    )
    ds = Dataset("F", "wide.xlsx", 1, {"S": wide}, "S", ["S"])
    spec = understand("2023 and 2024 by region", Context(dataset=ds)).spec
    assert [s.name for s in spec.series] == ["2023", "2024"]
    assert spec.y_values == [1, 2, 3] and spec.filters == []
    spec = understand("top 2 regions by 2024", Context(dataset=ds)).spec
    assert spec.x_labels == ["E", "S"] and spec.y_values == [4, 3]


@pytest.mark.parametrize("said", ["weight vs height coloured by kind", "weight vs height by kind"])
def test_a_scatter_by_a_category_gets_one_colour_per_value(said: str) -> None:
    animals = _one_table(
        weight=(ColumnType.NUMBER, [4, 30, 5, 25, 3, None]),
        height=(ColumnType.NUMBER, [25, 60, 30, 55, 20, 40]),
        kind=(ColumnType.TEXT, ["cat", "dog", "cat", "dog", None, "cat"]),
    )
    spec = understand(said, animals).spec
    assert spec.title == "Weight vs height by kind"
    assert spec.x_labels == [4, 30, 5, 25, 3]  # the row without a weight has no point
    assert [(s.name, s.values) for s in spec.series] == [
        ("cat", [25, None, 30, None, None]),
        ("dog", [None, 60, None, 55, None]),
        ("(blank)", [None, None, None, None, 20]),
    ]


def test_a_scatter_by_a_category_with_too_many_values_stays_one_colour() -> None:
    ids = [f"id{i}" for i in range(20)]
    many = _one_table(
        x=(ColumnType.NUMBER, list(range(20))),
        y=(ColumnType.NUMBER, list(range(20))),
        name=(ColumnType.TEXT, ids),
    )
    result = understand("x vs y by name", many)
    assert [s.name for s in result.spec.series] == ["y"]
    assert "“name” has 20 values, too many colours to tell apart." in result.notes
