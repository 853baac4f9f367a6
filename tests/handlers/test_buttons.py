"""Every chart message carries its buttons (PRODUCT.md §9): the chart types that suit its data,
Undo when there is something to undo, Data and Excel; each button names the chart by its id."""

from __future__ import annotations

from tests.conftest import RunningBot, start_thread
from tests.fake_slack import FakeSlack
from tests.handlers.clicking import button_messages, charts, history, labels, values
from tests.signed import message


async def _follow_up(bot: RunningBot, fake: FakeSlack, root: str, text: str) -> None:
    answered = len(fake.finals())
    await bot.sender.event(message(text, thread_ts=root))
    await fake.answered(answered + 1)


async def test_a_chart_of_categories_offers_line_and_pie_then_undo_after_an_edit(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root = await start_thread(bot, fake_slack, "bar chart of apples 3, pears 5, plums 2")
    [first] = button_messages(fake_slack, root)
    assert labels(first) == ["Line", "Pie", "Data", "Excel"]  # no undo: nothing before it
    await _follow_up(bot, fake_slack, root, "make it a pie")
    second = button_messages(fake_slack, root)[-1]
    assert labels(second) == ["Bar", "Line", "↩ Undo", "Data", "Excel"]
    logged = charts(await history(bot.storage, root))
    assert [values(first), values(second)] == [{c["chart_id"]} for c in logged]
    # The buttons sit right under their chart.
    thread = fake_slack.in_thread("C1", root)
    assert [("files" in m, m in (first, second)) for m in thread] == [
        (True, False),
        (False, True),
    ] * 2


async def test_a_time_series_offers_area_and_bar(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = await start_thread(bot, fake_slack, "sales jan 3, feb 5, mar 4, apr 6")
    assert charts(await history(bot.storage, root))[0]["chart_type"] == "line"
    assert labels(button_messages(fake_slack, root)[0]) == ["Area", "Bar", "Data", "Excel"]


async def test_no_pie_for_negative_values_or_several_series(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    negative = await start_thread(bot, fake_slack, "bar chart of gain 3, loss -2, flat 1")
    assert labels(button_messages(fake_slack, negative)[0]) == ["Line", "Data", "Excel"]
    several = await start_thread(
        bot, fake_slack, "bar chart labels: a, b, c\n2023: 1, 2, 3\n2024: 2, 3, 4"
    )
    assert len(charts(await history(bot.storage, several))[0]["series"]) == 2
    assert labels(button_messages(fake_slack, several)[0]) == ["Line", "Data", "Excel"]


async def test_a_scatter_offers_no_other_type(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root = await start_thread(bot, fake_slack, "scatter of 1 2, 2 4, 3 5, 4 4")
    assert charts(await history(bot.storage, root))[0]["chart_type"] == "scatter"
    assert labels(button_messages(fake_slack, root)[0]) == ["Data", "Excel"]
