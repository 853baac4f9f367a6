"""A deploy's SIGTERM: the bot stops taking requests, finishes the answers in progress, and
exits cleanly; the next start has nothing left to redo."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import final_reactions, uploaded_titles
from tests.fake_slack import FakeSlack
from tests.processes import BotProcess
from tests.signed import SlackSender, mention


async def test_sigterm_lets_the_answer_in_progress_finish(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    data, event = tmp_path / "data", mention("bar chart of a 1, b 2 title: Before the stop")
    bot = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    fake_slack.fail("files.getUploadURLExternal", delay=1.5)  # the upload is under way
    sender = SlackSender(bot.events_url)
    assert (await sender.event(event, event_id="EvStop"))[0] == 200
    await sender.close()
    await fake_slack.wait_for("files.getUploadURLExternal")

    assert await bot.stop() == 0
    assert uploaded_titles(fake_slack)["Before the stop"] == 1
    assert final_reactions(fake_slack, event["ts"]) == ["white_check_mark"]
    assert "finishing 1 answer(s) in progress" in bot.stderr()

    again = await BotProcess.start(storage_url=data, api_url=fake_slack.api_url, workdir=tmp_path)
    await fake_slack.quiet(1.0)
    await again.stop()
    assert uploaded_titles(fake_slack)["Before the stop"] == 1
    assert "resuming" not in again.stderr()
