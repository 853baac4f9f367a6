"""Plain values describing a shared file and the limits intake enforces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FileRef:
    """A shared file, Slack-independent."""

    id: str
    name: str
    size: int | None
    url: str | None  # the private download URL (url_private_download)
    filetype: str = ""
    mimetype: str = ""


@dataclass
class Limits:
    max_bytes: int = 20 * 1024 * 1024  # MAX_UPLOAD_MB
    max_uncompressed: int = 200 * 1024 * 1024  # sum of zip members
    max_cells: int = 5_000_000
    max_members: int = 10_000
