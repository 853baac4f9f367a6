"""An earlier revision of this repository beside this checkout, for the benchmarks that compare
the two (``bench/inline_bench.py``, ``bench/understand_bench.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def unpack(revision: str, into: Path) -> Path:
    """The repository at ``revision`` as plain files in ``into/before`` (``git archive``; no
    worktree is registered)."""
    archive = into / "before.tar"
    with open(archive, "wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision], stdout=out, check=True)
    target = into / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return target


def cli(root: Path, args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and exit code of ``python -m bot chart ARGS --spec`` run from ``root``,
    without the Slack and storage settings of this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "STORAGE_"))}
    env["PYTHONPATH"] = str(root)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chart", *args, "--spec"],
        cwd=cwd,
        env=env,
        capture_output=True,
    )
    return time.perf_counter() - t, done.returncode
