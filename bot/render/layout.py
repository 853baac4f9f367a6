"""Fixed page geometry and text measurement, so margins are computed instead of searched for.

Layout engines (``tight_layout``, ``bbox_inches="tight"``) cost 34–51 % of a render because they
draw twice; measuring our own few strings with FreeType is well under a millisecond.
"""

from __future__ import annotations

import functools
import os
import textwrap
import threading
from collections.abc import Iterable

from matplotlib import font_manager, ft2font
from matplotlib.font_manager import FontProperties

# Slack shows an image about 480 px wide in a thread (larger when opened). The page is sized so
# that, at that width, the smallest text is over 8 px tall: 6.4 × 4 in at 200 dpi is 1280 × 800
# px, so a point of type is 480 / 1280 × 200 / 72 ≈ 1.04 px in the thread.
FIG_W, FIG_H, DPI = 6.4, 4.0, 200
PX_W, PX_H = int(FIG_W * DPI), int(FIG_H * DPI)
THREAD_PX = 480

TITLE_PT = 13.5  # 14 px in the thread
NOTE_PT = 9.0
LABEL_PT = 10.0
TICK_PT = 9.5  # 9.9 px in the thread
VALUE_PT = 8.5  # the smallest text: 8.9 px in the thread
LEGEND_PT = 9.5
PAD = 0.16  # inches of air at the figure edges
LINE = 1.3  # line height as a multiple of the font size

MAX_TITLE_CHARS = 70


@functools.cache
def _font(bold: bool, thread: int) -> ft2font.FT2Font:
    """One FT2Font per thread (it is not thread-safe), like matplotlib's own font cache."""
    props = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    font = ft2font.FT2Font(font_manager.findfont(props))
    font.set_size(100, 72)  # 100 px per em: widths scale linearly to any size
    return font


# A forked child must not share the parent's open font file (and its file offset).
os.register_at_fork(after_in_child=_font.cache_clear)


@functools.lru_cache(maxsize=4096)
def _em_width(line: str, bold: bool) -> float:
    font = _font(bold, threading.get_ident())
    font.set_text(line, 0.0, flags=ft2font.LoadFlags.NO_HINTING)
    return font.get_width_height()[0] / 64 / 100


def text_width(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Width in inches of ``text`` (the widest of its lines) at ``size_pt`` points."""
    widest = max((_em_width(line, bold) for line in text.split("\n")), default=0.0)
    return widest * size_pt / 72 * 1.03  # hinting makes real text a little wider


def text_height(lines: int, size_pt: float) -> float:
    return lines * size_pt * LINE / 72


def max_width(texts: Iterable[str], size_pt: float) -> float:
    return max((text_width(t, size_pt) for t in texts), default=0.0)


def line_count(texts: Iterable[str]) -> int:
    return max((t.count("\n") + 1 for t in texts), default=0)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: int, max_lines: int) -> str:
    """Lines of at most ``width`` characters, broken between words (a word longer than the
    width stays whole), the last line ending in "…" when the text does not fit."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=True) or [text]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + "…", width)
    return "\n".join(lines)


def fit_width(text: str, width_in: float, size_pt: float) -> str:
    """``text`` on one line, shortened at a word (or, failing that, a letter) with "…" so that it
    fits ``width_in`` inches; the full text belongs in the alt text."""
    if text_width(text, size_pt) <= width_in:
        return text
    words = text.split()
    for count in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:count]).rstrip(",;:–—-") + "…"
        if text_width(candidate, size_pt) <= width_in and count * 2 >= len(words):
            return candidate
    for chars in range(len(text) - 1, 0, -1):
        candidate = text[:chars].rstrip() + "…"
        if text_width(candidate, size_pt) <= width_in:
            return candidate
    return "…"


def fit_labels(
    labels: list[str], slot_in: float, size_pt: float, max_lines: int = 3
) -> list[str] | None:
    """Labels wrapped so each fits a slot ``slot_in`` inches wide, or None if they cannot."""
    if max_width(labels, size_pt) <= slot_in:
        return labels
    longest = max((len(s) for s in labels), default=0)
    start = min(longest - 1, int(slot_in / (0.5 * size_pt / 72)) + 2)
    for width in range(start, 3, -1):
        wrapped = [wrap(s, width, max_lines) for s in labels]
        if any(
            w.endswith("…") and not s.endswith("…") for w, s in zip(wrapped, labels, strict=True)
        ):
            return None  # would lose words: wrapping this narrow no longer helps
        if max_width(wrapped, size_pt) <= slot_in:
            return wrapped
    return None


def title_lines(title: str, width_in: float = FIG_W - 2 * PAD) -> str:
    """The title wrapped onto at most two lines that fit ``width_in`` inches in bold."""
    for chars in range(MAX_TITLE_CHARS, 19, -2):
        text = wrap(title, chars, 2)
        if all(text_width(line, TITLE_PT, bold=True) <= width_in for line in text.split("\n")):
            return text
    lines = wrap(title, 20, 2).split("\n")  # a word too long for any line: cut it with "…"
    return "\n".join(fit_width(line, width_in, TITLE_PT * 1.05) for line in lines)
