"""describe(): the title, alt text and one-line comment posted with each chart."""

from __future__ import annotations

from bot.render import describe
from bot.spec import Aggregation, ChartSpec, ChartType, Series


def test_comment_names_type_measure_dimension_aggregation_and_source(specs) -> None:
    text = describe(specs["bar"])
    assert text.comment == (
        "Bar chart of Revenue by Region (sum of 120 rows) from sales.xlsx › 2024; "
        "highest West $1.2M, lowest North $310k."
    )
    assert text.title == "Revenue by Region"


def test_alt_text_gives_extremes_in_the_number_format(specs) -> None:
    alt = describe(specs["bar"]).alt_text
    assert alt.startswith("Bar chart titled “Revenue by Region”.")
    assert "Highest West $1.2M, lowest North $310k." in alt


def test_inline_data_reads_naturally() -> None:
    spec = ChartSpec(ChartType.BAR, "", ["apples", "pears"], [Series("value", [3.0, 5.0])])
    text = describe(spec)
    assert text.comment == (
        "Bar chart of values by label (2 values) from your message; highest pears 5, lowest "
        "apples 3."
    )
    assert "Highest pears 5, lowest apples 3." in text.alt_text
    assert text.title == "Values"


def test_type_names_follow_the_options(specs) -> None:
    assert describe(specs["bar_stacked"]).comment.startswith("Stacked bar chart of Sales by Region")
    assert describe(specs["bar_grouped"]).comment.startswith(
        "Grouped bar chart of Revenue and Cost by Quarter"
    )
    assert describe(specs["area_stacked"]).comment.startswith(
        "Stacked area chart of Orders by Quarter (count of 26,210 rows)"
    )
    assert describe(specs["donut_many"]).comment.startswith("Donut chart of Tickets by Team")


def test_line_alt_text_tells_the_direction_and_gaps(specs) -> None:
    alt = describe(specs["line_gaps"]).alt_text
    assert "from Jan 2024 to Dec 2024" in alt
    assert "Web rises from 3.1% (Jan 2024) to 5.6% (Dec 2024)." in alt
    assert "5 values are missing." in alt


def test_pie_alt_text_gives_shares(specs) -> None:
    alt = describe(specs["pie"]).alt_text
    assert "Largest: West 35% ($1.2M), East 26% ($882k)" in alt
    assert "Smallest: North 9% ($310k)." in alt


def test_scatter_alt_text_gives_ranges_and_correlation(specs) -> None:
    text = describe(specs["scatter_10k"])
    assert (
        text.comment == "Scatter plot of Rating vs Price ($) (10,000 rows) from sales.xlsx › 2024."
    )
    assert "10,000 points of Rating against Price ($)" in text.alt_text
    assert "correlation is moderate and positive" in text.alt_text


def test_histogram_alt_text_names_the_biggest_bin(specs) -> None:
    alt = describe(specs["histogram"]).alt_text
    assert "2,000 values of Age in 13 bins from 15–20 to 75–80." in alt
    assert "The most common bin is 35–40" in alt


def test_alt_text_stays_under_1000_characters() -> None:
    series = [Series(f"A rather long series name number {i}", [float(i)] * 50) for i in range(20)]
    spec = ChartSpec(ChartType.LINE, "x" * 300, [f"label {i}" for i in range(50)], series)
    assert len(describe(spec).alt_text) <= 1000


def test_mean_without_row_count_and_negative_values() -> None:
    spec = ChartSpec(ChartType.BAR, "P", ["a", "b"], [Series("Profit", [-5.0, 10.0])],
                     x_label="Store", aggregation=Aggregation.MEAN, source="previous")  # fmt: skip
    text = describe(spec)
    assert text.comment == (
        "Bar chart of Profit by Store (average) from the previous chart; highest b 10, lowest a -5."
    )
    assert "1 value is negative." in text.alt_text
    assert "lowest a -5" in text.alt_text


def test_alt_text_numbers_are_rounded_like_speech(specs) -> None:
    alt = describe(specs["bar_40_products"]).alt_text
    assert "Revenue by Product, 40 points." in alt
    assert "lowest Product Nova 107 $2,919." in alt
