"""render_png() and build_figure(): every type and style draws, readably, with the real data."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle, Wedge
from PIL import Image

from bot.render import build_figure, render_png
from bot.render.draw import figure_png
from bot.render.layout import PX_H, PX_W
from bot.render.styles import style_named
from bot.spec import STYLES, ChartOptions, ChartSpec, ChartType, NumberFormat, Series
from tests.render.conftest import decode, drawn_texts, drawn_tick_labels

GALLERY = [
    "bar", "bar_long_labels", "bar_grouped", "bar_stacked", "bar_40_products",
    "bar_negative_profit", "bar_inline", "line", "line_4x1000", "line_gaps", "area_stacked",
    "pie", "donut_many", "scatter_10k", "histogram",
]  # fmt: skip
STYLED = ["bar_grouped", "line_gaps", "donut_many"]


def bars(fig) -> list[Rectangle]:
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


def assert_readable(fig) -> None:
    """Nothing clipped at the figure edges, and no two tick labels of an axis overlap."""
    renderer = fig.canvas.get_renderer()
    for text in drawn_texts(fig):
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0, f"{text.get_text()!r} is cut off at the left/bottom"
        assert box.x1 <= PX_W and box.y1 <= PX_H, f"{text.get_text()!r} is cut off at the right/top"
    for axis in ("x", "y"):
        boxes = [t.get_window_extent(renderer) for t in drawn_tick_labels(fig, axis)]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), f"{axis} tick labels overlap"


def assert_good_png(png: bytes, background: str) -> None:
    pixels = decode(png)
    assert pixels.shape == (PX_H, PX_W, 3)
    assert pixels.std() > 20, "the chart is (nearly) blank"
    corner = "#{:02x}{:02x}{:02x}".format(*pixels[3, 3])
    assert corner == background.lower()


@pytest.mark.parametrize("name", GALLERY)
def test_gallery_chart_renders_and_reads(specs: dict[str, ChartSpec], name: str) -> None:
    fig = build_figure(specs[name])
    assert_good_png(figure_png(fig), style_named("default").background)
    assert_readable(fig)


@pytest.mark.parametrize(("name", "style"), list(itertools.product(STYLED, STYLES[1:])))
def test_every_style_renders(specs: dict[str, ChartSpec], name: str, style: str) -> None:
    assert_good_png(render_png(specs[name].evolve(style=style)), style_named(style).background)


def test_same_spec_gives_identical_bytes_without_metadata(specs: dict[str, ChartSpec]) -> None:
    first, second = render_png(specs["line_gaps"]), render_png(specs["line_gaps"])
    assert first == second
    with Image.open(io.BytesIO(first)) as image:
        assert not image.info, f"PNG carries metadata: {image.info}"


def test_bar_labels_and_heights_are_the_data(specs: dict[str, ChartSpec]) -> None:
    spec = specs["bar"]
    fig = build_figure(spec)
    fig.canvas.draw()
    assert [t.get_text() for t in drawn_tick_labels(fig, "x")] == spec.x_labels
    assert [b.get_height() for b in bars(fig)] == spec.y_values
    ticks = [t.get_text() for t in drawn_tick_labels(fig, "y")]
    assert "$1M" in ticks and "$500k" in ticks
    assert fig.texts[0].get_text() == "Revenue by Region"
    assert fig.axes[0].get_xlabel() == "Region" and fig.axes[0].get_ylabel() == "Revenue"
    assert not fig.legends, "one series needs no legend"


def test_forty_products_become_the_top_13_and_say_what_the_rest_add_up_to(
    specs: dict[str, ChartSpec],
) -> None:
    spec = specs["bar_40_products"]
    fig = build_figure(spec)
    fig.canvas.draw()
    labels = [t.get_text() for t in drawn_tick_labels(fig, "y")]
    widths = [b.get_width() for b in bars(fig)]
    values = sorted(spec.y_values, reverse=True)
    assert widths == pytest.approx(values[:13]) and len(labels) == 13
    rest = sum(values[13:])
    assert rest > values[0], "the rest would be a bar longer than all the others"
    assert fig.texts[1].get_text() == f"Top 13 of 40; the other 27 add up to ${rest / 1000:.0f}k"


def test_many_small_categories_are_summed_in_other() -> None:
    labels = [f"Item {i}" for i in range(20)]
    values = [1000.0, 900.0, *[10.0] * 18]
    spec = ChartSpec(ChartType.BAR, "T", labels, [Series("v", values)])
    fig = build_figure(spec)
    fig.canvas.draw()
    assert [t.get_text() for t in drawn_tick_labels(fig, "y")][-1] == "Other (7)"
    assert bars(fig)[-1].get_width() == pytest.approx(70.0)
    assert "Top 13 of 20" in fig.texts[1].get_text()


def test_grouped_and_stacked_bars(specs: dict[str, ChartSpec]) -> None:
    grouped = build_figure(specs["bar_grouped"])
    assert len(bars(grouped)) == 16
    assert [t.get_text() for t in grouped.legends[0].get_texts()] == ["Revenue", "Cost"]
    stacked_spec = specs["bar_stacked"]
    stacked = bars(build_figure(stacked_spec))
    first, second = stacked[:5], stacked[5:10]
    for low, high in zip(first, second, strict=True):
        assert high.get_y() == pytest.approx(low.get_y() + low.get_height())


def test_horizontal_option_puts_categories_on_the_y_axis() -> None:
    spec = ChartSpec(ChartType.BAR, "H", ["a", "b"], [Series("v", [3.0, 5.0])],
                     options=ChartOptions(horizontal=True))  # fmt: skip
    fig = build_figure(spec)
    fig.canvas.draw()
    assert [b.get_width() for b in bars(fig)] == [3.0, 5.0]
    assert [t.get_text() for t in drawn_tick_labels(fig, "y")] == ["a", "b"]


def test_long_labels_are_wrapped_not_truncated(specs: dict[str, ChartSpec]) -> None:
    fig = build_figure(specs["bar_long_labels"])
    fig.canvas.draw()
    shown = [t.get_text().replace("\n", " ") for t in drawn_tick_labels(fig, "x")]
    assert shown == specs["bar_long_labels"].x_labels
    assert any("\n" in t.get_text() for t in drawn_tick_labels(fig, "x"))


def test_missing_values_are_gaps_in_lines(specs: dict[str, ChartSpec]) -> None:
    spec = specs["line_gaps"]
    line = build_figure(spec).axes[0].lines[0]
    y = np.asarray(line.get_ydata(), dtype=float)
    gaps = [i for i, v in enumerate(spec.y_values) if v is None]
    assert gaps and np.isnan(y[gaps]).all(), "missing months must not be drawn as zeros"


def test_show_values_writes_formatted_numbers(specs: dict[str, ChartSpec]) -> None:
    texts = [t.get_text() for t in build_figure(specs["bar_negative_profit"]).axes[0].texts]
    assert "$12.4k" in texts and "\u2212$7.9k" in texts
    percent = [t.get_text() for t in build_figure(specs["line_gaps"]).axes[0].texts]
    assert "5.6%" in percent


def test_negative_values_get_a_zero_line(specs: dict[str, ChartSpec]) -> None:
    ax = build_figure(specs["bar_negative_profit"]).axes[0]
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.lines)


def test_months_read_as_dates_on_a_line(specs: dict[str, ChartSpec]) -> None:
    fig = build_figure(specs["line"])
    fig.canvas.draw()
    ticks = [t.get_text() for t in drawn_tick_labels(fig, "x")]
    assert ticks == ["Jan 2022", "Jul", "Jan 2023", "Jul", "Jan 2024", "Jul"]


def test_iso_dates_use_a_date_axis(specs: dict[str, ChartSpec]) -> None:
    fig = build_figure(specs["line_4x1000"])
    fig.canvas.draw()
    ticks = [t.get_text() for t in drawn_tick_labels(fig, "x")]
    assert "2024" in ticks and len(ticks) <= 10
    assert len(fig.legends[0].get_texts()) == 4


def test_pie_merges_small_slices_into_other(specs: dict[str, ChartSpec]) -> None:
    fig = build_figure(specs["donut_many"])
    wedges = [p for p in fig.axes[0].patches if isinstance(p, Wedge)]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(wedges) == 8
    assert legend[0] == "Billing  420 (24%)" and legend[-1].startswith("Other (5)  136")


def test_scatter_trend_line_is_least_squares() -> None:
    xs = [1.0, 2.0, 3.0, 4.0]
    spec = ChartSpec(ChartType.SCATTER, "S", xs, [Series("y", [3.0, 5.0, 7.0, 9.0])],
                     options=ChartOptions(trend_line=True))  # fmt: skip
    fig = build_figure(spec)
    trend = fig.axes[0].lines[1]
    assert list(trend.get_xdata()) == [1.0, 4.0]
    assert list(trend.get_ydata()) == pytest.approx([3.0, 9.0])
    assert "r = 1.00" in [t.get_text() for t in fig.legends[0].get_texts()][1]


def test_histogram_bins_are_adjacent(specs: dict[str, ChartSpec]) -> None:
    rects = bars(build_figure(specs["histogram"]))
    for left, right in itertools.pairwise(rects):
        assert left.get_x() + left.get_width() == pytest.approx(right.get_x())


def test_log_scale_and_percent_axis() -> None:
    spec = ChartSpec(
        ChartType.LINE, "L", ["a", "b", "c"], [Series("v", [1.0, 100.0, 10_000.0])],
        options=ChartOptions(log_scale=True), number_format=NumberFormat(suffix="%"),
    )  # fmt: skip
    fig = build_figure(spec)
    fig.canvas.draw()
    assert fig.axes[0].get_yscale() == "log"
    assert "100%" in [t.get_text() for t in drawn_tick_labels(fig, "y")]


def test_single_colour_request_paints_the_bars() -> None:
    spec = ChartSpec(ChartType.BAR, "C", ["a", "b"], [Series("v", [1.0, 2.0])],
                     options=ChartOptions(color="teal"))  # fmt: skip
    assert {to_hex(b.get_facecolor()) for b in bars(build_figure(spec))} == {"#14868c"}


def test_many_points_on_a_category_line_do_not_overlap() -> None:
    labels = [f"Week {i}" for i in range(200)]
    spec = ChartSpec(ChartType.LINE, "W", labels, [Series("v", [float(i % 7) for i in range(200)])])
    fig = build_figure(spec)
    fig.canvas.draw()
    assert_readable(fig)


def test_years_on_a_line_keep_their_spacing_and_read_as_years() -> None:
    spec = ChartSpec(ChartType.LINE, "Y", ["2000", "2001", "2002", "2010"],
                     [Series("v", [1.0, 2.0, 3.0, 4.0])])  # fmt: skip
    fig = build_figure(spec)
    fig.canvas.draw()
    assert list(fig.axes[0].lines[0].get_xdata()) == [0.0, 1.0, 2.0, 10.0]
    ticks = [t.get_text() for t in drawn_tick_labels(fig, "x")]
    assert "2000" in ticks and "2010" in ticks and not any("," in t for t in ticks)


def test_bars_on_a_log_scale_are_painted() -> None:
    spec = ChartSpec(ChartType.BAR, "Log", ["a", "b", "c"], [Series("v", [5.0, 120.0, 98_000.0])],
                     options=ChartOptions(log_scale=True))  # fmt: skip
    pixels = decode(render_png(spec))
    bar = np.array([int(style_named("default").palette[0][i : i + 2], 16) for i in (1, 3, 5)])
    painted = np.all(np.abs(pixels.astype(int) - bar) <= 2, axis=-1).mean()
    assert painted > 0.05, "bars starting at zero vanished on the log axis"


def test_title_legend_and_axis_titles_follow_the_options(specs: dict[str, ChartSpec]) -> None:
    spec = specs["bar_grouped"]
    plain = build_figure(spec)
    assert [t.get_text() for t in plain.texts] == ["Revenue and cost by quarter"]
    assert plain.legends
    bare = build_figure(spec.evolve(options=ChartOptions(show_title=False, legend=False)))
    assert bare.texts == [] and not bare.legends
    untitled = build_figure(spec.evolve(options=ChartOptions(axis_titles=False)))
    assert untitled.axes[0].get_xlabel() == "" and untitled.axes[0].get_ylabel() == ""
    inline = ChartSpec(ChartType.BAR, "", ["a", "b"], [Series("value", [1.0, 2.0])],
                       options=ChartOptions(axis_titles=True, legend=True))  # fmt: skip
    fig = build_figure(inline)
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("Label", "Values")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["value"]


def test_bigger_text_keeps_the_picture_size_and_enlarges_every_text(
    specs: dict[str, ChartSpec],
) -> None:
    spec = specs["bar"]
    normal = build_figure(spec)
    bigger = build_figure(spec.evolve(options=ChartOptions(text_scale=1.3)))
    assert decode(figure_png(bigger)).shape == (PX_H, PX_W, 3)
    normal.canvas.draw(), bigger.canvas.draw()
    pairs = [(normal.texts[0], bigger.texts[0])]  # the title and the axis titles
    pairs += [(a.xaxis.label, b.xaxis.label) for a, b in zip(normal.axes, bigger.axes, strict=True)]
    pairs += [(a.yaxis.label, b.yaxis.label) for a, b in zip(normal.axes, bigger.axes, strict=True)]
    for a, b in pairs:
        size_a = a.get_window_extent(normal.canvas.get_renderer()).height
        size_b = b.get_window_extent(bigger.canvas.get_renderer()).height
        assert size_b == pytest.approx(size_a * 1.3, rel=0.02), a.get_text()


def test_partial_periods_are_drawn_dashed_and_named() -> None:
    spec = ChartSpec(ChartType.LINE, "P", ["2024-01", "2024-02", "2024-03", "2024-04"],
                     [Series("Sales", [120.0, 290.0, 310.0, 150.0])],
                     options=ChartOptions(partial=["2024-01", "2024-04"]))  # fmt: skip
    fig = build_figure(spec)
    ax = fig.axes[0]
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert np.isnan(np.asarray(solid[0].get_ydata(), dtype=float)[[0, 3]]).all()
    dashed = [line for line in ax.lines if line.get_linestyle() not in ("-", "None")]
    assert len(dashed) == 2
    assert fig.texts[1].get_text() == "Jan 2024 and Apr 2024 are only partly covered (dashed)"
    bar = build_figure(spec.evolve(chart_type=ChartType.BAR))
    assert [p.get_hatch() for p in bars(bar)] == ["///", None, None, "///"]
