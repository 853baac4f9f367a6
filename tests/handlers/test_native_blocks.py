"""The native chart builder, pure: which specs Slack's data_visualization block can show as
Chartbot would draw them, and blocks that Slack's limits (the fake's checks) accept."""

from __future__ import annotations

import random

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.render import validate
from bot.spec import ChartOptions, ChartSpec, ChartType, NumberFormat, Series, SpecError
from handlers.native import MAX_LABEL, chart_block, full_data, refused_block
from tests.fake_slack import block_errors


def spec(
    chart_type: str = "bar",
    labels: list[str] | None = None,
    *series: list[float | None],
    **changes: object,
) -> ChartSpec:
    labels = labels if labels is not None else ["a", "b", "c"]
    values = list(series) or [[1.0, 2.0, 3.0]]
    names = ["value"] if len(values) == 1 else [f"s{i}" for i in range(len(values))]
    raw = ChartSpec(
        ChartType(chart_type),
        "T",
        labels,
        [Series(n, v) for n, v in zip(names, values, strict=True)],
    )
    return validate(raw.evolve(**changes))


def built(s: ChartSpec, title: str = "Title") -> dict:
    chart = chart_block(s, title)
    assert chart is not None
    assert block_errors([chart.block]) == []
    return chart.block


@pytest.mark.parametrize("kind", ["bar", "line", "area"])
def test_series_charts_carry_categories_names_and_values(kind: str) -> None:
    block = built(spec(kind, ["a", "b"], [1.5, -2.0], x_label="Day", y_label="Sales"))
    assert block["chart"] == {
        "type": kind,
        "series": [
            {"name": "value", "data": [{"label": "a", "value": 1.5}, {"label": "b", "value": -2}]}
        ],
        "axis_config": {"categories": ["a", "b"], "x_label": "Day", "y_label": "Sales"},
    }


def test_grouped_bars_keep_six_series() -> None:
    six = [[float(i), float(i + 1)] for i in range(6)]
    block = built(spec("bar", ["x", "y"], *six))
    assert [s["name"] for s in block["chart"]["series"]] == [f"s{i}" for i in range(6)]
    assert [[p["value"] for p in s["data"]] for s in block["chart"]["series"]] == six


@pytest.mark.parametrize(
    ("case", "made"),
    [
        ("donut", lambda: spec("donut")),
        ("scatter", lambda: spec("scatter", ["1", "2", "3"])),
        ("histogram", lambda: spec("histogram", ["0–1", "1–2", "2–3"])),
        ("horizontal", lambda: spec(options=ChartOptions(horizontal=True))),
        ("stacked", lambda: spec("bar", None, [1, 2, 3], [3, 2, 1], options=_stacked())),
        ("layered areas", lambda: spec("area", None, [1, 2, 3], [3, 2, 1])),
        ("seven series", lambda: spec("bar", ["x"], *[[float(i)] for i in range(7)])),
        ("21 categories", lambda: spec("bar", [f"c{i}" for i in range(21)], [1.0] * 21)),
        ("a gap", lambda: spec("line", None, [1.0, None, 3.0])),
        ("log scale", lambda: spec(options=ChartOptions(log_scale=True))),
        ("trend line", lambda: spec("line", options=ChartOptions(trend_line=True))),
        ("a colour", lambda: spec(options=ChartOptions(color="blue"))),
        ("partial period", lambda: spec("line", options=ChartOptions(partial=["c"]))),
        ("two-series pie", lambda: spec("pie", None, [1, 2, 3], [3, 2, 1])),
        ("seven slices", lambda: spec("pie", list("abcdefg"), [1.0] * 7)),
    ],
)
def test_what_the_block_cannot_show_stays_a_png(case: str, made) -> None:
    assert chart_block(made(), "Title") is None, case


def _stacked() -> ChartOptions:
    return ChartOptions(stacked=True)


def test_labels_that_shorten_alike_stay_a_png() -> None:
    labels = ["Quarterly revenue of north", "Quarterly revenue of south"]
    assert chart_block(spec("bar", labels, [1.0, 2.0]), "T") is None


def test_long_labels_names_title_and_axis_titles_are_shortened_to_slacks_lengths() -> None:
    labels = ["A very long category name indeed", "short"]
    s = spec("line", labels, [1.0, 2.0], [3.0, 4.0], x_label="x" * 60, y_label="y" * 60)
    s = s.evolve(series=[Series("A long series name, really", [1.0, 2.0]), s.series[1]])
    chart = chart_block(s, "A title much longer than the fifty characters Slack allows")
    assert chart is not None and chart.shortened
    assert block_errors([chart.block]) == []
    assert chart.block["title"] == "A title much longer than the fifty characters Sla…"
    assert chart.block["chart"]["axis_config"]["categories"] == ["A very long categor…", "short"]
    assert chart.block["chart"]["series"][0]["name"] == "A long series name,…"
    assert len(chart.block["chart"]["axis_config"]["x_label"]) == 50
    assert "A very long category name indeed 1" in full_data(s)
    assert full_data(s).splitlines()[1].startswith("A long series name, really: ")


def test_pie_segments_are_the_slices_the_png_draws() -> None:
    block = built(spec("pie", ["a", "b", "c", "d"], [3.0, 0.0, None, 5.0]))
    assert block["chart"] == {
        "type": "pie",
        "segments": [{"label": "a", "value": 3}, {"label": "d", "value": 5}],
    }


def test_the_unit_the_png_shows_on_its_axis_goes_in_the_axis_title() -> None:
    money = spec(y_label="Revenue", number_format=NumberFormat(prefix="$"))
    assert built(money)["chart"]["axis_config"]["y_label"] == "Revenue ($)"
    share = spec(number_format=NumberFormat(suffix="%"))
    assert built(share)["chart"]["axis_config"]["y_label"] == "%"
    hidden = spec(x_label="Day", options=ChartOptions(axis_titles=False))
    assert "x_label" not in built(hidden)["chart"]["axis_config"]


def test_every_block_built_from_random_specs_is_one_slack_accepts() -> None:
    rng = random.Random(18)
    words = ["north", "South region of the country", "Q1", "2024-01", "é" * 25, "x y"]
    kinds = ["bar", "line", "area", "pie"]
    made = 0
    for _ in range(400):
        n = rng.randint(1, 22)
        labels = [f"{rng.choice(words)} {i}" for i in range(n)]
        series = [
            [
                None if rng.random() < 0.02 else rng.choice([0.0, -1.5, 2.0, 1e9, rng.random()])
                for _ in range(n)
            ]
            for _ in range(rng.randint(1, 7))
        ]
        try:
            s = spec(rng.choice(kinds), labels, *series)
        except SpecError:  # no numbers at all, or a negative pie: not a chart to post
            continue
        chart = chart_block(s, rng.choice(["T", "t" * 80]))
        if chart is not None:
            made += 1
            assert block_errors([chart.block]) == [], chart.block
            if s.chart_type is not ChartType.PIE:
                values = [[p["value"] for p in x["data"]] for x in chart.block["chart"]["series"]]
                assert values == [x.values for x in s.series]
    assert made > 20  # the check saw blocks, not only refusals
    assert MAX_LABEL == 20


def _slack_error(body: dict) -> SlackApiError:
    response = SlackResponse(
        client=None, http_verb="POST", api_url="chat.postMessage", req_args={}, data=body,
        headers={}, status_code=200,
    )  # fmt: skip
    return SlackApiError(body["error"], response)


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ({"ok": False, "error": "invalid_blocks", "errors": ["x [json-pointer:/blocks/0]"]}, True),
        ({"ok": False, "error": "invalid_blocks"}, True),
        (
            {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": ["[ERROR] bad [json-pointer:/blocks/0/chart]"]},
            },
            True,
        ),
        ({"ok": False, "error": "invalid_arguments"}, False),  # not about the blocks
        ({"ok": False, "error": "channel_not_found"}, False),
        ({"ok": False, "error": "ratelimited"}, False),
    ],
)
def test_only_a_refusal_of_the_blocks_counts_as_one(body: dict, refused: bool) -> None:
    assert refused_block(_slack_error(body)) is refused
