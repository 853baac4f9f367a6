"""Where the suite's own copies of outside data live (tests/data/README.md says what each is)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus" / "xlsx"
MANIFEST_SCHEMA = DATA / "slack-manifest-schema" / "manifest.schema.1.0.0.json"


def data_path(path: Path) -> Path:
    """``path`` if it exists; otherwise the test fails, naming the missing file (never a skip)."""
    if not path.exists():
        pytest.fail(f"test data missing: {path} (see tests/data/README.md)", pytrace=False)
    return path
