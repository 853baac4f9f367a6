"""The conversation core: one user message in, replies out, everything logged (PRODUCT.md §3-§5).

It knows nothing of Slack. A caller hands it a ``Message`` and an ``Outbox`` (how to fetch a shared
file and how to post a reply); the Slack handlers and the local console each provide one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from bot import texts
from bot.actions import DATA, EXCEL, PNG, UNDO, Action, Controls, click_generation
from bot.export import (
    DataTable,
    chart_workbook,
    csv_filename,
    png_filename,
    workbook_filename,
)
from bot.intake import FileRef, IntakeError, Limits, check_before_download
from bot.jobs import (
    Answer,
    Drawn,
    Read,
    chart_data,
    draw,
    draw_as,
    read_file,
    understand_and_draw,
)
from bot.render.describe import kind_name
from bot.spec import STYLES, ChartSpec, SpecError
from bot.understand import Command, Context, NotUnderstood, wanted_file
from bot.understand.answers import starter_requests
from bot.workers import WorkerError, WorkerPool
from storage.base import Session, Storage, isoformat, utcnow

log = logging.getLogger(__name__)

# Entries loaded per request: enough for edits and undo, and bounded for very long threads.
HISTORY_WINDOW = 200
LOGGED_TEXT_LIMIT = 4000  # PRODUCT.md §4: what is logged may be cut to the first 4,000 characters
TABLE_ROWS = 99  # a data table shows this many rows under its header (a table holds 100)
TABLE_CELLS = 20  # and this many columns: the labels and the first 19 series


@dataclass
class Message:
    """A user's message, whatever surface it came from."""

    key: str
    user_id: str
    text: str
    ts: str
    files: list[FileRef] = field(default_factory=list)
    event_id: str | None = None


Exchange = Callable[[str | None], list[dict[str, Any]]]  # file id → the entries to log


@dataclass
class Attachment:
    """A file a reply carries (an Excel workbook, the whole data as CSV, a chart's PNG)."""

    filename: str
    data: bytes
    title: str
    alt_text: str | None = None  # an image's description, for screen readers


@dataclass
class Reply:
    text: str
    chart: Drawn | None = None
    failed: bool = False  # shown to the user as a warning (⚠️)
    native: bool = False  # the chart went out as one the chat service draws, not as the PNG
    controls: Controls | None = None  # a chart's buttons
    table: DataTable | None = None  # a chart's data, shown as a table (its first TABLE_ROWS)
    attachment: Attachment | None = None  # a file, posted after the text (or table)
    private: bool = False  # shown only to the person who asked, and not logged
    # The history entries this reply completes (given the chart's file id): an outbox that can
    # be stopped mid-reply keeps them with the reply's identity, so whoever finds the reply in
    # the thread after a crash logs them (``Chartbot.log_found``).
    exchange: Exchange | None = field(default=None, repr=False, compare=False)


class DeliveryError(Exception):
    """An outbox could not deliver a reply (the chat service refused it or timed out)."""


class Outbox(Protocol):
    async def fetch(self, ref: FileRef, limits: Limits) -> bytes: ...

    async def post(self, reply: Reply) -> str | None:
        """Post into the message's thread; return the uploaded chart's file id, if any.
        Raises DeliveryError when the reply could not be delivered."""

    async def progress(self, doing: str) -> None:
        """Show what is being done ("reading sales.xlsx…") until the next reply. A courtesy:
        never raises, never delays the answer for long."""

    async def suggest(self, requests: list[str], topic: str) -> None:
        """Offer requests that would work next in this thread, under a topic naming what it is
        about. A courtesy, where the surface has room for it: never raises."""


class Chartbot:
    def __init__(self, storage: Storage, pool: WorkerPool, limits: Limits) -> None:
        self.storage = storage
        self.pool = pool
        self.limits = limits

    async def begin(self, msg: Message) -> None:
        """Open the thread's session as soon as a message is accepted, so follow-ups sent while
        it is being answered already count as part of the conversation."""
        if await self.storage.get(msg.key, history_limit=0) is None:
            await self.storage.get_or_create(msg.key, user_id=msg.user_id)

    async def handle(self, msg: Message, outbox: Outbox) -> list[Reply]:
        """Answer one message in its thread; the caller serialises messages of one thread."""
        session = await self.storage.get(msg.key, history_limit=HISTORY_WINDOW)
        if session is None:
            session, _ = await self.storage.get_or_create(msg.key, user_id=msg.user_id)
        turn = _Turn(self, session, msg, outbox)
        for ref in msg.files:
            await turn.take_file(ref)
        text = msg.text.strip()
        if text or not msg.files:
            await turn.answer(text)
        return turn.replies

    async def act(self, action: Action, outbox: Outbox) -> list[Reply]:
        """Answer a click on one of a chart's buttons, on that chart, like the typed request
        it stands for; the caller serialises it with the thread's messages. A click in a thread
        whose conversation was deleted, or on a chart no longer in it, gets a private note."""
        session = await self.storage.get(action.key, history_limit=HISTORY_WINDOW)
        if session is None:
            return [await _note(outbox, texts.CLICK_SESSION_GONE)]
        turn = _Turn(self, session, action, outbox)
        await turn.click(action)
        return turn.replies

    async def click_generation(self, action: Action) -> int | None:
        """Which click of its button on its chart ``action`` is (see ``click_generation``);
        None for the second half of a double click already answered."""
        session = await self.storage.get(action.key, history_limit=HISTORY_WINDOW)
        history = session.chat_history if session is not None else []
        return click_generation(history, action.chart_id, action.button, action.ts)

    async def log_found(self, key: str, user_id: str, entries: list[dict[str, Any]]) -> bool:
        """Log the exchange of a reply found in its thread after a crash, unless the process
        that posted it had logged it already. True if logged now."""
        ts = entries[0]["metadata"].get("ts")
        session = await self.storage.get(key, history_limit=HISTORY_WINDOW)
        if session is None or any(
            m["role"] == "user" and m["metadata"].get("ts") == ts for m in session.chat_history
        ):
            return False
        return await self.storage.append(key, *entries, user_id=user_id)


class _Turn:
    """One message being answered: keeps the session view current as replies are logged."""

    def __init__(
        self, bot: Chartbot, session: Session, msg: Message | Action, outbox: Outbox
    ) -> None:
        self.bot, self.session, self.msg, self.outbox = bot, session, msg, outbox
        self.replies: list[Reply] = []

    # --- files ---------------------------------------------------------------------------
    async def take_file(self, ref: FileRef) -> None:
        user_entry = _entry(
            "user",
            f"Uploaded {_kind_of_file(ref.name)} file: {ref.name}",
            "file_upload",
            filename=ref.name,
            file_size=ref.size,
            file_id=ref.id,
            user_id=self.msg.user_id,
            ts=self.msg.ts,
        )
        try:
            check_before_download(ref, self.bot.limits)
            await self.outbox.progress(texts.reading_file(ref.name))
            data = await self.outbox.fetch(ref, self.bot.limits)
            read: Read = await self.bot.pool.run(read_file, ref.id, ref.name, data, self.bot.limits)
        except IntakeError as exc:
            log.info("refused file %s (%s) event=%s", ref.id, exc.code, self.msg.event_id)
            await self._reply(Reply(exc.user_message, failed=True), user_entry, "error")
            return
        except WorkerError:
            log.exception("reading file %s failed event=%s", ref.id, self.msg.event_id)
            await self._reply(Reply(texts.FILE_TOO_SLOW, failed=True), user_entry, "error")
            return
        await self.bot.storage.put_dataset(self.msg.key, ref.id, read.data)
        user_entry["metadata"]["sheets"] = read.sheets
        await self._reply(Reply(read.summary), user_entry, "file_summary", active_dataset=ref.id)
        self.session.active_dataset = ref.id
        await self.outbox.suggest(read.examples or starter_requests(), texts.file_topic(ref.name))

    # --- text ----------------------------------------------------------------------------
    async def answer(self, text: str) -> None:
        logged = text[:LOGGED_TEXT_LIMIT]
        user_entry = _entry(
            "user", logged, "chart_request", user_id=self.msg.user_id, ts=self.msg.ts
        )
        if len(text) > LOGGED_TEXT_LIMIT:
            user_entry["metadata"]["truncated"] = True
        ctx, dataset = await self._context(text)
        await self.outbox.progress(texts.WORKING_OUT)
        try:
            outcome = await self.bot.pool.run(understand_and_draw, text, ctx, dataset)
            await self._answer(outcome, user_entry)
        except SpecError as exc:  # data that cannot be drawn; the message is meant for people
            await self._reply(Reply(texts.cannot_draw(str(exc)), failed=True), user_entry, "error")
        except WorkerError:
            log.exception("request failed event=%s", self.msg.event_id)
            await self._reply(Reply(texts.CHART_FAILED, failed=True), user_entry, "error")

    async def _answer(self, outcome: object, user_entry: dict[str, Any]) -> None:
        if isinstance(outcome, Drawn):
            await self._chart(outcome, user_entry)
        elif isinstance(outcome, Answer):
            user_entry["metadata"].update(type="command", command=outcome.command)
            await self._reply(Reply(outcome.text), user_entry, "text")
        elif isinstance(outcome, Command):
            user_entry["metadata"].update(type="command", command=outcome.name)
            await self._command(outcome, user_entry)
        else:
            assert isinstance(outcome, NotUnderstood)
            await self._reply(Reply(outcome.message), user_entry, "text")

    async def _context(self, text: str) -> tuple[Context, bytes | None]:
        files = _files(self.session)
        dataset_id = self.session.active_dataset
        named = wanted_file(text, list(files))
        if named:
            dataset_id = files[named]
        dataset = None
        if dataset_id:
            dataset = await self.bot.storage.get_dataset(self.msg.key, dataset_id)
        stack = chart_stack(self.session)
        previous = stack[-1] if stack else None
        return Context(None, previous, self.session.style, list(files)), dataset

    async def _chart(self, drawn: Drawn, user_entry: dict[str, Any], **meta: Any) -> None:
        text = " ".join([drawn.comment, *drawn.notes])
        await self.outbox.progress(texts.sending_chart(kind_name(drawn.spec).lower()))
        await self._reply(Reply(text, chart=drawn), user_entry, "chart", meta=meta)

    async def _command(self, cmd: Command, user_entry: dict[str, Any]) -> None:
        if cmd.name == "undo":
            stack = chart_stack(self.session)
            if len(stack) < 2:
                await self._reply(Reply(texts.NOTHING_TO_UNDO), user_entry, "text")
                return
            drawn = await self.bot.pool.run(draw, stack[-2])
            await self._chart(drawn, user_entry, undo=True)
        elif cmd.name == "new_chat":
            if self.msg.user_id not in self.session.participants:
                # Logged, but asking does not make them a participant who could then reset.
                await self._reply(Reply(texts.NOT_A_PARTICIPANT), user_entry, "text", join=False)
                return
            await self.bot.storage.delete(self.msg.key)
            self.replies.append(Reply(texts.NEW_CHAT_DONE))
            try:
                await self.outbox.post(self.replies[-1])
            except DeliveryError:
                log.warning("could not confirm a reset event=%s", self.msg.event_id)
        elif cmd.name in ("set_default_style", "set_style"):
            await self._style(cmd, user_entry)
        else:
            await self._reply(Reply(texts.NOT_UNDERSTOOD), user_entry, "text")

    async def _style(self, cmd: Command, user_entry: dict[str, Any]) -> None:
        style = (cmd.argument or "").lower()
        if style not in STYLES:
            await self._reply(Reply(texts.unknown_style(style)), user_entry, "text")
            return
        if cmd.name == "set_default_style":
            team = self.msg.key.split(":", 1)[0]
            await self.bot.storage.set_preferences(team, self.msg.user_id, style=style)
            text = texts.default_style_set(style)
        else:
            text = texts.thread_style_set(style)
        self.session.style = style
        await self._reply(Reply(text), user_entry, "text", style=style)

    # --- clicks --------------------------------------------------------------------------
    async def click(self, action: Action) -> None:
        found = _chart_entry(self.session, action.chart_id)
        if found is None:
            self.replies.append(await _note(self.outbox, texts.CLICK_CHART_GONE))
            return
        spec = ChartSpec.from_dict(found["spec"])
        user_entry = _entry(
            "user",
            texts.clicked(action.button, found.get("title") or spec.title),
            "action",
            button=action.button,
            chart_id=action.chart_id,
            user_id=self.msg.user_id,
            ts=self.msg.ts,
        )
        try:
            if action.button == UNDO:
                await self._undo_from(action.chart_id, user_entry)
            elif action.button == DATA:
                await self._data(spec, user_entry, action.chart_id)
            elif action.button == EXCEL:
                workbook = await self.bot.pool.run(chart_workbook, spec)
                file = Attachment(workbook_filename(spec), workbook, spec.title or "Chart")
                await self._file(texts.workbook_sent(spec.title), file, user_entry, action.chart_id)
            elif action.button == PNG:  # the chart drawn as an image, not a new chart
                drawn = await self.bot.pool.run(draw, spec)
                file = Attachment(png_filename(spec), drawn.png, drawn.title, drawn.alt_text)
                await self._file(texts.image_sent(spec.title), file, user_entry, action.chart_id)
            else:  # a chart type: the edit typed "make it a pie" makes
                await self._chart(await self.bot.pool.run(draw_as, spec, action.button), user_entry)
        except SpecError as exc:
            await self._reply(Reply(texts.cannot_draw(str(exc)), failed=True), user_entry, "error")
        except WorkerError:
            log.exception("click failed event=%s", self.msg.event_id)
            await self._reply(Reply(texts.CHART_FAILED, failed=True), user_entry, "error")

    async def _undo_from(self, chart_id: str, user_entry: dict[str, Any]) -> None:
        """Back to the chart before the clicked one. On the thread's latest chart that is the
        typed "undo"; on an older one, its predecessor is drawn again as a new chart."""
        then = _stack_entries(self.session, until=chart_id)
        if len(then) < 2:
            await self._reply(Reply(texts.NOTHING_TO_UNDO), user_entry, "text")
            return
        latest = _stack_entries(self.session)[-1]["chart_id"] == chart_id
        drawn = await self.bot.pool.run(draw, ChartSpec.from_dict(then[-2]["spec"]))
        meta = {"undo": True} if latest else {"undo_of": chart_id}
        await self._chart(drawn, user_entry, **meta)

    async def _file(
        self, text: str, file: Attachment, user_entry: dict[str, Any], chart_id: str
    ) -> None:
        """A file made from the clicked chart, logged as the answer for that chart."""
        await self._reply(
            Reply(text, attachment=file), user_entry, "text", meta={"for_chart": chart_id}
        )

    async def _data(self, spec: ChartSpec, user_entry: dict[str, Any], chart_id: str) -> None:
        table, csv = await self.bot.pool.run(chart_data, spec, TABLE_ROWS, TABLE_CELLS)
        title = f"{spec.title or 'Chart'} (data)"
        whole = Attachment(csv_filename(spec), csv, title) if csv is not None else None
        reply = Reply(
            texts.data_shown(spec.title, len(table.rows), whole is not None, TABLE_ROWS),
            table=table,
            attachment=whole,
        )
        meta = {"for_chart": chart_id, "rows": len(table.rows)}
        await self._reply(reply, user_entry, "text", meta=meta)

    # --- logging -------------------------------------------------------------------------
    async def _reply(
        self,
        reply: Reply,
        user_entry: dict[str, Any],
        kind: str,
        join: bool = True,
        meta: dict[str, Any] | None = None,
        **updates: Any,
    ) -> None:
        """Post a reply, then log the request and its one answer together. A chart gets its
        id now, so its buttons name the chart that is logged."""
        meta = dict(meta or {})
        if reply.chart is not None:
            meta["chart_id"] = uuid.uuid4().hex[:12]
            undo = bool(meta.get("undo"))
            reply.controls = Controls(
                meta["chart_id"], tuple(reply.chart.types), self._can_undo_after(undo)
            )
        reply.exchange = exchange = partial(_exchange, user_entry, reply, kind, meta)
        try:
            file_id = await self.outbox.post(reply)
        except DeliveryError:
            log.warning("could not post a reply event=%s", self.msg.event_id, exc_info=True)
            reply, kind, updates, file_id = (
                Reply(texts.DELIVERY_FAILED, failed=True),
                "error",
                {},
                None,
            )
            reply.exchange = exchange = partial(_exchange, user_entry, reply, kind, {})
            try:
                await self.outbox.post(reply)
            except DeliveryError:
                log.error("could not post the apology either event=%s", self.msg.event_id)
        self.replies.append(reply)
        entries = exchange(file_id)
        await self.bot.storage.append(
            self.msg.key, *entries, user_id=self.msg.user_id if join else None, **updates
        )
        self.session.chat_history += entries

    def _can_undo_after(self, undo: bool) -> bool:
        """Whether undo will have a chart to go back to once this chart is logged."""
        depth = len(_stack_entries(self.session))
        return (max(depth - 1, 1) if undo else depth + 1) >= 2  # an undo pops, a chart pushes


async def _note(outbox: Outbox, text: str) -> Reply:
    """A private note to the person who clicked (nothing is logged: there is no request)."""
    reply = Reply(text, private=True)
    try:
        await outbox.post(reply)
    except DeliveryError:
        log.warning("could not post a private note", exc_info=True)
    return reply


def _kind_of_file(name: str) -> str:
    return "CSV" if name.lower().endswith(".csv") else "Excel"


def _entry(role: str, content: str, kind: str, **metadata: Any) -> dict[str, Any]:
    meta = {"type": kind, **{k: v for k, v in metadata.items() if v is not None}}
    return {"role": role, "content": content, "timestamp": isoformat(utcnow()), "metadata": meta}


def _exchange(
    user_entry: dict[str, Any],
    reply: Reply,
    kind: str,
    extra: dict[str, Any],
    file_id: str | None,
) -> list[dict[str, Any]]:
    """The request and the reply that answers it, as logged (a ``Reply.exchange``)."""
    meta = dict(extra)
    if reply.chart:
        meta = {**_chart_metadata(reply.chart.spec, file_id, native=reply.native), **extra}
    elif file_id:
        meta["slack_file_id"] = file_id
    return [user_entry, _entry("assistant", reply.text, kind, **meta)]


def _chart_metadata(spec: ChartSpec, file_id: str | None, *, native: bool) -> dict[str, Any]:
    data = spec.to_dict()
    meta = {
        "chart_type": data["chart_type"],
        "title": spec.title,
        "x_labels": data["x_labels"],
        "y_values": data["y_values"],
        "series": data["series"],
        "source": spec.source,
        "format": "native" if native else "image",
        "spec": data,
    }
    if spec.source == "file":
        meta.update(source_file=spec.source_file, sheet=spec.sheet)
    if file_id:
        meta["slack_file_id"] = file_id
    return meta


def chart_stack(session: Session) -> list[ChartSpec]:
    """The thread's charts as undo sees them: each chart pushes, each undo pops."""
    return [ChartSpec.from_dict(meta["spec"]) for meta in _stack_entries(session)]


def _stack_entries(session: Session, until: str | None = None) -> list[dict[str, Any]]:
    """The logged charts' metadata as undo sees them (each chart pushes, each undo pops and
    the chart it drew stands for the one it went back to), up to chart ``until`` if given."""
    stack: list[dict[str, Any]] = []
    for meta in _charts(session):
        if meta.get("undo"):
            if len(stack) > 1:
                stack.pop()
            stack[-1:] = [meta]
        else:
            stack.append(meta)
        if meta.get("chart_id") == until:
            break
    return stack


def _charts(session: Session) -> list[dict[str, Any]]:
    return [
        item["metadata"]
        for item in session.chat_history
        if item.get("role") == "assistant"
        and item.get("metadata", {}).get("type") == "chart"
        and "spec" in item["metadata"]
    ]


def _chart_entry(session: Session, chart_id: str) -> dict[str, Any] | None:
    return next((meta for meta in _charts(session) if meta.get("chart_id") == chart_id), None)


def _files(session: Session) -> dict[str, str]:
    """Filename → dataset id of the files read in this thread (latest wins)."""
    files: dict[str, str] = {}
    for item in session.chat_history:
        meta = item.get("metadata", {})
        if meta.get("type") == "file_upload" and meta.get("sheets") is not None:
            files[meta["filename"]] = meta["file_id"]
    return files
