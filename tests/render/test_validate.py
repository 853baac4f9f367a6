"""validate(): sloppy specs are normalised; specs that cannot be drawn say why, in plain words."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import math

import pytest

from bot.render import SpecError, render_png, validate
from bot.spec import ChartOptions, ChartSpec, ChartType, NumberFormat, Series


def spec(chart_type="bar", labels=("a", "b", "c"), *series, **kw) -> ChartSpec:
    series = series or (Series("value", [1.0, 2.0, 3.0]),)
    return ChartSpec(chart_type, kw.pop("title", "T"), list(labels), list(series), **kw)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (spec("bar", [], Series("v", [])), "no data"),
        (ChartSpec("bar", "T", ["a"], []), "no data"),
        (spec("bar", ["a", "b"], Series("v", [None, float("nan")])), "no numbers"),
        (
            spec("bar", ["a", "b", "c"], Series("Cost", [1, 2])),
            "'Cost' has 2 values but there are 3",
        ),
        (spec("pie", ["a", "b"], Series("v", [3, -1])), "negative"),
        (spec("donut", ["a", "b"], Series("v", [0, 0])), "above zero"),
        (spec("scatter", ["1", "two"], Series("y", [1, 2])), "numbers on the x axis"),
        (spec("scatter", [], Series("y", [1, 2])), "x values"),
        (spec("histogram", ["0–1", "1–2"], Series("n", [4, -2])), "negative"),
        (spec("sunburst"), "can't draw a 'sunburst' chart"),
        (spec("bar", ["a"], Series("v", ["lots"])), "'lots' in 'v' is not a number"),
        (spec("bar", ["a"], Series("v", [-1.0]), options=ChartOptions(log_scale=True)), "log"),
        (spec("bar", ["a"], *[Series(f"s{i}", [1.0]) for i in range(30)]), "at most"),
        (spec("bar", ["a"], Series("v", "123")), "list of numbers"),
    ],
)
def test_undrawable_specs_raise_a_readable_error(bad: ChartSpec, message: str) -> None:
    with pytest.raises(SpecError, match="(?i)" + __import__("re").escape(message)):
        validate(bad)


def test_values_become_floats_or_gaps() -> None:
    raw = ["1,200", "$1.2k", "65%", float("nan"), "n/a", 7, decimal.Decimal("2.5"), "(300)", None]
    clean = validate(spec("bar", [str(i) for i in range(9)], Series("v", raw)))
    assert clean.y_values == [1200.0, 1200.0, 65.0, None, None, 7.0, 2.5, -300.0, None]
    assert all(isinstance(v, float) for v in clean.y_values if v is not None)


def test_labels_become_strings() -> None:
    labels = [2024.0, None, dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 9, 30), "  two  words "]
    clean = validate(spec("bar", labels, Series("v", [1, 2, 3, 4, 5])))
    assert clean.x_labels == ["2024", "(blank)", "2024-03-01", "2024-03-01 09:30:00", "two words"]


def test_scatter_x_values_stay_numbers() -> None:
    clean = validate(spec("scatter", ["1.5", 2, "3,000"], Series("y", [1, 2, 3])))
    assert clean.x_labels == [1.5, 2.0, 3000.0]


def test_unknown_style_falls_back_and_names_are_case_insensitive() -> None:
    assert validate(spec(style="neon")).style == "default"
    assert validate(spec(style=" Dark ")).style == "dark"


@pytest.mark.parametrize(
    ("given", "chart_type", "option"),
    [
        ("column", ChartType.BAR, None),
        ("Horizontal bar", ChartType.BAR, "horizontal"),
        ("stacked bar chart", ChartType.BAR, "stacked"),
        ("doughnut", ChartType.DONUT, None),
        ("Line chart", ChartType.LINE, None),
        ("hist", ChartType.HISTOGRAM, None),
    ],
)
def test_chart_type_words_are_understood(given: str, chart_type: ChartType, option) -> None:
    labels, series = ["1", "2"], Series("v", [1.0, 2.0])
    clean = validate(ChartSpec(given, "T", labels, [series]))  # type: ignore[arg-type]
    assert clean.chart_type is chart_type
    if option:
        assert getattr(clean.options, option) is True


@pytest.mark.parametrize(
    ("color", "expected"),
    [("Blue", "#2f6fdf"), ("teal", "#14868c"), ("#F80", "#ff8800"), ("ff8800", "#ff8800"),
     ("light blue", "#7fb3f5"), ("blurple", None), ("", None)],
)  # fmt: skip
def test_colour_names_and_hex_codes(color: str, expected: str | None) -> None:
    assert validate(spec(options=ChartOptions(color=color))).options.color == expected


def test_sort_and_limit_apply_to_categories_and_are_idempotent() -> None:
    raw = spec(
        "bar", ["a", "b", "c", "d"], Series("v", [2.0, None, 9.0, 5.0]), sort="desc", limit=2
    )
    once = validate(raw)
    assert once.x_labels == ["c", "d"] and once.y_values == [9.0, 5.0]
    assert validate(once) == once


def test_line_charts_keep_their_time_order_even_when_sorted() -> None:
    raw = spec("line", ["2024-01", "2024-02", "2024-03"], Series("v", [3.0, 1.0, 2.0]), sort="desc")
    assert validate(raw).x_labels == ["2024-01", "2024-02", "2024-03"]


def test_missing_labels_are_not_made_up() -> None:
    with pytest.raises(SpecError, match="2 values but there are 0 labels"):
        validate(spec("bar", [], Series("v", [4.0, 5.0])))


def test_a_dict_from_json_is_accepted() -> None:
    clean = validate(spec(number_format=NumberFormat(prefix="$")).to_dict())
    assert clean.number_format.prefix == "$"
    assert clean.chart_type is ChartType.BAR


def test_odd_input_never_crashes_with_anything_but_spec_error() -> None:
    odd_values = [None, "", "x", [], {}, object(), b"1", True, 1e308 * 10, -0.0, "1e999", "∞", "١٢"]
    odd_labels = [None, 3.5, math.nan, object(), "", "a" * 5000, ("t",), b"\xff"]
    for chart_type, value, label in itertools.product(
        ["bar", "pie", "scatter", "histogram", "line", "nope", None], odd_values, odd_labels
    ):
        try:
            clean = validate(spec(chart_type, [label, "b"], Series("v", [value, 1.0])))
        except SpecError as exc:
            assert str(exc)
        else:
            assert len(clean.x_labels) == len(clean.y_values) == 2


def test_a_validated_spec_survives_json_and_draws_the_same(specs) -> None:

    clean = validate(specs["line_gaps"])
    again = validate(ChartSpec.from_dict(json.loads(clean.to_json())))
    assert again == clean
    assert render_png(again) == render_png(clean)
