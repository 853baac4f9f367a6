"""File intake: a shared file becomes a typed ``bot.table.Dataset``, or a clear refusal.

``check_before_download`` and ``download`` run in the bot's event loop; ``read_dataset`` is
synchronous and CPU-bound (the bot runs it in a worker process).
"""

from __future__ import annotations

from bot.intake.download import check_before_download, download
from bot.intake.errors import IntakeError
from bot.intake.limits import FileRef, Limits
from bot.intake.reader import read_dataset

__all__ = ["FileRef", "IntakeError", "Limits", "check_before_download", "download", "read_dataset"]
