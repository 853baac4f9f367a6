"""What Chartbot says when something goes wrong or a command is done: one place for the words."""

from __future__ import annotations

from bot.spec import STYLES

CHART_FAILED = (
    "Sorry, I couldn't draw that chart. Please try again; if it keeps failing, try a simpler "
    "request such as `bar chart of apples 3, pears 5`."
)
FILE_TOO_SLOW = (
    "Sorry, reading that file took too long or failed on my side. Please try again, or share a "
    "smaller file (for example just the sheet you need, saved as .xlsx or .csv)."
)
DELIVERY_FAILED = (
    "Sorry, Slack didn't accept my reply (the chart upload failed). Please ask again in a "
    "moment; if it keeps failing, check that I'm still a member of this channel."
)
NOTHING_TO_UNDO = "There is nothing to undo: this thread has no earlier chart to go back to."
NEW_CHAT_DONE = (
    "Done: I forgot this thread's conversation and its data. Mention me again to start a new chart."
)
NOT_A_PARTICIPANT = (
    "Only people who took part in this conversation can reset it. "
    "Mention me in a new message to start your own."
)
NOT_UNDERSTOOD = "Sorry, I didn't understand that. Say `help` to see what I can draw."
BUSY = "Sorry, something went wrong on my side. Please try again in a moment."

# What the thread shows while a request is worked on ("Chartbot is reading sales.xlsx…").
LOOKING = "looking at your message…"
WORKING_OUT = "working out the chart…"
NEW_THREAD_TOPIC = "New chart"


def reading_file(name: str) -> str:
    return f"reading {name}…"


def sending_chart(kind: str) -> str:
    return f"sending the {kind}…"


def file_topic(name: str) -> str:
    return f"Charts from {name}"


def cannot_draw(reason: str) -> str:
    return f"I couldn't draw that: {reason} Try `help` to see requests that work."


def unknown_style(style: str) -> str:
    return f"I don't know a style called “{style}”. Styles: {', '.join(STYLES)}."


def default_style_set(style: str) -> str:
    return (
        f"Got it: your charts will use the *{style}* style from now on, in this thread and in "
        "every new conversation you start."
    )


def thread_style_set(style: str) -> str:
    return f"This thread's charts will use the *{style}* style."


CLICK_SESSION_GONE = (
    "This conversation was reset, so I no longer have its charts. Mention me with your data "
    "to start a new one."
)
CLICK_CHART_GONE = (
    "I no longer have that chart (it is too far back in this conversation). Ask for it again, "
    "or use the buttons under a more recent chart."
)
_CLICKED = {"undo": "Undo", "data": "Data", "excel": "Excel", "png": "PNG"}


def clicked(button: str, title: str) -> str:
    """How a click is logged, as the words it stands for."""
    what = _CLICKED.get(button) or f"{button.capitalize()} chart"
    return f"Clicked “{what}” on the chart “{title}”" if title else f"Clicked “{what}”"


def workbook_sent(title: str) -> str:
    name = f"“{title}”" if title else "the chart"
    return (
        f"Here is {name} as an Excel workbook: the data on the sheet “Data” and a native chart "
        "you can restyle and edit in Excel, LibreOffice or Google Sheets."
    )


def image_sent(title: str) -> str:
    name = f"“{title}”" if title else "the chart"
    return f"Here is {name} as a PNG image, to download or share outside Slack."


def data_shown(title: str, rows: int, whole: bool, shown: int) -> str:
    name = f"“{title}”" if title else "the chart"
    head = f"The data of {name}: {rows:,} row{'s' if rows != 1 else ''}."
    if whole:
        head += f" The table shows the first {min(rows, shown):,}; the CSV file has all of it."
    return head
