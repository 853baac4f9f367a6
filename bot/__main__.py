"""``python -m bot``: run the bot (socket, http or local console), draw one chart, or administer
sessions. A bad setting stops start-up with one line naming it (exit 2), never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import MODES, ConfigError, Settings, load_settings
from bot.logs import setup_logging
from storage.base import StorageError

log = logging.getLogger("bot")

DRAIN_SECONDS = 25.0  # on SIGTERM, answers in progress get this long (inside k8s' default 30 s)


def parser() -> argparse.ArgumentParser:
    from bot.admin import add_sessions_parser

    root = argparse.ArgumentParser(prog="python -m bot", description="Chartbot for Slack.")
    sub = root.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (default: mode chosen from the settings)")
    run.add_argument("--mode", choices=MODES, help="force socket, http or local mode")
    chart = sub.add_parser("chart", help="draw one chart from TEXT (and a spreadsheet)")
    chart.add_argument("text")
    chart.add_argument("--file", type=Path)
    chart.add_argument("--sheet")
    chart.add_argument("--out", type=Path)
    chart.add_argument("--spec", action="store_true", help="print the resolved chart spec as JSON")
    add_sessions_parser(sub)
    return root


async def run_bot(settings: Settings, mode: str) -> None:
    from bot.services import Services

    services = await Services.start(settings)
    try:
        if mode == "local":
            from bot.console import run_console

            await run_console(services)
            return
        from bot.app import build_app
        from handlers.work import resume_forever

        app = build_app(services)
        services.background(resume_forever(services, app.client))
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        if mode == "socket":
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            log.info("Chartbot connecting in Socket Mode")
            handler = AsyncSocketModeHandler(app, settings.app_token)
            await handler.connect_async()
            await stopping.wait()
            await handler.close_async()
        else:
            await serve_http(app, settings.port, stopping)
        await services.drain(DRAIN_SECONDS)
    finally:
        await services.close()


async def serve_http(app, port: int, stopping: asyncio.Event) -> None:
    from aiohttp import web

    from bot.app import web_app

    runner = web.AppRunner(web_app(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()
    log.info("Chartbot listening on http://0.0.0.0:%d/slack/events", port)
    try:
        await stopping.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "chart":
            from bot.oneshot import chart_command

            return chart_command(
                args.text, file=args.file, sheet=args.sheet, out=args.out, spec_only=args.spec
            )
        if args.command == "sessions":
            from bot.admin import run_sessions

            return asyncio.run(
                run_sessions(
                    args,
                    settings.storage_url,
                    session_ttl=settings.session_ttl,
                    max_sessions_per_user=settings.max_sessions_per_user,
                )
            )
        mode = getattr(args, "mode", None) or settings.auto_mode
        settings.require_for(mode)
        setup_logging(settings.log_level, settings.log_format)
        asyncio.run(run_bot(settings, mode))
        return 0
    except ConfigError as exc:
        print(f"chartbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"chartbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
