"""The bot as deployed: ``python -m bot run --mode http`` in a subprocess, for end-to-end tests
and benchmarks.

    bot = await BotProcess.start(storage_url=..., api_url=fake.api_url, workdir=tmp_path)
    sender = SlackSender(bot.events_url)
    ...
    await bot.stop()      # SIGTERM and wait;  bot.kill() is SIGKILL (a crash)

stderr goes to a file (``bot.stderr_path``) so a failing test can show the bot's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.fake_slack import BOT_TOKEN
from tests.signed import SIGNING_SECRET

ROOT = Path(__file__).resolve().parent.parent
_STRIPPED_PREFIXES = ("SLACK_", "STORAGE_")
_names = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_bot(
    args: list[str], cwd: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` as a user runs it, in ``cwd``, with ``env`` set."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        env=bot_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def bot_env(**extra: str) -> dict[str, str]:
    """The current environment without Slack/storage settings and proxies (slack_sdk and aiohttp
    would route loopback calls through a proxy), plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_STRIPPED_PREFIXES) and "proxy" not in k.lower()
    }
    return {**env, "PYTHONPATH": str(ROOT), **extra}


class BotProcess:
    """One running bot process in HTTP mode; use ``await BotProcess.start(...)``."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, stderr_path: Path) -> None:
        self.process = process
        self.port = port
        self.stderr_path = stderr_path

    @classmethod
    async def start(
        cls,
        *,
        storage_url: str | Path,
        api_url: str,
        workdir: Path,
        token: str = BOT_TOKEN,
        signing_secret: str = SIGNING_SECRET,
        timeout: float = 60.0,
        **extra_env: str,
    ) -> BotProcess:
        """Start the bot and wait until ``/healthz`` answers (the worker pool is warm by then:
        the HTTP server starts after the services)."""
        await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
        port = free_port()
        env = bot_env(
            SLACK_BOT_TOKEN=token,
            SLACK_SIGNING_SECRET=signing_secret,
            SLACK_API_URL=api_url,
            STORAGE_URL=str(storage_url),
            PORT=str(port),
            **extra_env,
        )
        stderr_path = workdir / f"bot-{os.getpid()}-{next(_names)}.stderr"
        with stderr_path.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--mode", "http",
                env=env, cwd=workdir, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        bot = cls(process, port, stderr_path)
        try:
            await bot._wait_healthy(timeout)
        except BaseException:
            await bot.kill()
            raise
        return bot

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def stderr(self) -> str:
        """What the bot logged so far (for assertion messages)."""
        return self.stderr_path.read_text(errors="replace")

    async def _wait_healthy(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with aiohttp.ClientSession(trust_env=False) as http:
            while loop.time() < deadline:
                if not self.running:
                    raise RuntimeError(
                        f"the bot exited with {self.process.returncode}:\n{self.stderr()[-3000:]}"
                    )
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.base_url}/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the bot never answered /healthz:\n{self.stderr()[-3000:]}")

    async def kill(self) -> int:
        """SIGKILL, as a crash or the OOM killer would; returns the exit code."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        return await self.process.wait()

    async def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait (SIGKILL if it does not exit within ``timeout``)."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                return await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                return await self.kill()
        return await self.process.wait()

    async def __aenter__(self) -> BotProcess:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
