"""Named chart styles and single-colour requests, as explicit colours (no global state)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.spec import STYLES


@dataclass(frozen=True)
class Style:
    name: str
    background: str
    text: str  # titles, labels, tick labels
    muted: str  # axis lines, secondary text
    grid: str
    palette: tuple[str, ...]
    zero_line: str
    negative: str  # bars below zero in a single-series chart
    line_width: float = 2.2
    hatches: tuple[str, ...] = field(default=("",))  # mono tells series apart by hatching
    line_styles: tuple[str, ...] = field(default=("-",))
    edge: str | None = None  # outline of bars and slices (None: background colour)


_STYLES: dict[str, Style] = {
    "default": Style(
        name="default",
        background="#ffffff",
        text="#1f2328",
        muted="#57606a",
        grid="#e6e8eb",
        zero_line="#6e7781",
        negative="#e15759",
        palette=(
            "#4e79a7",
            "#f28e2b",
            "#e15759",
            "#76b7b2",
            "#59a14f",
            "#edc948",
            "#b07aa1",
            "#ff9da7",
            "#9c755f",
            "#bab0ac",
        ),
    ),
    "dark": Style(
        name="dark",
        background="#1a1d21",  # Slack's dark theme
        text="#e8e8e8",
        muted="#a0a4a8",
        grid="#34383d",
        zero_line="#8b9096",
        negative="#ff7b7b",
        palette=(
            "#6cb4ff",
            "#ffb35c",
            "#ff7b7b",
            "#6fdc8c",
            "#d7a0ff",
            "#ffe066",
            "#5ee0e0",
            "#ff9ed2",
            "#c9a27e",
            "#b8bcc2",
        ),
    ),
    "colorblind": Style(
        name="colorblind",
        background="#ffffff",
        text="#1f2328",
        muted="#57606a",
        grid="#e6e8eb",
        zero_line="#6e7781",
        negative="#D55E00",
        # Okabe–Ito, reordered so that the first colours have the most contrast on white.
        palette=(
            "#0072B2",
            "#E69F00",
            "#009E73",
            "#D55E00",
            "#56B4E9",
            "#CC79A7",
            "#F0E442",
            "#000000",
        ),
    ),
    "mono": Style(
        name="mono",
        background="#ffffff",
        text="#111111",
        muted="#555555",
        grid="#e4e4e4",
        zero_line="#444444",
        negative="#b0b0b0",
        palette=("#2b2b2b", "#7a7a7a", "#b0b0b0", "#505050", "#d0d0d0", "#949494"),
        hatches=("", "//", "..", "xx", "\\\\", "oo"),
        line_styles=("-", "--", ":", "-."),
        edge="#2b2b2b",
    ),
    "pastel": Style(
        name="pastel",
        background="#fcfcfd",
        text="#2d3142",
        muted="#6b7080",
        grid="#eceef2",
        zero_line="#8a8fa0",
        negative="#ff9f9b",
        palette=(
            "#8fb8ed",
            "#ffb482",
            "#8de5a1",
            "#ff9f9b",
            "#c6b3ff",
            "#debb9b",
            "#fab0e4",
            "#b9d7a8",
            "#f9e79f",
            "#cfcfcf",
        ),
        line_width=2.8,
    ),
}
assert set(_STYLES) == set(STYLES)

# Colour words people type ("in blue"), mapped to pleasant shades rather than pure RGB.
NAMED_COLORS: dict[str, str] = {
    "blue": "#2f6fdf",
    "navy": "#1f3a93",
    "sky": "#56b4e9",
    "lightblue": "#7fb3f5",
    "teal": "#14868c",
    "cyan": "#17becf",
    "turquoise": "#2ec4b6",
    "green": "#2e9d4f",
    "lime": "#7cc242",
    "olive": "#808f30",
    "darkgreen": "#1b6b34",
    "red": "#d62f2f",
    "crimson": "#b5172e",
    "maroon": "#7f1d1d",
    "orange": "#f28e2b",
    "amber": "#f0a202",
    "yellow": "#e8c21a",
    "gold": "#d4a017",
    "purple": "#7b4fc9",
    "violet": "#8f5fd6",
    "magenta": "#c2399b",
    "pink": "#e377c2",
    "brown": "#8c5a3c",
    "tan": "#c8a27c",
    "beige": "#d8c8a8",
    "grey": "#6e7781",
    "gray": "#6e7781",
    "black": "#222222",
    "silver": "#a8adb3",
}
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def style_named(name: str) -> Style:
    return _STYLES.get(name, _STYLES["default"])


def normalize_color(value: object) -> str | None:
    """``"Blue"``, ``"light blue"``, ``"#f80"`` → ``"#rrggbb"``; anything else → None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    for word in ("light ", "dark "):
        if text.startswith(word) and text.replace(" ", "") in NAMED_COLORS:
            return NAMED_COLORS[text.replace(" ", "")]
    text = text.replace(" ", "").replace("-", "")
    if text in NAMED_COLORS:
        return NAMED_COLORS[text]
    match = _HEX.fullmatch(text)
    if match:
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits.lower()
    return None


def _mix(color: str, other: str, amount: float) -> str:
    """Blend ``color`` towards ``other`` by ``amount`` (0 → color, 1 → other)."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * amount) for x, y in zip(a, b, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def palette_for(style: Style, color: str | None, count: int, *, slices: bool = False) -> list[str]:
    """``count`` colours: the style's palette (cycled), or shades of one requested colour.

    Pie slices in ``mono`` get evenly graded greys: repeating a grey would merge two slices.
    """
    count = max(count, 1)
    if color is None and slices and style.edge and count > 1:
        return [_mix("#222222", "#e6e6e6", i / (count - 1)) for i in range(count)]
    if color is None:
        return [style.palette[i % len(style.palette)] for i in range(count)]
    if count == 1:
        return [color]
    # Shades from the colour itself towards the background, never quite reaching it.
    return [_mix(color, style.background, 0.7 * i / (count - 1)) for i in range(count)]
