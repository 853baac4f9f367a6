"""Turning a raw Slack message into plain text the parsers can read.

Slack sends markup (``<@U123>`` mentions, ``<http://x|label>`` links, ``&amp;`` escapes, ``*bold*``,
``:emoji:`` codes); people paste smart quotes, odd spaces and control characters. None of that may
change what a request means, so it is all normalised here, in linear time, before any parsing.
"""

from __future__ import annotations

import re
import unicodedata

# Slack's angle-bracket entities: <@U1>, <@U1|name>, <#C1|general>, <!here>, <http://x|label>.
_ANGLE = re.compile(r"<([^<>\n]{1,2000})>")
_EMOJI_CODE = re.compile(
    r"(?<![\w:]):(?:(?=[a-z0-9_+'-]{0,60}[a-z])[a-z0-9_+'-]{1,60}|[+-]1):(?![\w])", re.I
)
_BOLD_STRIKE = re.compile(r"(?<![\w*~])[*~]+(?=\S)|(?<=\S)[*~]+(?![\w*~])")
_ITALIC = re.compile(r"(?<!\w)_+(?=[^\s_])|(?<=[^\s_])_+(?!\w)")
_GONE = re.compile(r" ?\x01+(?: ?\x01+)* ?")  # removed characters, with one space each side
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(r" {2,}")

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2212": "-",  # minus sign
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u00d7": "x",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "`": "",
    }
)

_KEEP_CONTROL = {"\t", "\n"}
_CURRENCY_KEEP = set("$€£¥₹")


def _angle(match: re.Match[str]) -> str:
    inner = match.group(1)
    head, _, label = inner.partition("|")
    if head.startswith(("@", "!")):
        return " "  # a mention or a broadcast: not part of the request
    if head.startswith("#"):
        return " "  # a channel reference: where the message was said, not what it asks
    if label:
        return label
    if head.startswith("mailto:"):
        return head[7:]
    return head


def _drop_char(ch: str) -> bool:
    if " " <= ch <= "~":
        return False
    if ch in _KEEP_CONTROL or ch in _CURRENCY_KEEP:
        return False
    cat = unicodedata.category(ch)
    # Control, format (zero-width joiners, bidi overrides), private use, surrogates, unassigned,
    # and symbols such as emoji; ordinary letters, digits, punctuation and currency stay.
    return cat[0] == "C" or (cat in ("So", "Sk", "Mn", "Me") and not ch.isalnum())


def _drop_odd_characters(text: str) -> str:
    """Invisible format characters vanish (a zero-width joiner inside a word joins it); other odd
    characters become a gap. Emoji go too, unless they label a number ("🍎 3"): then they are
    the label."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if not _drop_char(ch):
            out.append(ch)
            i += 1
            continue
        if unicodedata.category(ch) == "Cf":
            i += 1
            continue
        j = i
        while j < n and _drop_char(text[j]) and not text[j].isspace():
            j += 1
        emoji = text[i:j]
        if unicodedata.category(ch) == "So" and _LABELS_A_NUMBER.match(text, j):
            out.append(emoji)
        else:
            out.append("\x01")
        i = j
    return "".join(out)


_LABELS_A_NUMBER = re.compile(r"\s{0,3}[:=]?\s{0,3}[-+(]?[$€£¥₹]?\d")
_ANSI = re.compile(r"\x1b\[[0-9;]{0,20}[A-Za-z]")  # terminal colour codes pasted along


def clean(text: str) -> str:
    """Plain text with Slack markup, emoji and typographic oddities removed; lines kept."""
    text = _ANSI.sub("", text)
    text = _ANGLE.sub(_angle, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    if not (text.isascii() and text.isprintable()):
        text = _drop_odd_characters(text)
    text = _EMOJI_CODE.sub("\x01", text)
    text = _GONE.sub(" ", text)
    text = _BOLD_STRIKE.sub("", text)
    text = _ITALIC.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    lines = [_SPACES.sub("  ", line).strip(" ") for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip())


def fold(text: str) -> str:
    """Lower-case text for matching: underscores and dashes between words become spaces."""
    return re.sub(r"(?<=[a-z])[_\-](?=[a-z])|_", " ", text.lower())
