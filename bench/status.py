"""What the live status line costs a chart in an assistant thread.

    .venv/bin/python bench/status.py [--rounds N] [--latency SECONDS]

The real app in HTTP mode (in this process) against the fake Slack, every Web API call taking
``--latency`` seconds (default 0.05, about Slack's round trip). Each request opens a new
assistant thread and asks for a 10-bar chart; latency is from sending the signed message to the
``files.completeUploadExternal`` call that posts its chart, and to the ✅ that ends it.

Floor, interleaved in the same run: the same requests with the status line refused at no cost
(no ``setStatus`` call is made), so progress shows as 👀 → ✅ as it did before the status line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)  # loopback only; slack_sdk ignores NO_PROXY

from bot.workers import WorkerPool  # noqa: E402
from handlers.status import ThreadStatus  # noqa: E402
from tests.conftest import RunningBot, running_bot  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.signed import assistant_message, assistant_thread_started  # noqa: E402

TEXT = "bar chart of Alpha 12, Bravo 7, Charlie 15, Delta 9, Echo 4, Foxtrot 11, Golf 6, Hotel 13"


@contextmanager
def status_refused():
    """Slack refusing every status call, without the cost of asking."""

    async def refused(self: ThreadStatus, status: str) -> bool:
        return False

    real = ThreadStatus._set_status
    ThreadStatus._set_status = refused  # type: ignore[method-assign]
    try:
        yield
    finally:
        ThreadStatus._set_status = real  # type: ignore[method-assign]


async def one(bot: RunningBot, fake: FakeSlack, n: int) -> tuple[float, float]:
    started = assistant_thread_started()
    fake.open_assistant_thread(started)
    prompts = len(fake.calls_of("assistant.threads.setSuggestedPrompts"))
    await bot.sender.event(started)
    await fake.wait_for("assistant.threads.setSuggestedPrompts", prompts + 1)
    uploads, answers = len(fake.calls_of("files.completeUploadExternal")), len(fake.finals())
    sent = time.monotonic()
    await bot.sender.event(assistant_message(f"{TEXT} title: run {n}", started))
    [*_, posted] = await fake.wait_for("files.completeUploadExternal", uploads + 1, timeout=60)
    [*_, final] = await fake.answered(answers + 1, timeout=60)
    return posted.at - sent, final.at - sent


async def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--rounds", type=int, default=15)
    args.add_argument("--latency", type=float, default=0.05)
    opts = args.parse_args()
    pool = WorkerPool(2)
    await pool.start()
    fake = await FakeSlack().start()
    results: dict[str, list[tuple[float, float]]] = {"status line": [], "floor (👀)": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_bot(fake, pool, Path(tmp) / "data") as bot:
                await one(bot, fake, 0)  # warm: auth.test, the workers' first render
                fake.latency = opts.latency
                for n in range(1, opts.rounds + 1):
                    arms = list(results) if n % 2 else list(reversed(results))
                    for arm in arms:
                        if arm == "status line":
                            results[arm].append(await one(bot, fake, n))
                        else:
                            with status_refused():
                                results[arm].append(await one(bot, fake, n))
    finally:
        await fake.stop()
        await pool.close()

    print(f"{opts.rounds} requests per arm, every Slack call {opts.latency * 1000:.0f} ms")
    floor = {k: statistics.median(r[k] for r in results["floor (👀)"]) for k in (0, 1)}
    for arm, runs in results.items():
        posted = statistics.median(r[0] for r in runs)
        done = statistics.median(r[1] for r in runs)
        print(
            f"  {arm:12}  chart posted {posted * 1000:6.0f} ms (×{posted / floor[0]:.2f})"
            f"   answered {done * 1000:6.0f} ms (×{done / floor[1]:.2f})"
        )


if __name__ == "__main__":
    asyncio.run(main())
