"""The presentation words of a request: chart type, options, style, colour, title, sorting, top N.

``read_modifiers`` finds them anywhere in the text, removes them, and returns what is left for the
data parsers (inline data or column references). The same words serve new charts and edits of the
previous one, so "as a pie" means the same thing in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.spec import Aggregation, ChartType

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_N = r"(?P<n>\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")"

STYLE_WORDS = {
    "dark": "dark",
    "night": "dark",
    "colorblind": "colorblind",
    "colourblind": "colorblind",
    "color blind": "colorblind",
    "colour blind": "colorblind",
    "accessible": "colorblind",
    "mono": "mono",
    "monochrome": "mono",
    "grayscale": "mono",
    "greyscale": "mono",
    "black and white": "mono",
    "b&w": "mono",
    "pastel": "pastel",
    "default": "default",
    "normal": "default",
    "standard": "default",
    "light": "default",
    "plain": "default",
}
_STYLE = (
    r"(?P<s>dark|night|colou?r ?blind(?:[- ](?:friendly|safe))?|accessible|mono(?:chrome)?|"
    r"gr[ae]yscale|black and white|b&w|pastel|default|normal|standard|light|plain)"
)
COLORS = [
    "red",
    "blue",
    "green",
    "orange",
    "purple",
    "violet",
    "pink",
    "brown",
    "black",
    "gray",
    "grey",
    "yellow",
    "gold",
    "teal",
    "navy",
    "cyan",
    "magenta",
    "maroon",
    "olive",
    "turquoise",
    "indigo",
    "crimson",
    "coral",
    "salmon",
    "lime",
]
STYLE_PATTERN = _STYLE
_COLOR = (
    r"(?P<c>(?:(?:dark|light|pale|bright|deep)[ -]?)?(?:" + "|".join(COLORS) + r")|"
    r"#[0-9a-f]{6}|#[0-9a-f]{3})"
)
_CHART = r"(?:\s*(?:chart|graph|plot|diagram|viz|visual)s?)?"


@dataclass
class Modifiers:
    chart_type: ChartType | None = None
    horizontal: bool | None = None
    stacked: bool | None = None
    log_scale: bool | None = None
    show_values: bool | None = None
    trend_line: bool | None = None
    style: str | None = None
    color: str | None = None
    title: str | None = None
    x_label: str | None = None
    y_label: str | None = None
    sort: str | None = None  # "asc" | "desc" | "none" | "alpha"
    limit: int | None = None
    aggregation: Aggregation | None = None
    count_word: str | None = None  # "count" or "number": 'number of units' means a sum
    distribution: bool = False
    share: bool = False
    bins: int | None = None
    bin_width: float | None = None
    problems: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # what was understood, for replies

    def binning(self) -> bool:
        return self.bins is not None or self.bin_width is not None

    def any_presentation(self) -> bool:
        return any(
            v is not None
            for v in (
                self.chart_type,
                self.horizontal,
                self.stacked,
                self.log_scale,
                self.show_values,
                self.trend_line,
                self.style,
                self.color,
                self.title,
                self.x_label,
                self.y_label,
                self.sort,
                self.limit,
            )
        )


def _num(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


_SAYS = r"\s*(?:to\b|as\b|should\s+be\b|=|:|is\b|-)?\s*"
_QUOTED = r"\"[^\"\n]{1,150}\"|'[^'\n]{1,150}'"
_LABEL_TEXT = _SAYS + r"(?P<t>" + _QUOTED + r"|[^\n;,\"]{1,150})"  # an axis label ends at a comma
_TITLE_TEXT = _SAYS + r"(?P<t>" + _QUOTED + r"|(?![,.?!])[^\n;\"]{1,150})"  # 'job title, …' is none

# (pattern, handler name); applied in order, each match removed from the text.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:label|call|name)\s+the\s+x[- ]?axis" + _LABEL_TEXT, re.I), "x_label"),
    (re.compile(r"\b(?:label|call|name)\s+the\s+y[- ]?axis" + _LABEL_TEXT, re.I), "y_label"),
    (
        re.compile(
            r"\b(?:make\s+it\s+|use\s+|in\s+)?(?P<s>colou?r[- ]?blind(?:[- ](?:friendly|"
            r"safe))?|gr[ae]yscale|black and white)\b(?:\s+(?:colou?rs|palette|style|theme|"
            r"mode))?",
            re.I,
        ),
        "style",
    ),
    (
        re.compile(r"\b(?:remove|no|without|hide|drop|delete)\s+(?:the\s+)?title\b", re.I),
        "no_title",
    ),
    (
        re.compile(
            r"\b(?:x|horizontal)[- ]?axis(?:[- ]?(?:label|title|name))?" + _LABEL_TEXT, re.I
        ),
        "x_label",
    ),
    (re.compile(r"\by[- ]?axis(?:[- ]?(?:label|title|name))?" + _LABEL_TEXT, re.I), "y_label"),
    (
        re.compile(r"\bvertical[- ]axis(?:[- ]?(?:label|title|name))?" + _LABEL_TEXT, re.I),
        "y_label",
    ),
    (re.compile(r"\b(?:x)[- ]?(?:label|title)" + _LABEL_TEXT, re.I), "x_label"),
    (re.compile(r"\b(?:y)[- ]?(?:label|title)" + _LABEL_TEXT, re.I), "y_label"),
    (
        re.compile(
            r"\b(?:(?:chart\s+|graph\s+)?title[sd]?|heading|headline|call\s+it|name\s+it|"
            r"rename\s+(?:it|the\s+chart)(?:\s+to)?)\b" + _TITLE_TEXT,
            re.I,
        ),
        "title",
    ),
    (
        re.compile(
            r"\b(?:no|without|remove|hide|drop)\s+(?:the\s+)?(?:trend\s*-?line|"
            r"line of best fit|regression line)s?\b",
            re.I,
        ),
        "no_trend",
    ),
    (
        re.compile(
            r"\b(?:with\s+|add\s+|show\s+|plus\s+|include\s+)?(?:an?\s+)?(?:trend\s*-?line|"
            r"line of best fit|regression line|best[- ]fit line)s?\b",
            re.I,
        ),
        "trend",
    ),
    (
        re.compile(
            r"\b(?:on\s+an?\s+)?(?:log(?:arithmic)?[- ]?(?:scale|axis|y(?:[- ]axis)?)|"
            r"logarithmic|logscale)\b",
            re.I,
        ),
        "log",
    ),
    (
        re.compile(
            r"\b(?:use\s+)?(?:an?\s+)?(?:linear[- ]?(?:scale|axis)|no\s+log(?:\s*scale)?)\b", re.I
        ),
        "no_log",
    ),
    (
        re.compile(
            r"\b(?:hide|remove|drop|no|without)\s+(?:the\s+)?(?:data\s+|value\s+)?(?:values|"
            r"numbers|labels|value labels|data labels|amounts|totals)\b",
            re.I,
        ),
        "no_values",
    ),
    (
        re.compile(
            r"\b(?:show(?:ing)?|add|with|display|include|put|print|write|"
            r"label)\s+(?:the\s+)?(?:data\s+|value\s+)?(?:values|numbers|value labels|"
            r"data labels|amounts|totals|labels)(?:\s+on\s+(?:the\s+|"
            r"each\s+|top(?:\s+of)?\s*)*(?:bars?|slices?|points?|it|them|columns?|chart)?)?\b",
            re.I,
        ),
        "values",
    ),
    (re.compile(r"\b(?:data|value)\s+labels\b", re.I), "values"),
    (
        re.compile(
            r"\b(?:horizontal(?:ly)?|sideways|barh|horiz|flip(?:ped)?(?:\s+(?:it|the\s+axes|"
            r"axes))?)\b(?:\s+(?:bars?|columns?))?" + _CHART,
            re.I,
        ),
        "horizontal",
    ),
    (
        re.compile(r"\bvertical(?:ly)?\b(?:\s+(?:bars?|columns?))?" + _CHART, re.I),
        "vertical",
    ),
    (
        re.compile(
            r"\b(?:un-?stack(?:ed)?|not\s+stacked|grouped|clustered|side[- ]by[- ]side|"
            r"dodged)\b(?:\s+(?:bars?|columns?))?" + _CHART,
            re.I,
        ),
        "unstacked",
    ),
    (
        re.compile(
            r"\b(?:stacked|stack(?:\s+(?:it|them|the\s+bars))?)\b(?:\s+(?P<k>bars?|columns?|"
            r"area|lines?))?" + _CHART,
            re.I,
        ),
        "stacked",
    ),
    (re.compile(r"\b(?:donut|doughnut|ring)" + _CHART + r"\b", re.I), "donut"),
    (re.compile(r"\bpie(?:s|chart)?" + _CHART + r"\b", re.I), "pie"),
    (re.compile(r"\b(?:scatter(?:plot|ed)?|xy|x-y|dot)" + _CHART + r"\b", re.I), "scatter"),
    (re.compile(r"\b(?:histogram|histo|hist)s?" + _CHART + r"\b", re.I), "histogram"),
    (
        re.compile(
            r"\barea(?:\s*(?:chart|graph|plot)s?)\b|\b(?:as|into|to)\s+(?:an?\s+)?area\b", re.I
        ),
        "area",
    ),
    (
        re.compile(
            r"\b(?:line(?:chart)?|lines)" + _CHART + r"\b(?!\s+(?:of best fit|items?))", re.I
        ),
        "line",
    ),
    (re.compile(r"\btrend(?:s|ing)?\b", re.I), "line"),
    (
        re.compile(
            r"\b(?:bar|bars|barchart|barplot)"
            + _CHART
            + r"\b|\b(?:column|columns)\s*(?:chart|graph|plot)s?\b|\b(?:as|in|into|to)\s+columns\b",
            re.I,
        ),
        "bar",
    ),
    (
        re.compile(
            r"\b(?:use\s+|in\s+|with\s+|apply\s+|switch\s+to\s+)?(?:an?\s+|the\s+)?"
            + _STYLE
            + r"\s+(?:style|theme|mode|palette|colou?rs|colou?r\s+scheme|look)\b",
            re.I,
        ),
        "style",
    ),
    (
        re.compile(
            r"\b(?:style|theme|palette)\s*(?:to|:|=|is|should be)?\s*" + _STYLE + r"\b", re.I
        ),
        "style",
    ),
    (
        re.compile(
            r"\bmake\s+it\s+(?:look\s+)?" + _STYLE + r"\b(?!\s*[-]?(?:" + "|".join(COLORS) + r"))",
            re.I,
        ),
        "style",
    ),
    (
        re.compile(
            r"\b(?:in|make\s+(?:it|them|the\s+\w+)|colou?r(?:ed)?(?:\s+(?:it|them|the\s+\w+))?|"
            r"use|with|change\s+(?:the\s+)?colou?r\s+to|paint\s+it)\s*:?\s+"
            + _COLOR
            + r"\b(?:\s+(?:bars?|lines?|colou?r|slices|points|dots))?",
            re.I,
        ),
        "color",
    ),
    (
        re.compile(_COLOR + r"\s+(?:bars?|lines?|colou?r|slices|points|dots|columns)\b", re.I),
        "color",
    ),
    (
        re.compile(r"\b" + _N + r"\s+(?:biggest|largest|highest|best|top|greatest|most)\b", re.I),
        "top",
    ),
    (
        re.compile(r"\b" + _N + r"\s+(?:smallest|lowest|worst|least|bottom)\b", re.I),
        "bottom",
    ),
    (
        re.compile(
            r"\b(?:top|first|best|highest|largest|biggest|leading|greatest)[- ]?"
            + _N
            + r"\b(?![.,]\d)(?!\s*(?:%|percent))",
            re.I,
        ),
        "top",
    ),
    (
        re.compile(
            r"(?<!at )\b(?:bottom|worst|lowest|smallest|least)[- ]?"
            + _N
            + r"\b(?![.,]\d)(?!\s*(?:%|percent))",
            re.I,
        ),
        "bottom",
    ),
    (
        re.compile(
            r"\blast\s+" + _N + r"\b(?!\s*(?:days?|weeks?|months?|quarters?|years?|yrs?)\b)", re.I
        ),
        "bottom",
    ),
    (
        re.compile(r"\b(?:unsorted|original\s+order|don'?t\s+sort|no\s+sort(?:ing)?)\b", re.I),
        "unsorted",
    ),
    (
        re.compile(
            r"\b(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?)?\s*(?:it\s+|them\s+)?(?:by\s+(?:name|"
            r"label)\s+)?(?:alphabetical(?:ly)?|a\s*-\s*z|a to z)\b|\b(?:sort(?:ed)?|"
            r"order(?:ed)?)\s+(?:it\s+|them\s+)?by\s+(?:name|label)\b",
            re.I,
        ),
        "alpha",
    ),
    (
        re.compile(
            r"\b(?:(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?|arrange[d]?)\s+(?:it\s+|them\s+|"
            r"the\s+\w+\s+)?(?:by\s+(?:value|"
            r"size)\s+)?(?:in\s+)?)?(?:asc(?:ending)?(?:\s+order)?|increasing(?:\s+order)?|"
            r"low(?:est)?\s+to\s+high(?:est)?|smallest\s+(?:to\s+largest|first)|"
            r"lowest\s+first)\b",
            re.I,
        ),
        "asc",
    ),
    (
        re.compile(
            r"\b(?:(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?|arrange[d]?)\s+(?:it\s+|them\s+|"
            r"the\s+\w+\s+)?(?:by\s+(?:value|"
            r"size)\s+)?(?:in\s+)?)?(?:desc(?:ending)?(?:\s+order)?|decreasing(?:\s+order)?|"
            r"high(?:est)?\s+to\s+low(?:est)?|(?:largest|biggest)\s+(?:to\s+smallest|first)|"
            r"highest\s+first)\b",
            re.I,
        ),
        "desc",
    ),
    (
        re.compile(r"\b(?:sort(?:ed)?|rank(?:ed)?|ranking)\b(?:\s+(?:it|them|the\s+bars))?", re.I),
        "desc",
    ),
    (
        re.compile(
            r"\b(?:in\s+|with\s+)?(?:bins?|buckets?)\s+(?:of\s+(?:width\s+|size\s+)?|"
            r"(?:width|size)\s*(?:of\s+)?[:=]?\s*)(?P<w>\d[\d,]*(?:\.\d+)?)\b"
            r"|\b(?:in\s+|with\s+)?(?P<v>\d[\d,]*(?:\.\d+)?)[- ]wide\s+(?:bins|buckets)\b",
            re.I,
        ),
        "bin_width",
    ),
    (
        re.compile(
            r"\b(?:in\s+|with\s+)?(?P<n>\d{1,3})\s+(?:bins|buckets)\b|\b(?:bins|"
            r"buckets)\s*[:=]?\s*(?P<m>\d{1,3})\b",
            re.I,
        ),
        "bins",
    ),
    (re.compile(r"\bmedian\b", re.I), "median"),
    (re.compile(r"\b(?:average|avg|mean|averaged|averages)\b(?:\s+of)?", re.I), "mean"),
    (
        re.compile(
            r"\b(?:sum(?:med)?|sums|total(?:s|led)?|add(?:ed)?\s+up|summ?ed\s+up)\b(?:\s+of)?", re.I
        ),
        "sum",
    ),
    (re.compile(r"\b(?:count(?:s|ed)?|tally|frequency|frequencies)\b(?:\s+of)?", re.I), "count"),
    (re.compile(r"\b(?:number|no\.|num|#)\s+of\b|\bhow\s+many\b", re.I), "number"),
    (re.compile(r"\b(?:minimum|min|lowest|smallest)\b(?:\s+of)?", re.I), "min"),
    (re.compile(r"\b(?:maximum|max|highest|largest|biggest|peak)\b(?:\s+of)?", re.I), "max"),
    (
        re.compile(r"\b(?:distribution|spread|histogram|frequency distribution)\b(?:\s+of)?", re.I),
        "distribution",
    ),
    (
        re.compile(
            r"\b(?:share|shares|proportion|proportions|percentages?|percent)\b(?:\s+of)?|"
            r"\b(?:breakdown|split|composition|makeup|make-up)\s+of\b|(?:\bwhat\s*)?%\s*of\b",
            re.I,
        ),
        "share",
    ),
]


_AS = (
    r"(?:\b(?:as|into|in|to|make\s+it(?:\s+into)?|turn\s+(?:it|this)\s+into|"
    r"change\s+(?:it\s+)?to|switch\s+to|show\s+(?:it\s+)?as|do)\s+(?:an?\s+)?)?"
)
_TYPE_KINDS = ("horizontal", "donut", "pie", "scatter", "histogram", "area", "line", "bar")


def _arrange(rules: list[tuple[re.Pattern[str], str]]) -> list[tuple[re.Pattern[str], str]]:
    """Chart-type words take a leading 'as a'/'make it a'; style and colour go before them."""
    wrapped = [
        (re.compile(_AS + "(?:" + p.pattern + ")", re.I), k) if k in _TYPE_KINDS else (p, k)
        for p, k in rules
    ]
    first = next(i for i, (_, k) in enumerate(wrapped) if k == "horizontal")
    looks = [r for r in wrapped if r[1] in ("style", "color")]
    rest = [r for r in wrapped if r[1] not in ("style", "color")]
    return rest[:first] + looks + rest[first:]


_RULES = _arrange(_RULES)
# Words that say what numbers are ('average temperature', 'market share', 'number of users'):
# over typed data they name the numbers the user gave, so the title keeps them.
NAMING = frozenset(["mean", "median", "sum", "min", "max", "count", "number", "share"])
ALL_BUT_NAMING = frozenset(k for _, k in _RULES) - NAMING


def _apply(mods: Modifiers, kind: str, m: re.Match[str]) -> None:
    groups = m.groupdict()
    if kind in ("title", "x_label", "y_label"):
        text = groups["t"].strip().strip("\"'").strip()
        if not text:
            return
        setattr(mods, kind, text)
        mods.found.append(f"{kind.replace('_', ' ')} “{text}”")
    elif kind == "no_title":
        mods.title = ""
    elif kind == "trend":
        mods.trend_line = True
    elif kind == "no_trend":
        mods.trend_line = False
    elif kind == "log":
        mods.log_scale = True
        mods.found.append("log scale")
    elif kind == "no_log":
        mods.log_scale = False
    elif kind == "values":
        mods.show_values = True
        mods.found.append("show values")
    elif kind == "no_values":
        mods.show_values = False
    elif kind == "horizontal":
        mods.horizontal = True
        mods.chart_type = mods.chart_type or ChartType.BAR
        mods.found.append("horizontal")
    elif kind == "vertical":
        mods.horizontal = False
    elif kind == "unstacked":
        mods.stacked = False
        mods.chart_type = mods.chart_type or ChartType.BAR
    elif kind == "stacked":
        mods.stacked = True
        k = (groups.get("k") or "").lower()
        if k:
            mods.chart_type = mods.chart_type or (
                ChartType.AREA if k.startswith(("area", "line")) else ChartType.BAR
            )
        mods.found.append("stacked")
    elif kind in ("donut", "pie", "scatter", "histogram", "area", "line", "bar"):
        if mods.chart_type is None or (mods.chart_type is ChartType.BAR and kind != "bar"):
            mods.chart_type = ChartType(kind)
            mods.found.append(f"a {kind} chart")
    elif kind == "style":
        mods.style = STYLE_WORDS.get(
            re.sub(r"[- ](?:friendly|safe)$", "", groups["s"].lower()), "default"
        )
        mods.found.append(f"{mods.style} style")
    elif kind == "color":
        color = groups["c"].lower().replace("grey", "gray")
        mods.color = re.sub(r"^(dark|light|pale|bright|deep)[ -]", r"\1", color)
        mods.found.append(f"colour {mods.color}")
    elif kind in ("top", "bottom"):
        mods.limit = _num(groups["n"])
        mods.sort = "desc" if kind == "top" else "asc"
        mods.found.append(f"{kind} {mods.limit}")
    elif kind in ("asc", "desc", "alpha"):
        mods.sort = mods.sort or kind
        mods.found.append(
            {"asc": "sorted ascending", "desc": "sorted descending"}.get(kind, "sorted A-Z")
        )
    elif kind == "unsorted":
        mods.sort = "none"
    elif kind == "bin_width":
        width = float((groups.get("w") or groups.get("v") or "0").replace(",", ""))
        if width > 0:
            mods.bin_width = width
            mods.found.append(f"bins of {groups.get('w') or groups.get('v')}")
        else:
            mods.problems.append("A bin width has to be more than 0.")
    elif kind == "bins":
        mods.bins = max(1, min(100, int(groups.get("n") or groups.get("m") or 10)))
    elif kind == "median":
        mods.problems.append("I can't take a median yet; average, sum, count, min and max work.")
    elif kind in ("mean", "sum", "min", "max"):
        if mods.aggregation is None:
            mods.aggregation = Aggregation(kind)
            mods.found.append({"mean": "average", "sum": "sum"}.get(kind, kind))
    elif kind in ("count", "number"):
        if mods.aggregation is None:
            mods.aggregation = Aggregation.COUNT
            mods.count_word = kind
            mods.found.append("count")
    elif kind == "distribution":
        mods.distribution = True
    elif kind == "share":
        mods.share = True


def _applier(mods: Modifiers, kind: str) -> Callable[[re.Match[str]], str]:
    """A replacement for ``re.sub``: apply the rule to ``mods``, leave a gap in the text."""

    def replace(m: re.Match[str]) -> str:
        _apply(mods, kind, m)
        return " "

    return replace


HEAD, TAIL = 2000, 1000  # in a very long message the request is at its start or end


# What a request says about the picture only; the rest (chart words, which may also say how to
# sort: 'by the bars'; sorting, aggregation, top N, axis labels that may name columns) is read
# again, with the table at hand, by ``intent.py``.
PRESENTATION = frozenset(
    """title no_title trend no_trend log no_log values no_values style color""".split()  # noqa: SIM905
)


def read_modifiers(
    text: str, *, protected: list[str] | None = None, kinds: frozenset[str] | None = None
) -> tuple[Modifiers, str]:
    """The modifiers in ``text`` and the text without them.

    ``protected`` holds phrases (column names such as "Product Line") that must survive intact
    even though they contain chart words. In a message longer than a few thousand characters
    only its first and last lines are searched; the middle is data and passes through.
    """
    if len(text) > 2 * (HEAD + TAIL):
        start = text.rfind("\n", 0, HEAD) + 1 or HEAD
        end = text.find("\n", len(text) - TAIL)
        end = len(text) - TAIL if end < 0 else end
        head_mods, head = read_modifiers(text[:start], protected=protected, kinds=kinds)
        tail_mods, tail = read_modifiers(text[end:], protected=protected, kinds=kinds)
        for name, value in vars(tail_mods).items():
            if value not in (None, False, []) and getattr(head_mods, name) in (None, False, []):
                setattr(head_mods, name, value)
        return head_mods, head + text[start:end] + tail
    mods = Modifiers()
    holders: dict[str, str] = {}
    formulas = {m.group(0) for m in _FORMULA.finditer(text)}  # text as typed, never read as words
    for i, phrase in enumerate(sorted([*(protected or []), *formulas], key=len, reverse=True)):
        pattern = re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.I)
        key = f"\x00{i}\x00"
        text, n = pattern.subn(f" {key} ", text)
        if n:
            holders[key] = phrase
    for pattern, kind in _RULES:
        if kinds is not None and kind not in kinds:
            continue
        if kind in ("top", "bottom") and mods.limit is not None:
            continue
        text = pattern.sub(_applier(mods, kind), text)
    for key, phrase in holders.items():
        text = text.replace(key, phrase)
    return mods, _RUNS.sub("  ", text)


_RUNS = re.compile(r" {3,}")
_FORMULA = re.compile(r"(?<![^\s,;])[=@][A-Za-z][^\s,;]{0,60}")
