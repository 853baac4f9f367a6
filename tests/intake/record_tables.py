"""Record the table intake builds for every corpus file, as JSON under tests/intake/tables/.

    .venv/bin/python -m tests.intake.record_tables CORPUS_DIR

The committed files were recorded once with the openpyxl reader (commit 342bc39), before the
calamine reader replaced it; test_tables_unchanged.py compares today's tables with them.
Re-recording overwrites that reference: do it only on purpose, with the reason in the commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from bot.intake import IntakeError, read_dataset
from bot.table import Dataset

TABLES = Path(__file__).parent / "tables"
SKIP = {"MANIFEST.md", "PROBE.txt"}


def snapshot(path: Path) -> dict:
    """What a user sees of a file: the refusal's code, or every table as charted."""
    try:
        ds = read_dataset("F1", path.name, path.read_bytes())
    except IntakeError as err:
        return {"refused": err.code}
    return _dataset(ds)


def _dataset(ds: Dataset) -> dict:
    data = orjson.loads(ds.to_bytes())
    for key in ("file_id", "filename", "file_size"):
        data.pop(key)
    return data


def fixture_path(name: str) -> Path:
    return TABLES / f"{name}.json"


def main(corpus: Path) -> None:
    TABLES.mkdir(exist_ok=True)
    for path in sorted(corpus.iterdir()):
        if path.name in SKIP:
            continue
        fixture_path(path.name).write_bytes(
            orjson.dumps(snapshot(path), option=orjson.OPT_SORT_KEYS) + b"\n"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
