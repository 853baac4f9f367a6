"""WorkerPool: CPU work in warm processes, with timeouts and recovery from dead workers."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from bot.render import SpecError, render_png
from bot.spec import ChartSpec, ChartType, Series
from bot.workers import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout

SPEC = ChartSpec(ChartType.BAR, "Fruit", ["apples", "pears"], [Series("value", [3.0, 5.0])])


def pid_and_sleep(path: str, seconds: float) -> None:
    Path(path).write_text(str(os.getpid()))
    time.sleep(seconds)


def fail(message: str) -> None:
    raise KeyError(message)


def read_pid(path: Path) -> int | None:
    text = path.read_text() if path.exists() else ""
    return int(text) if text else None


async def wait_for_file(path: Path) -> int:
    for _ in range(200):
        if pid := read_pid(path):
            return pid
        await asyncio.sleep(0.05)
    raise AssertionError("the task never started")


async def gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (waiting up to 10 s for its parent to reap it)."""
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_runs_functions_and_renders_like_in_process() -> None:
    async with WorkerPool(2) as pool:
        assert len(pool.pids) == 2 and os.getpid() not in pool.pids
        assert await pool.run(divmod, 17, 5) == (3, 2)
        pngs = await asyncio.gather(*(pool.render(SPEC) for _ in range(4)))
        assert pngs == [render_png(SPEC)] * 4


async def test_task_errors_propagate_and_keep_the_worker() -> None:
    async with WorkerPool(1) as pool:
        before = pool.pids
        with pytest.raises(KeyError, match="missing"):
            await pool.run(fail, "missing")
        bad = ChartSpec(ChartType.PIE, "P", ["a"], [Series("v", [-1.0])])
        with pytest.raises(SpecError, match="negative"):
            await pool.render(bad)
        assert pool.pids == before


async def test_timeout_kills_the_worker_and_the_next_call_works(tmp_path: Path) -> None:
    async with WorkerPool(1) as pool:
        with pytest.raises(WorkerTimeout):
            await pool.run(pid_and_sleep, str(tmp_path / "pid"), 30, timeout=0.5)
        stuck = read_pid(tmp_path / "pid")
        assert (await pool.render(SPEC)).startswith(b"\x89PNG")
        assert stuck not in pool.pids


async def test_a_worker_killed_mid_task_is_replaced(tmp_path: Path) -> None:
    async with WorkerPool(1) as pool:
        pid_file = tmp_path / "pid"
        task = asyncio.create_task(pool.run(pid_and_sleep, str(pid_file), 30))
        pid = await wait_for_file(pid_file)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerCrashed):
            await task
        assert await pool.render(SPEC) == render_png(SPEC)
        assert pid not in pool.pids and len(pool.pids) == 1


async def test_close_stops_the_processes_and_refuses_work() -> None:
    pool = WorkerPool(1)
    await pool.start()
    pids = pool.pids
    await pool.close()
    for pid in pids:
        assert await gone(pid)
    with pytest.raises(WorkerError):
        await pool.run(divmod, 1, 1)


async def test_a_cancelled_call_does_not_leave_its_worker_busy(tmp_path: Path) -> None:
    async with WorkerPool(1) as pool:
        pid_file = tmp_path / "pid"
        task = asyncio.create_task(pool.run(pid_and_sleep, str(pid_file), 30))
        pid = await wait_for_file(pid_file)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await pool.render(SPEC, timeout=20) == render_png(SPEC)
        assert await gone(pid)


async def test_unpicklable_work_is_refused_without_harm() -> None:
    async with WorkerPool(1) as pool:
        before = pool.pids
        with pytest.raises(TypeError, match="cannot send"):
            await pool.run(lambda: 1)
        assert await pool.run(divmod, 7, 2) == (3, 1)
        assert pool.pids == before
