"""A process pool for CPU work (rendering, spreadsheet parsing, understanding) off the event loop.

matplotlib and openpyxl hold the GIL, so threads would not run them in parallel; processes do.
Each worker owns a pipe and runs one task at a time, which lets the pool kill exactly the worker
that overran its timeout (``concurrent.futures`` can only break the whole pool) and replace it,
so the next call works. Workers are forked from a forkserver that has already imported and
exercised matplotlib (``bot.render.preload``), so a new or replacement worker is warm in
milliseconds instead of the ~1 s a fresh interpreter needs.

Blocking steps (starting processes, waiting on pipes) run in helper threads and the idle list is
guarded by a lock, so one pool can serve several event loops (e.g. one per test) in turn.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import importlib
import logging
import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from bot.spec import ChartSpec

log = logging.getLogger(__name__)
T = TypeVar("T")
PRELOAD = ["bot.render.preload"]
WARM_TIMEOUT = 120.0


class WorkerError(Exception):
    """A task could not be completed by a worker (not an error raised by the task itself)."""


class WorkerTimeout(WorkerError):
    """The task ran past its timeout; its worker was killed and replaced."""


class WorkerCrashed(WorkerError):
    """The worker process died while running the task; it was replaced."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


# ---- the worker process -------------------------------------------------------------------------


def _return_memory_to_os() -> None:
    """Make glibc hand big freed blocks (a render's 6 MB pixel buffers) back to the OS.

    By default glibc raises its mmap threshold after the first large free and then keeps such
    blocks in the heap: a worker's RSS grew by ~55 MB over its first 100 renders and stayed
    there. With a fixed threshold it grows by ~6 MB, for a page-fault cost of about 1 ms/render.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD: blocks ≥ 256 KiB get their own mapping
        libc.mallopt(-1, 1024 * 1024)  # M_TRIM_THRESHOLD: give back heap tops beyond 1 MiB


def _worker_main(conn: Connection) -> None:
    """Loop in the worker process: receive ``(fn, args)``, send back ``("ok"|"error", value)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _return_memory_to_os()
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the pool closed the pipe or the parent died
        try:
            fn, args = pickle.loads(data)
            reply: tuple[str, Any] = ("ok", fn(*args))
        except Exception as exc:
            reply = ("error", exc)
        try:
            payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result or exception
            payload = pickle.dumps(("error", WorkerError(f"cannot return the result: {exc!r}")))
        try:
            conn.send_bytes(payload)
        except OSError:
            return  # the pool gave up on this task and closed the pipe


def _warm(modules: tuple[str, ...]) -> int:
    """Import the renderer (it draws a chart on import) and ``modules``: a no-op in workers forked
    from a warm forkserver, the warm-up itself with the fork method."""
    for name in (*PRELOAD, *modules):
        importlib.import_module(name)
    return os.getpid()


def _render(spec: ChartSpec) -> bytes:
    from bot.render import render_png

    return render_png(spec)


# ---- the parent side ----------------------------------------------------------------------------


def _exchange(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    """In a helper thread: send one task, wait for its reply (EOFError if the worker dies)."""
    try:
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return "unsendable", exc
    conn.send_bytes(payload)
    data = conn.recv_bytes()
    try:
        return pickle.loads(data)
    except Exception as exc:
        return "error", WorkerError(f"cannot read the result: {exc!r}")


def _stop(worker: _Worker, *, kill: bool = False) -> None:
    """Close the pipe (an idle worker exits on EOF); kill it if asked or still alive after 1 s."""
    if kill:
        worker.process.kill()
    with contextlib.suppress(OSError):
        worker.conn.close()
    worker.process.join(1.0)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(5.0)


def _hand_over(pool: WorkerPool, waiter: asyncio.Future[_Worker], worker: _Worker) -> None:
    if waiter.done():  # the caller timed out or was cancelled meanwhile
        pool._release(worker)
    else:
        waiter.set_result(worker)


class WorkerPool:
    """``await pool.run(fn, *args, timeout=…)`` runs a picklable top-level function in a worker."""

    def __init__(
        self,
        processes: int | None = None,
        *,
        method: str = "forkserver",
        preload: tuple[str, ...] = (),
    ) -> None:
        """``processes`` defaults to the number of cores. ``preload`` names modules the workers
        import before their first task (e.g. ``("bot.jobs",)``); with the forkserver method they
        are imported once, in the forkserver, if it is not already running."""
        self.size = max(1, processes or os.cpu_count() or 1)
        self.method = method
        self.preload = tuple(preload)
        self._ctx = mp.get_context(method)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._workers: set[_Worker] = set()
        # Pipe waits (one per worker) plus replacements; none of them does CPU work.
        self._threads = ThreadPoolExecutor(2 * self.size + 2, thread_name_prefix="worker-pool")
        self._starting: Future[None] | None = None
        self._closed = False
        self.start_seconds: float | None = None  # how long start() took (for the logs/bench)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    async def start(self) -> None:
        """Start and warm every worker, once; the first request then runs at full speed."""
        if self._closed:
            raise WorkerError("the worker pool is closed")
        with self._lock:
            if self._starting is None:
                self._starting = self._threads.submit(self._start_all)
            starting = self._starting
        await asyncio.wrap_future(starting)

    async def run(self, fn: Callable[..., T], *args: Any, timeout: float = 60.0) -> T:
        """``fn(*args)`` in a worker; exceptions raised by ``fn`` propagate unchanged.

        ``timeout`` (seconds) covers waiting for a free worker and the run itself. Raises
        ``WorkerTimeout`` or ``WorkerCrashed``; either way the pool stays usable.
        """
        await self.start()
        name = getattr(fn, "__name__", "task")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await self._acquire(deadline, name, timeout)
        future = loop.run_in_executor(self._threads, _exchange, worker.conn, fn, args)
        try:
            status, value = await asyncio.wait_for(future, max(deadline - loop.time(), 0.001))
        except TimeoutError:
            self._replace(worker)
            raise WorkerTimeout(f"{name} took longer than {timeout:g} s") from None
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerCrashed(f"the worker process died while running {name}") from exc
        except BaseException:  # cancelled: the worker is still busy with a task nobody wants
            self._replace(worker)
            raise
        self._release(worker)
        if status == "ok":
            return value
        if status == "unsendable":
            raise TypeError(f"cannot send {name} to a worker process: {value}") from value
        raise value

    async def render(self, spec: ChartSpec, *, timeout: float = 60.0) -> bytes:
        """``bot.render.render_png(spec)`` in a worker."""
        return await self.run(_render, spec, timeout=timeout)

    async def close(self) -> None:
        """Stop every worker (busy ones are killed); calls waiting for a worker fail."""
        with self._lock:
            self._closed = True
            workers, self._workers, self._idle = list(self._workers), set(), []
            waiters, self._waiters = list(self._waiters), collections.deque()
        for waiter in waiters:
            if not waiter.done() and not waiter.get_loop().is_closed():
                error = WorkerError("the worker pool is closed")
                waiter.get_loop().call_soon_threadsafe(_fail, waiter, error)
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._threads, _stop, w) for w in workers),
            return_exceptions=True,
        )
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> WorkerPool:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ---- internals (the blocking ones run in helper threads) ------------------------------------

    async def _acquire(self, deadline: float, name: str, timeout: float) -> _Worker:
        loop = asyncio.get_running_loop()
        while True:
            with self._lock:
                if self._closed:
                    raise WorkerError("the worker pool is closed")
                worker = self._idle.pop() if self._idle else None
                if worker is None:
                    waiter: asyncio.Future[_Worker] = loop.create_future()
                    self._waiters.append(waiter)
            if worker is None:
                try:
                    worker = await asyncio.wait_for(waiter, max(deadline - loop.time(), 0.001))
                except TimeoutError:
                    raise WorkerTimeout(f"no worker was free for {name} in {timeout:g} s") from None
            if worker.process.is_alive():
                return worker
            self._replace(worker)  # died while idle (killed, out of memory): not for this task

    def _release(self, worker: _Worker) -> None:
        """Give ``worker`` to the longest waiting caller, or put it back in the idle list."""
        with self._lock:
            if self._closed:
                self._threads.submit(_stop, worker)
                return
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.done() or waiter.get_loop().is_closed():
                    continue
                waiter.get_loop().call_soon_threadsafe(_hand_over, self, waiter, worker)
                return
            self._idle.append(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a fresh one in a helper thread (no event loop needed)."""
        with self._lock:
            self._workers.discard(worker)
        self._threads.submit(self._respawn, worker)

    def _respawn(self, old: _Worker) -> None:
        _stop(old, kill=True)
        for attempt in range(5):
            if self._closed:
                return
            try:
                worker = self._spawn()
            except Exception:
                log.exception("could not start a replacement worker (attempt %d)", attempt + 1)
                time.sleep(0.5 * 2**attempt)
                continue
            self._release(worker)
            return
        log.error("gave up replacing a worker; the pool now has fewer processes")

    def _start_all(self) -> None:
        began = time.perf_counter()
        if self.method == "forkserver":
            self._ctx.set_forkserver_preload([*PRELOAD, *self.preload])  # type: ignore[attr-defined]
        spawned = list(self._threads.map(lambda _: self._spawn(), range(self.size)))
        for worker in spawned:
            self._release(worker)
        self.start_seconds = time.perf_counter() - began
        log.info("worker pool: %d processes warm in %.2f s", self.size, self.start_seconds)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child,), daemon=True, name="chartbot-worker"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not _exchange_with_timeout(worker, self.preload, WARM_TIMEOUT):
            _stop(worker, kill=True)
            raise WorkerError("a new worker did not get ready in time")
        with self._lock:
            self._workers.add(worker)
        return worker


def _exchange_with_timeout(worker: _Worker, modules: tuple[str, ...], timeout: float) -> bool:
    """Warm a new worker; False if it dies, fails or takes longer than ``timeout``."""
    try:
        worker.conn.send_bytes(pickle.dumps((_warm, (modules,))))
        if not worker.conn.poll(timeout):
            return False
        status, _ = pickle.loads(worker.conn.recv_bytes())
    except (EOFError, OSError):
        return False
    return status == "ok"


def _fail(waiter: asyncio.Future[Any], error: Exception) -> None:
    if not waiter.done():
        waiter.set_exception(error)
