"""Benchmark: reading inline data, against the inline parser of an earlier revision, same run.

Run: .venv/bin/python bench/inline_bench.py [REVISION] [--cli]   (default 342bc39, before the
records and readings parser). The earlier ``bot/understand/inline.py`` is loaded from git into its
own module, so both parsers read the same messages in the same process. Prints the median per
message kind and the ratio new / old. File requests matter too: every request is tried as inline
data first, so a slow miss slows every chart from a file.

``--cli`` also times ``python -m bot chart … --spec`` end to end, the earlier revision (exported
with ``git archive``) and this checkout taking turns, on a 1,000-row CSV and on inline data.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import cli, unpack  # noqa: E402
from bot.understand.inline import parse_inline  # noqa: E402

KINDS = {
    "pairs": ["apples 3, pears 5, plums 2", "Q1=10 Q2=14 Q3=9 Q4=18", "A: 10; B: 20; C: 15"],
    "lists and tables": [
        "labels: a, b, c values: 1, 2, 3",
        "Region\t2023\t2024\nNorth\t10\t11\nSouth\t12\t15",
        "12, 14, 9 for mon tue wed",
    ],
    "several series": [
        "compare 2023 vs 2024 sales: Q1 10 12, Q2 14 15, Q3 9 11",
        "2023: 1, 2, 3; 2024: 2, 3, 4 for Q1, Q2, Q3",
    ],
    "file requests (misses)": [
        "revenue by region",
        "average revenue by region and product excluding widgets",
        "Find the total revenue for each manufacturer. Plot them as bar chart",
        "top 3 products by units where revenue > 500 in 2023",
    ],
    "4k pasted rows": ["a\t1\n" * 1000],
    "4k words": [("revenue by region " * 240)[:4000]],
}


def baseline(revision: str) -> Callable[[str], object]:
    source = subprocess.run(
        ["git", "show", f"{revision}:bot/understand/inline.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "inline_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("inline_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["inline_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.parse_inline


def median_us(fn: Callable[[], object], runs: int = 7, inner: int = 20) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t) / inner * 1e6)
    return statistics.median(times)


def cli_runs(revision: str, runs: int = 9) -> None:
    """Median wall time of the one-shot CLI, before and now, turn about."""
    work = Path(tempfile.mkdtemp())
    old_root = unpack(revision, work)
    regions = ["North", "South", "East", "West"]
    rows = [f"{regions[i % 4]},{10 + (i * 37) % 990},{1 + i % 50}" for i in range(1000)]
    (work / "t1000.csv").write_text("region,revenue,units\n" + "\n".join(rows) + "\n")
    cases = {
        "file: revenue by region": ["revenue by region", "--file", "t1000.csv"],
        "inline: apples 3, pears 5": ["apples 3, pears 5, plums 2"],
    }

    def once(root: Path, args: list[str]) -> float:
        seconds, code = cli(root, args, work)
        assert code == 0, (root, args, code)
        return seconds

    print(f"{'CLI --spec':26} {'before':>10} {'now':>10}  ratio  (s per run, median of {runs})")
    for name, args in cases.items():
        old, new = [], []
        for _ in range(runs):
            new.append(once(ROOT, args))
            old.append(once(old_root, args))
        a, b = statistics.median(old), statistics.median(new)
        print(f"{name:26} {a:10.3f} {b:10.3f}  {b / a:5.2f}x")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    revision = args[0] if args else "342bc39"
    before = baseline(revision)
    print(f"{'kind':26} {'before':>10} {'now':>10}  ratio  (µs per message, median)")
    for kind, texts in KINDS.items():
        inner = 2 if len(texts[0]) > 1000 else 20
        old = statistics.mean(median_us(lambda t=t: before(t), inner=inner) for t in texts)
        new = statistics.mean(median_us(lambda t=t: parse_inline(t), inner=inner) for t in texts)
        print(f"{kind:26} {old:10.1f} {new:10.1f}  {new / old:5.2f}x")
    if "--cli" in sys.argv:
        cli_runs(revision)


if __name__ == "__main__":
    main()
