"""Every chart reads at the size Slack shows it in a thread (about 480 px wide)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.render import build_figure
from bot.render.gallery import gallery_specs, hard_specs
from tests.render.readability import problems

CASES = {**gallery_specs(), **hard_specs()}
STYLED = ["bar_long_labels", "hard_6_series_bar", "donut_many", "line_gaps"]


@pytest.mark.parametrize("name", list(CASES))
def test_chart_reads_in_a_thread(name: str) -> None:
    spec = CASES[name]
    assert problems(build_figure(spec), spec) == []


@pytest.mark.parametrize("name", STYLED)
@pytest.mark.parametrize("style", ["dark", "mono", "pastel"])
def test_chart_reads_in_a_thread_in_every_style(name: str, style: str) -> None:
    spec = CASES[name].evolve(style=style)
    assert problems(build_figure(spec), spec) == []


@pytest.mark.parametrize("name", list(CASES))
def test_bigger_text_still_reads(name: str) -> None:
    spec = CASES[name]
    spec = spec.evolve(options=replace(spec.options, text_scale=1.3))
    assert problems(build_figure(spec), spec) == []


@pytest.mark.parametrize("name", ["bar_grouped", "hard_6_series_line", "scatter_10k", "pie"])
def test_no_title_no_legend_and_axis_titles_still_read(name: str) -> None:
    spec = CASES[name]
    options = replace(spec.options, show_title=False, legend=False, axis_titles=True)
    spec = spec.evolve(options=options)
    assert problems(build_figure(spec), spec) == []
