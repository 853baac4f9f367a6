"""Chaos (PRODUCT.md §3, §7): three bot processes on one Redis, bursts over several threads
delivered with Slack's habits, while one process at a time is SIGKILLed and restarted. Every
message is answered once, in thread order, fully logged, with no claim left behind.

The seed is printed; ``CHAOS_SEED=N`` replays a run's plan. ``bench/chaos.py`` runs it longer."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.e2e.chaos import Plan, chaos
from tests.fake_slack import FakeSlack
from tests.redis_server import RedisServer


@pytest.mark.timeout(600)
async def test_three_processes_killed_in_turn_answer_everything_once_in_order(
    redis_server: RedisServer, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    seed = int(os.environ.get("CHAOS_SEED") or random.randrange(1_000_000))
    print(f"chaos seed {seed} (CHAOS_SEED={seed} replays it)")
    async with chaos(
        seed=seed, redis_url=redis_server.url, fake=fake_slack, workdir=tmp_path
    ) as run:
        report = await run.run(
            Plan(kills=3, threads=4, per_thread=4, kill_gap=(2.0, 5.0), answer_timeout=150)
        )
        print(report.line())
        assert report.kills == 3
        assert report.messages >= 16
        assert report.clean, (report.details(), run.logs()[-6000:])
