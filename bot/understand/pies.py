"""A pie of a chart with several series: the series the message names, or the totals per label.

A pie holds one number per slice, so a chart of several series cannot simply become one. Keeping
the first series under the old title would show something the title does not say; instead the
user's words pick a series ("pie of 2024"), or the slices are the totals, and the title and a
one-line note say which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.spec import Series
from bot.understand.numbers import tidy
from bot.understand.records import InlineData


@dataclass(frozen=True)
class PieSeries:
    series: Series
    title: str
    note: str


def named_series(series: list[Series], text: str) -> Series | None:
    """The one series whose name the text says as a word ('pie of 2024', 'just costs')."""
    said = [s for s in series if _says(text, s.name)]
    return said[0] if len(said) == 1 else None


def pie_series(series: list[Series], title: str, text: str) -> PieSeries:
    """The single series a pie of ``series`` shows, with its title and a note saying so."""
    names = [s.name for s in series]
    joined = " vs ".join(names)
    chosen = named_series(series, text)
    if chosen is not None:
        others = " and ".join(f"“{n}”" for n in names if n != chosen.name)
        new_title = title.replace(joined, chosen.name) if joined in title else chosen.name
        return PieSeries(
            chosen, new_title, f"A pie shows one series: “{chosen.name}” ({others} left out)."
        )
    totals = [
        tidy(sum(v for v in column if v is not None))
        if any(v is not None for v in column)
        else None
        for column in zip(*(s.values for s in series), strict=False)
    ]
    listed = " and ".join(names)
    new_title = title.replace(joined, " + ".join(names)) if joined in title else ""
    if not re.search(r"[^\W\d_]{3}", new_title):  # '2023 + 2024' alone says too little
        new_title = f"{listed} combined"
    note = (
        f"A pie shows one series, so each slice is the total of {listed}; "
        f"say “pie of {names[0]}” for one of them."
    )
    return PieSeries(Series("Total", totals), new_title, note)


def _says(text: str, name: str) -> bool:
    name = name.strip()
    return (
        bool(name) and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.I) is not None
    )


def pie_data(data: InlineData, text: str) -> InlineData:
    """Inline data of several series asked for as a pie: one series, its title and note."""
    if len(data.series) < 2:
        return data
    title = data.leftover or " vs ".join(s.name for s in data.series)
    chosen = pie_series(data.series, title, text)
    data.series, data.leftover = [chosen.series], chosen.title
    data.notes.append(chosen.note)
    return data
