"""Native charts vs PNG uploads, end to end: two bots in HTTP mode (subprocesses, as deployed,
JSON storage), one with CHART_FORMAT=image and one with CHART_FORMAT=native, behind the same fake
Slack served from this process. Requests alternate between them, one at a time, so both see the
same machine; the image bot is the floor.

    .venv/bin/python bench/native.py [--runs N]

Latency of a request = from sending its signed POST to the call that puts the chart in the
thread (``files.completeUploadExternal`` for the PNG, ``chat.postMessage`` for the block; the
fake stamps every call on arrival, same clock as this process). The chart is a 10-bar inline
bar chart, which the block can hold. Reported: median and p90 of each, and native / image.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)  # loopback only; slack_sdk ignores NO_PROXY

from tests.fake_slack import FakeSlack  # noqa: E402
from tests.processes import BotProcess  # noqa: E402
from tests.signed import SlackSender, mention  # noqa: E402

LABELS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett"]  # fmt: skip  # noqa: E501
REPLY_CALL = {"image": "files.completeUploadExternal", "native": "chat.postMessage"}


async def one(fake: FakeSlack, sender: SlackSender, kind: str, i: int) -> float:
    values = ", ".join(f"{label} {(i * 7 + n) % 23 + 1}" for n, label in enumerate(LABELS))
    text = "bar chart of " + values
    event = mention(text, channel=f"C{kind.upper()}")
    replies = len(fake.calls_of(REPLY_CALL[kind]))
    answered = len(fake.finals())
    sent = time.monotonic()
    await sender.event(event)
    [*_, reply] = await fake.wait_for(REPLY_CALL[kind], replies + 1, timeout=60)
    await fake.answered(answered + 1, timeout=60)  # the next request starts on an idle bot
    if kind == "native":
        assert reply.params["blocks"][0]["type"] == "data_visualization"
    return reply.at - sent


def summary(name: str, times: list[float]) -> str:
    p90 = statistics.quantiles(times, n=10)[-1]
    return f"{name:7s} median {statistics.median(times) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms"


async def main(runs: int) -> None:
    fake = await FakeSlack().start()
    with tempfile.TemporaryDirectory(prefix="chartbot-native-bench-") as tmp:
        work = Path(tmp)
        bots = {
            kind: await BotProcess.start(
                storage_url=work / kind / "data",
                api_url=fake.api_url,
                workdir=work / kind,
                CHART_FORMAT=kind,
            )
            for kind in ("image", "native")
        }
        senders = {kind: SlackSender(bot.events_url) for kind, bot in bots.items()}
        times: dict[str, list[float]] = {"image": [], "native": []}
        try:
            for kind in ("image", "native"):  # warm-up: first render, first auth.test
                await one(fake, senders[kind], kind, 0)
            for i in range(runs):
                order = ("image", "native") if i % 2 == 0 else ("native", "image")
                for kind in order:
                    times[kind].append(await one(fake, senders[kind], kind, i + 1))
        finally:
            for sender in senders.values():
                await sender.close()
            for bot in bots.values():
                await bot.stop()
            await fake.stop()
    print(f"{runs} requests each, alternating; a 10-bar inline bar chart")
    print(summary("image", times["image"]) + "   (floor)")
    print(summary("native", times["native"]))
    ratio = statistics.median(times["native"]) / statistics.median(times["image"])
    print(f"native / image (medians): {ratio:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(parser.parse_args().runs))
