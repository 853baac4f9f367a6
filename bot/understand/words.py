"""Conversation commands: help, columns, show the data, undo, new chat, style settings.

They must be (nearly) the whole message, so "help" inside a chart request is not a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understand.request import STYLE_PATTERN, STYLE_WORDS

_STYLE = STYLE_PATTERN.replace("(?P<s>", "(")


@dataclass
class Command:
    # "help" | "columns" | "show_data" | "undo" | "new_chat" | "set_default_style" | "set_style"
    name: str
    argument: str | None = None


_POLITE = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um+|please|pls|plz|can you|could you|would you|can u|"
    r"could u|chartbot|bot)\b[\s,!.]*)+|[\s,!.?]*(?:\b(?:please|pls|plz|thanks|thank you|thx|"
    r"ty)\b)?[\s,!.?]*$",
    re.I,
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "help",
        re.compile(
            r"help(?: me| please)?|\?+|commands|usage|examples?|how (?:does this|"
            r"do i use (?:this|you|it)|do you|does it) work|what can (?:you|i) (?:do|ask|say)|"
            r"what do you do|how do i use (?:this|you|it)|what (?:can|should) i (?:ask|type|"
            r"say)|instructions|menu|manual",
            re.I,
        ),
    ),
    (
        "columns",
        re.compile(
            r"(?:(?:what|which|list|show|tell me|give me|display)(?: me)?(?: are| is)?(?: the|"
            r" all| all the| your| my)? )?(?:columns?|fields?|headers?|variables|col names|"
            r"column names)(?: (?:are|is) (?:there|available|in (?:it|here|there|the (?:file|"
            r"sheet|data|table|spreadsheet))))?(?: do (?:you|we|i) have)?(?: (?:in|of) (?:the|"
            r"this|my) (?:file|sheet|data|table|spreadsheet|dataset))?(?: (?:are|is) there)?|"
            r"what(?:'s| is) in (?:the|this|my) (?:file|sheet|data|table|spreadsheet|dataset)|"
            r"what (?:data|columns) (?:do (?:you|we|i) have|is there|are there)",
            re.I,
        ),
    ),
    (
        "show_data",
        re.compile(
            r"(?:show|display|print|list|see|view|give)(?: me)?(?: the| all the| all| your|"
            r" that)? (?:raw )?(?:data|table|rows|underlying data|data table|source data|"
            r"raw numbers|raw values)(?: (?:behind|for|of|in) (?:it|this|that|the chart|"
            r"the graph))?(?: as (?:a )?table)?|(?:show|display|print|list|"
            r"give)(?: me)?(?: the)? (?:numbers|values) (?:behind|for|of) (?:it|this|that|"
            r"the chart|the graph)(?: as (?:a )?table)?|what(?:'s| is| are) the (?:data|"
            r"numbers|values)(?: behind (?:it|this|that|the chart))?|data\??",
            re.I,
        ),
    ),
    (
        "undo",
        re.compile(
            r"undo(?: (?:that|it|this|last|the last (?:change|edit|one)))?|go back|"
            r"revert(?: (?:that|it))?|take (?:that|it) back|back to (?:the )?previous(?: chart|"
            r" one)?|previous (?:chart|one|version)|(?:ctrl|cmd)[ +-]?z",
            re.I,
        ),
    ),
    (
        "new_chat",
        re.compile(
            r"new ?chat|/newchat|reset(?: (?:the |this )?(?:chat|session|thread|"
            r"conversation))?|start (?:over|again|fresh)|clear(?: (?:the |this )?(?:chat|"
            r"session|thread|conversation|everything))?|forget (?:it all|everything|this)|"
            r"restart",
            re.I,
        ),
    ),
    (
        "set_default_style",
        re.compile(
            r"(?:set|make|change|switch|update)(?: my)? default (?:style|theme|look)(?: to| as|"
            r" =|:)? ?"
            + _STYLE
            + r"(?: style| theme)?|(?:make|set) "
            + _STYLE
            + r"(?: style| theme)? (?:my|the) default(?: style| theme)?|"
            r"(?:always|by default) use "
            + _STYLE
            + r"(?: style| theme| mode| colou?rs)?(?: (?:by default|from now on|always))?|"
            r"my default (?:style|theme) (?:is|should be) " + _STYLE,
            re.I,
        ),
    ),
    (
        "set_style",
        re.compile(
            r"(?:use|switch to|set|change|apply)(?: the)?(?: (?:style|theme)(?: to)?)? "
            + _STYLE
            + r"(?: style| theme| mode| colou?rs| palette)?(?: (?:for|in) (?:this|the) (?:threa"
            r"d|chat|conversation)| here| from now on)?|(?:style|theme)(?: to)?:? " + _STYLE,
            re.I,
        ),
    ),
]

_STYLE_ONLY = re.compile(_STYLE + r" (?:style|theme|mode)", re.I)


def _style(m: re.Match[str]) -> str:
    name = next(g for g in m.groups() if g)
    name = re.sub(r"[- ](?:friendly|safe)$", "", name.lower())
    return STYLE_WORDS.get(name, "default")


def command(text: str, *, has_previous: bool) -> Command | None:
    """The command a whole message spells, or None."""
    text = _POLITE.sub("", " ".join(text.split()))
    if len(text) > 120:
        return None
    for name, pattern in _PATTERNS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        if name in ("set_default_style", "set_style"):
            return Command(name, _style(m))
        return Command(name)
    m = _STYLE_ONLY.fullmatch(text)
    if m is not None and not has_previous:
        return Command("set_style", _style(m))
    return None
