"""Long chaos run (not in CI): three bot processes (HTTP mode, as deployed) on one real Redis,
behind the fake Slack Web API served from this process, delivered to with Slack's habits while
one process at a time is SIGKILLed and restarted (see ``tests/e2e/chaos.py``). The suite runs
the same chaos briefly (``tests/e2e/test_chaos.py``).

    .venv/bin/python bench/chaos.py [--minutes 20] [--seed N] [--threads 9] [--per-thread 4]
                                    [--kill-gap 10 30]

Prints its progress, then ``chaos: N messages, K kills, lost L, duplicates D, out of order O``
last; exits 1 if anything was lost, duplicated, out of order, logged incompletely or left
claimed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)  # loopback only; slack_sdk ignores NO_PROXY

from tests.e2e.chaos import Plan, chaos  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402


async def main(opts: argparse.Namespace) -> int:
    seed = opts.seed if opts.seed is not None else random.randrange(1_000_000)
    print(f"chaos seed {seed}: {opts.minutes} min, {opts.threads} threads at a time × "
          f"{opts.per_thread} messages, a kill every {opts.kill_gap[0]}–{opts.kill_gap[1]} s",
          flush=True)  # fmt: skip
    plan = Plan(
        duration=opts.minutes * 60,
        threads=opts.threads,
        per_thread=opts.per_thread,
        kill_gap=(opts.kill_gap[0], opts.kill_gap[1]),
        answer_timeout=300,
    )
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="chartbot-chaos-")
    print(f"bot logs under {workdir}", flush=True)
    with RedisServer() as redis_server:
        fake = await FakeSlack().start()
        try:
            async with chaos(
                seed=seed,
                redis_url=redis_server.url,
                fake=fake,
                workdir=Path(workdir),
                log=lambda line: print(line, flush=True),
            ) as run:
                report = await run.run(plan)
                if not report.clean:
                    print(report.details(), flush=True)
                    print(run.logs()[-4000:], flush=True)
        finally:
            await fake.stop()
    print(f"ran {time.monotonic() - started:.0f} s in all", flush=True)
    if report.clean:
        shutil.rmtree(workdir, ignore_errors=True)
    print(report.line(), flush=True)
    return 0 if report.clean else 1


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--minutes", type=float, default=20.0, help="how long to keep sending")
    args.add_argument("--seed", type=int, help="replay a run's plan")
    args.add_argument("--threads", type=int, default=9, help="threads in flight at a time")
    args.add_argument("--per-thread", type=int, default=4, help="messages per thread")
    args.add_argument(
        "--kill-gap", type=float, nargs=2, default=(10.0, 30.0), metavar=("MIN", "MAX"),
        help="seconds between kills (uniform)",
    )  # fmt: skip
    sys.exit(asyncio.run(main(args.parse_args())))
