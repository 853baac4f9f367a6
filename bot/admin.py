"""``python -m bot sessions list|show|delete|purge``: look at and delete stored sessions.

Works on either backend while the bot runs on the same storage: it opens the storage without the
bot's exclusive directory lock (reads never wait; deletions take the same per-session locks).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import orjson

from bot.durations import parse_duration
from storage import open_storage
from storage.base import SESSION_FIELDS, Session, Storage, StorageError


def _duration(text: str) -> dt.timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_sessions_parser(subparsers: Any) -> None:
    """Add ``sessions`` with its actions to the entry point's sub-commands."""
    sessions = subparsers.add_parser("sessions", help="list, show, delete or purge sessions")
    actions = sessions.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="sessions as JSON lines, most recently used first")
    listing.add_argument("--user", help="only sessions this user took part in")
    listing.add_argument("--channel", help="only sessions in this channel")
    listing.add_argument("--team", help="only sessions in this team")
    show = actions.add_parser("show", help="one session document as JSON (exit 1 if absent)")
    show.add_argument("key", help="TEAM:CHANNEL:THREAD_TS")
    delete = actions.add_parser("delete", help="delete one session with its datasets")
    delete.add_argument("key", help="TEAM:CHANNEL:THREAD_TS")
    purge = actions.add_parser("purge", help="delete sessions unused for a while")
    purge.add_argument(
        "--older-than", type=_duration, required=True, metavar="DURATION", help="e.g. 24h or 7d"
    )


def document(session: Session) -> dict[str, Any]:
    """The §5 document in its documented field order; unknown fields before the history."""
    doc = session.to_dict()
    known = {name: doc[name] for name in SESSION_FIELDS if name != "chat_history"}
    return {**known, **session.extra, "chat_history": doc["chat_history"]}


def _line(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _list(storage: Storage, args: argparse.Namespace) -> int:
    for summary in await storage.list(user=args.user, team=args.team, channel=args.channel):
        fields = ("key", "started_by", "created_at", "last_used", "message_count")
        print(_line({name: getattr(summary, name) for name in fields}))
    return 0


async def _show(storage: Storage, args: argparse.Namespace) -> int:
    session = await storage.get(args.key)
    if session is None:
        print(f"no session {args.key}", file=sys.stderr)
        return 1
    print(orjson.dumps(document(session), option=orjson.OPT_INDENT_2).decode())
    return 0


async def _delete(storage: Storage, args: argparse.Namespace) -> int:
    if not await storage.delete(args.key):
        print(f"no session {args.key}", file=sys.stderr)
        return 1
    print(_line({"deleted": args.key}))
    return 0


async def _purge(storage: Storage, args: argparse.Namespace) -> int:
    deleted = await storage.purge(args.older_than)
    for key in deleted:
        print(_line({"deleted": key}))
    print(f"purged {len(deleted)} session(s)", file=sys.stderr)
    return 0


_ACTIONS = {"list": _list, "show": _show, "delete": _delete, "purge": _purge}


async def run_sessions(
    args: argparse.Namespace,
    storage_url: str,
    *,
    session_ttl: dt.timedelta,
    max_sessions_per_user: int,
) -> int:
    """Run one ``sessions`` action; the exit code (1: absent session or unusable storage)."""
    try:
        storage = await open_storage(
            storage_url,
            session_ttl=session_ttl,
            max_sessions_per_user=max_sessions_per_user,
            exclusive=False,
        )
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return await _ACTIONS[args.sessions_command](storage, args)
    finally:
        await storage.close()
