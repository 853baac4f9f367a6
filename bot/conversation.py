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
from bot.intake import FileRef, IntakeError, Limits, check_before_download
from bot.jobs import Answer, Drawn, Read, draw, read_file, understand_and_draw
from bot.spec import STYLES, ChartSpec, SpecError
from bot.understand import Command, Context, NotUnderstood, wanted_file
from bot.workers import WorkerError, WorkerPool
from storage.base import Session, Storage, isoformat, utcnow

log = logging.getLogger(__name__)

# Entries loaded per request: enough for edits and undo, and bounded for very long threads.
HISTORY_WINDOW = 200
LOGGED_TEXT_LIMIT = 4000  # PRODUCT.md §4: what is logged may be cut to the first 4,000 characters


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
class Reply:
    text: str
    chart: Drawn | None = None
    failed: bool = False  # shown to the user as a warning (⚠️)
    native: bool = False  # the chart went out as one the chat service draws, not as the PNG
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

    def __init__(self, bot: Chartbot, session: Session, msg: Message, outbox: Outbox) -> None:
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

    # --- text ----------------------------------------------------------------------------
    async def answer(self, text: str) -> None:
        logged = text[:LOGGED_TEXT_LIMIT]
        user_entry = _entry(
            "user", logged, "chart_request", user_id=self.msg.user_id, ts=self.msg.ts
        )
        if len(text) > LOGGED_TEXT_LIMIT:
            user_entry["metadata"]["truncated"] = True
        ctx, dataset = await self._context(text)
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
        stack = _chart_stack(self.session)
        previous = stack[-1] if stack else None
        return Context(None, previous, self.session.style, list(files)), dataset

    async def _chart(self, drawn: Drawn, user_entry: dict[str, Any], **meta: Any) -> None:
        text = " ".join([drawn.comment, *drawn.notes])
        await self._reply(Reply(text, chart=drawn), user_entry, "chart", **meta)

    async def _command(self, cmd: Command, user_entry: dict[str, Any]) -> None:
        if cmd.name == "undo":
            stack = _chart_stack(self.session)
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

    # --- logging -------------------------------------------------------------------------
    async def _reply(
        self, reply: Reply, user_entry: dict[str, Any], kind: str, join: bool = True, **updates: Any
    ) -> None:
        """Post a reply, then log the request and its one answer together."""
        undo = updates.pop("undo", False)
        reply.exchange = partial(_exchange, user_entry, reply, kind, undo)
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
            reply.exchange = partial(_exchange, user_entry, reply, kind, undo)
            try:
                await self.outbox.post(reply)
            except DeliveryError:
                log.error("could not post the apology either event=%s", self.msg.event_id)
        self.replies.append(reply)
        entries = reply.exchange(file_id)
        await self.bot.storage.append(
            self.msg.key, *entries, user_id=self.msg.user_id if join else None, **updates
        )
        self.session.chat_history += entries


def _kind_of_file(name: str) -> str:
    return "CSV" if name.lower().endswith(".csv") else "Excel"


def _entry(role: str, content: str, kind: str, **metadata: Any) -> dict[str, Any]:
    meta = {"type": kind, **{k: v for k, v in metadata.items() if v is not None}}
    return {"role": role, "content": content, "timestamp": isoformat(utcnow()), "metadata": meta}


def _exchange(
    user_entry: dict[str, Any], reply: Reply, kind: str, undo: bool, file_id: str | None
) -> list[dict[str, Any]]:
    """The request and the reply that answers it, as logged (a ``Reply.exchange``)."""
    meta: dict[str, Any] = {}
    if reply.chart:
        meta = _chart_metadata(reply.chart.spec, file_id, native=reply.native)
        if undo:
            meta["undo"] = True
    return [user_entry, _entry("assistant", reply.text, kind, **meta)]


def _chart_metadata(spec: ChartSpec, file_id: str | None, *, native: bool) -> dict[str, Any]:
    data = spec.to_dict()
    meta = {
        "chart_id": uuid.uuid4().hex[:12],
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


def _chart_stack(session: Session) -> list[ChartSpec]:
    """The thread's charts as undo sees them: each chart pushes, each undo pops."""
    stack: list[ChartSpec] = []
    for item in session.chat_history:
        meta = item.get("metadata", {})
        if item.get("role") != "assistant" or meta.get("type") != "chart" or "spec" not in meta:
            continue
        if meta.get("undo"):
            stack.pop() if len(stack) > 1 else None
        else:
            stack.append(ChartSpec.from_dict(meta["spec"]))
    return stack


def _files(session: Session) -> dict[str, str]:
    """Filename → dataset id of the files read in this thread (latest wins)."""
    files: dict[str, str] = {}
    for item in session.chat_history:
        meta = item.get("metadata", {})
        if meta.get("type") == "file_upload" and meta.get("sheets") is not None:
            files[meta["filename"]] = meta["file_id"]
    return files
