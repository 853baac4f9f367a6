"""The small pure pieces of the Slack layer: message splitting, permalinks, file names."""

from __future__ import annotations

from bot.export.names import chart_filename
from bot.forget import forgot_text
from handlers.newchat import parse_permalink
from handlers.outbox import MAX_PARTS, TRIMMED_NOTE, split_text
from storage.base import SessionSummary


def test_short_text_is_one_message() -> None:
    assert split_text("hello") == ["hello"]


def test_long_text_splits_at_line_breaks_under_the_limit() -> None:
    lines = [f"line {n:04d} " + "x" * 40 for n in range(200)]
    parts = split_text("\n".join(lines), limit=1000, max_parts=50)
    assert all(len(p) <= 1000 for p in parts)
    assert "\n".join(parts).split("\n") == lines  # nothing lost, nothing cut mid-line


def test_code_blocks_stay_balanced_across_parts() -> None:
    table = "```\n" + "\n".join(f"row {n}  {n * 3}" for n in range(400)) + "\n```"
    parts = split_text(table, limit=500, max_parts=50)
    assert len(parts) > 1
    assert all(p.count("```") % 2 == 0 for p in parts)


def test_beyond_the_part_limit_the_rest_is_trimmed_with_a_note() -> None:
    parts = split_text("\n".join("y" * 80 for _ in range(500)), limit=1000)
    assert len(parts) == MAX_PARTS
    assert parts[-1].endswith(TRIMMED_NOTE)
    assert all(len(p) <= 1000 for p in parts)


def test_permalinks_give_channel_and_thread() -> None:
    root = "https://acme.slack.com/archives/C123ABC/p1700000000000100"
    assert parse_permalink(root) == ("C123ABC", "1700000000.000100")
    reply = f"<{root.replace('000100', '000200')}?thread_ts=1700000000.000100&cid=C123ABC|link>"
    assert parse_permalink(reply) == ("C123ABC", "1700000000.000100")
    assert parse_permalink("all") is None
    assert parse_permalink("https://example.com/p123") is None


def test_chart_file_names_are_safe() -> None:
    assert chart_filename("Revenue by Region, 2024 (€)") == "revenue-by-region-2024.png"
    assert chart_filename("📈") == "chart.png"


def test_forgot_text_lists_first_words_or_says_nothing_happened() -> None:
    one = SessionSummary("T1:C1:1.0", "U1", "", "", 2, ["U1"], "bar chart of a 1, b 2")
    assert forgot_text([one]) == "Deleted 1 conversation and its data:\n• “bar chart of a 1, b 2”"
    assert "2 conversations and their data" in forgot_text([one, one])
    assert forgot_text([]).startswith("Nothing to delete")
    assert "took part" in forgot_text([], asked_for_thread=True)
