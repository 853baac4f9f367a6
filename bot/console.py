"""Local console mode: one line is one message in a local thread, no Slack account needed.

``:upload PATH`` shares a file, ``:newchat`` resets the thread, ``:thread NAME`` switches threads,
``:data`` prints the thread's current chart's data, ``:xlsx`` writes it as an Excel file with a
native chart, ``:quit`` leaves. Charts and files are written under ``./charts/`` and announced as
``chart: PATH`` and ``xlsx: PATH``. Reads a pipe as well as a terminal, so it can be scripted.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.conversation import Message, Reply, _chart_stack
from bot.export import chart_workbook, data_table, workbook_filename
from bot.intake import FileRef, Limits
from bot.services import Services
from bot.spec import ChartSpec
from handlers.outbox import chart_filename

HELP = (
    "Chartbot local console. Type a request (e.g. `bar chart of apples 3, pears 5`), or "
    ":upload PATH, :data, :xlsx, :newchat, :thread NAME, :quit."
)
NO_CHART_YET = (
    "There's no chart in this thread yet: ask for one first (e.g. `bar chart of a 1, b 2`), "
    "then :data or :xlsx."
)


# A mention typed out of habit ("@chartbot make it a pie"): in Slack it arrives as markup that
# the parser drops; here it is plain text, so it is dropped before the line becomes a message.
_TYPED_MENTION = re.compile(r"^@chartbot\b[:,]?\s*", re.I)


def local_key(thread: str) -> str:
    return f"local:console:{thread}"


class ConsoleOutbox:
    def __init__(self, out: TextIO, charts_dir: Path) -> None:
        self.out, self.charts_dir = out, charts_dir

    async def fetch(self, ref: FileRef, limits: Limits) -> bytes:
        return await asyncio.to_thread(Path(ref.url or "").read_bytes)

    async def post(self, reply: Reply) -> str | None:
        prefix = "⚠️ " if reply.failed else ""
        print(prefix + reply.text, file=self.out, flush=True)
        if reply.chart is None:
            return None
        await self.write("chart", chart_filename(reply.chart.title), reply.chart.png)
        return None

    async def write(self, kind: str, name: str, data: bytes) -> None:
        """Write a file under the charts directory and announce it as ``KIND: PATH``."""
        self.charts_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        unique = f"{stamp}-{time.monotonic_ns() % 10**6:06d}"
        path = self.charts_dir / f"{unique}-{name}"
        await asyncio.to_thread(path.write_bytes, data)
        print(f"{kind}: {path}", file=self.out, flush=True)


async def current_chart(services: Services, key: str) -> ChartSpec | None:
    """The thread's chart as the conversation sees it (the last one, undo taken into account)."""
    session = await services.storage.get(key)
    stack = _chart_stack(session) if session is not None else []
    return stack[-1] if stack else None


async def export(services: Services, outbox: ConsoleOutbox, key: str, command: str) -> None:
    """``:data`` prints the current chart's data; ``:xlsx`` writes it as an Excel workbook."""
    spec = await current_chart(services, key)
    if spec is None:
        print(NO_CHART_YET, file=outbox.out, flush=True)
    elif command == ":data":
        print(data_table(spec).text(), file=outbox.out, flush=True)
    else:
        data = await asyncio.to_thread(chart_workbook, spec)
        await outbox.write("xlsx", workbook_filename(spec), data)


def local_file(name: str) -> FileRef | None:
    """A local file shared as if uploaded; its id is stable for the same path."""
    path = Path(name).expanduser()
    if not path.is_file():
        return None
    file_id = "L" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10].upper()
    return FileRef(file_id, path.name, path.stat().st_size, str(path))


async def run_console(
    services: Services,
    *,
    lines: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    user: str = "local-user",
    charts_dir: Path = Path("charts"),
) -> None:
    outbox = ConsoleOutbox(out, charts_dir)
    thread = "main"
    if lines.isatty():
        print(HELP, file=out, flush=True)
    while True:
        line = await asyncio.to_thread(lines.readline)
        if not line:
            break
        line = _TYPED_MENTION.sub("", line.strip())
        if not line:
            continue
        command, _, arg = line.partition(" ")
        files: list[FileRef] = []
        if command == ":quit":
            break
        if command == ":thread":
            thread = arg.strip() or "main"
            print(f"thread: {thread}", file=out, flush=True)
            continue
        if command == ":newchat":
            deleted = await services.storage.delete(local_key(thread))
            print("Started a new chat." if deleted else "Nothing to reset.", file=out, flush=True)
            continue
        if command in (":data", ":xlsx"):
            await export(services, outbox, local_key(thread), command)
            continue
        if command == ":upload":
            ref = local_file(arg.strip())
            if ref is None:
                print(f"No such file: {arg.strip()}", file=out, flush=True)
                continue
            files, line = [ref], ""
        message = Message(local_key(thread), user, line, f"{time.time():.6f}", files)
        await services.chartbot.handle(message, outbox)  # one line at a time: already in order
