"""Every reply's words agree with its chart, after every kind of edit: the comment and alt text
posted to Slack are checked against the spec recorded with the reply."""

from __future__ import annotations

import re

from bot.render.formats import date_kind, readable_label
from bot.spec import ChartSpec, ChartType
from tests.conftest import RunningBot, start_thread
from tests.fake_slack import FakeSlack
from tests.signed import message


async def _reply(bot: RunningBot, fake: FakeSlack, root: str, text: str, **event: object):
    """Send ``text`` in the thread; the posted comment, alt text and the logged spec."""
    uploads = len(fake.calls_of("files.completeUploadExternal"))
    answers = len(fake.finals())
    await bot.sender.event(message(text, thread_ts=root, **event))
    await fake.answered(answers + 1)
    assert len(fake.calls_of("files.completeUploadExternal")) > uploads, fake.posted_texts()[-1]
    [*_, complete] = await fake.wait_for("files.completeUploadExternal", uploads + 1)
    upload = next(u for u in fake.chart_uploads() if u.completed is complete.params)
    session = await bot.storage.get(f"T1:C1:{root}")
    assert session is not None
    spec = ChartSpec.from_dict(session.chat_history[-1]["metadata"]["spec"])
    return complete.params["initial_comment"], upload.alt_txt or "", spec


def _agrees(comment: str, alt: str, spec: ChartSpec) -> list[str]:
    """What in the words contradicts the chart; empty when they agree."""
    wrong = []
    labels = [str(s) for s in spec.x_labels]
    shown = [readable_label(s, date_kind(labels)) for s in labels]
    typed = spec.source_file is None and spec.aggregation == "none"
    if spec.chart_type is ChartType.HISTOGRAM:
        total = int(sum(v for v in spec.y_values if v is not None))
        if f"count of {total:,} value" not in comment and f"count of {total:,} row" not in comment:
            wrong.append(f"the histogram holds {total} values")
    elif typed:
        count = sum(1 for s in spec.series for v in s.values if v is not None)
        if f"({count:,} value" not in comment:
            wrong.append(f"the chart shows {count} values")
    if spec.chart_type in (ChartType.BAR, ChartType.LINE, ChartType.PIE) and len(labels) <= 30:
        wrong += [f"{s!r} is not in the alt text" for s in shown if s not in alt]
    if len(spec.series) == 1 and spec.chart_type not in (ChartType.SCATTER, ChartType.HISTOGRAM):
        pairs = [(v, s) for s, v in zip(shown, spec.y_values, strict=True) if v is not None]
        top, low = max(pairs), min(pairs)
        if f"highest {top[1]} " not in comment or f"lowest {low[1]} " not in comment:
            wrong.append(f"the extremes are {top[1]} and {low[1]}")
    for s in spec.series[:4] if len(spec.series) > 1 else []:
        if s.name not in alt:
            wrong.append(f"series {s.name!r} is not in the alt text")
    if spec.chart_type is ChartType.SCATTER:
        pair = re.search(r"of (.+?) vs (.+?) \(", comment)
        title = re.fullmatch(r"(.+?) vs (.+)", spec.title, re.I)
        if pair and title and pair[1].lower() != title[1].lower():
            wrong.append(f"{pair[0]!r} is in another order than the title {spec.title!r}")
    if re.search(r"Using column “([^”]+)” for “\1”", comment, re.I):
        wrong.append("a column is said to stand for itself")
    if re.search(r"[^.!?…)\]] (?:Using|Sorted|Left|Added|Changed|A |The |Only)", comment):
        wrong.append("the comment runs into the next sentence")
    if spec.options.show_title and spec.title and f"“{spec.title}”" not in alt:
        wrong.append("the alt text names another title")
    return wrong


INLINE_EDITS = [
    "only the top 3",
    "sort ascending",
    "without c",
    "make it horizontal",
    "swap the axes",
    "make it a pie",
    "as a line",
    "remove the title",
    "title: Fruit sold",
    "bigger text",
    "add axis labels",
    "hide the legend",
    "show values",
    "log scale",
    "add f 9",
    "set f to 4",
]


async def test_inline_chart_words_agree_after_every_edit(bot: RunningBot, fake_slack) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2, c 3, d 4, e 5, g 7, h 8")
    for text in INLINE_EDITS:
        comment, alt, spec = await _reply(bot, fake_slack, root, text)
        assert _agrees(comment, alt, spec) == [], (text, comment, alt)
    assert spec.title == "Fruit sold" and spec.options.text_scale > 1


async def test_top_3_no_longer_counts_5_values(bot: RunningBot, fake_slack) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2, c 3, d 4, e 5")
    comment, _, spec = await _reply(bot, fake_slack, root, "only the top 3")
    assert comment.startswith("Bar chart of e, d and c (3 values) from the previous chart;")
    assert spec.title == "E, d and c"


async def test_histogram_counts_the_values_it_binned(bot: RunningBot, fake_slack) -> None:
    root = await start_thread(bot, fake_slack, "histogram of 1, 2, 2, 3, 3, 3, 4, 5, 8, 9, 10")
    comment = fake_slack.calls_of("files.completeUploadExternal")[-1].params["initial_comment"]
    assert "(count of 11 values)" in comment
    comment, alt, spec = await _reply(bot, fake_slack, root, "bigger text")
    assert _agrees(comment, alt, spec) == []


async def test_sorting_a_monthly_line_gives_sorted_bars_and_says_why(
    bot: RunningBot, fake_slack
) -> None:
    root = await start_thread(bot, fake_slack, "line chart of Jan 3, Feb 5, Mar 2, Apr 7")
    comment, alt, spec = await _reply(bot, fake_slack, root, "sort descending")
    assert spec.chart_type == "bar" and spec.x_labels == ["Apr", "Feb", "Jan", "Mar"]
    assert "Sorted by value as bars: a line over time keeps the order of time." in comment
    assert _agrees(comment, alt, spec) == []


CARS = (
    b"model,mpg,hp,cyl\nMazda,21,110,6\nDatsun,22.8,93,4\nHornet,18.7,175,8\nValiant,18.1,105,6\n"
)


async def test_file_chart_words_agree_after_every_edit(bot: RunningBot, fake_slack) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of a 1, b 2")
    shared = fake_slack.add_file("cars.csv", CARS)
    comment, alt, spec = await _reply(
        bot, fake_slack, root, "mpg vs hp", subtype="file_share", files=[shared]
    )
    assert spec.chart_type == "scatter" and _agrees(comment, alt, spec) == []
    assert spec.title.lower().startswith("mpg vs hp") and "of mpg vs hp (" in comment
    comment, alt, swapped = await _reply(bot, fake_slack, root, "swap the axes")
    assert (swapped.x_labels, swapped.y_values) == (spec.y_values, spec.x_labels)
    assert "of hp vs mpg (" in comment and _agrees(comment, alt, swapped) == []
    for text in ("mpg by model", "only the top 2", "average hp by cyl", "sort descending"):
        comment, alt, spec = await _reply(bot, fake_slack, root, text)
        assert _agrees(comment, alt, spec) == [], (text, comment)
        assert "Using column “mpg” for “mpg”" not in comment
