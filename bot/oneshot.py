"""``python -m bot chart "TEXT" [--file PATH] [--sheet NAME] [--out PNG] [--spec]``."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.intake import IntakeError, read_dataset
from bot.jobs import Answer, Drawn, understand_and_draw
from bot.spec import SpecError
from bot.understand import Command, Context, NotUnderstood
from bot.understand.columns import match_name

EXIT_NOT_UNDERSTOOD = 2


def chart_command(
    text: str,
    *,
    file: Path | None = None,
    sheet: str | None = None,
    out: Path | None = None,
    spec_only: bool = False,
) -> int:
    dataset = None
    if file is not None:
        try:
            dataset = read_dataset(file.name, file.name, file.read_bytes())
        except (OSError, IntakeError) as exc:
            reason = getattr(exc, "user_message", None) or f"Cannot read {file}: {exc}"
            print(reason, file=sys.stderr)
            return 1
        if sheet is not None:
            named = match_name(sheet, list(dataset.tables))  # loosely, as in "in sheet Q3"
            if named is None:
                names = ", ".join(dataset.tables) or "none"
                print(f"No table in a sheet called {sheet!r}. Sheets: {names}", file=sys.stderr)
                return 1
            dataset.active_sheet = named
    files = [dataset.filename] if dataset else []
    try:
        outcome = understand_and_draw(text, Context(dataset, None, "default", files), None)
    except SpecError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_NOT_UNDERSTOOD
    if isinstance(outcome, NotUnderstood):
        print(outcome.message, file=sys.stderr)
        return EXIT_NOT_UNDERSTOOD
    if isinstance(outcome, Answer):
        print(outcome.text)
        return 0
    if isinstance(outcome, Command):
        print(f"`{text}` is a conversation command; try it in Slack or the local console.")
        return 0
    assert isinstance(outcome, Drawn)
    if spec_only:
        print(outcome.spec.to_json())
    if out is not None or not spec_only:
        target = out or Path("chart.png")
        target.write_bytes(outcome.png)
        # With --spec, stdout carries only the JSON.
        print(f"chart: {target}", file=sys.stderr if spec_only else sys.stdout)
    for note in outcome.notes:
        print(note, file=sys.stderr)
    return 0
