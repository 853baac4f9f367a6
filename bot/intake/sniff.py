"""Decide what a file really is from its bytes (never from its name alone).

Zip containers are inspected through their central directory only: member count and the sum
of declared uncompressed sizes are checked before anything is decompressed. ``zipfile`` never
inflates a member past its declared size, so the declared sum bounds the real work.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from bot.intake import errors as msg
from bot.intake.errors import IntakeError, human_size
from bot.intake.limits import Limits

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ACCEPTED_EXTENSIONS = {".xlsx", ".xlsm", ".xlsb", ".ods", ".csv"}
TEXT_EXTENSIONS = {".csv", ".tsv", ".txt"}

# Extensions (and Slack filetypes) we refuse with a specific explanation.
_KNOWN_REFUSALS: dict[str, tuple[str, str]] = {
    "xls": ("xls", msg.XLS),
    "fods": ("ods", msg.FODS),
    "numbers": ("numbers", msg.NUMBERS),
    "gsheet": ("unsupported_format", msg.GOOGLE_SHEET),
    "doc": ("not_a_spreadsheet", msg.WORD_DOCUMENT),
    "docx": ("not_a_spreadsheet", msg.WORD_DOCUMENT),
}


def extension(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def refuse_by_name(filename: str, filetype: str = "") -> None:
    """Refuse what the name (or Slack's filetype) already tells us we can't read."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    if base.startswith("~$"):
        raise IntakeError("lock_file", msg.LOCK_FILE)
    ext = extension(filename)
    if ext in ACCEPTED_EXTENSIONS or (not ext and f".{filetype}" in ACCEPTED_EXTENSIONS):
        return
    key = ext.lstrip(".") or filetype.lower()
    if key in _KNOWN_REFUSALS:
        code, text = _KNOWN_REFUSALS[key]
        raise IntakeError(code, text, f"extension {key}")
    raise IntakeError("unsupported_format", msg.UNSUPPORTED_FORMAT, f"extension {ext!r}")


def looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) and (
        b"<html" in head.lower() or start.startswith(b"<!doctype html")
    )


def sniff(data: bytes, filename: str, limits: Limits) -> str:
    """Return ``"xlsx"`` (also .xlsm), ``"xlsb"``, ``"ods"`` or ``"csv"`` for content we can
    read, else raise IntakeError."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    if base.startswith("~$"):
        raise IntakeError("lock_file", msg.LOCK_FILE)
    if not data:
        raise IntakeError("empty", msg.EMPTY_FILE)
    if _looks_like_lock_file(data):
        raise IntakeError("lock_file", msg.LOCK_FILE)
    if len(data) > limits.max_bytes:
        raise IntakeError("too_large", msg.TOO_LARGE.format(limit=human_size(limits.max_bytes)))
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return _sniff_zip(data, limits)
    if data.startswith(OLE_MAGIC):
        _refuse_ole(data)
    head = data[:4096]
    if head.startswith(b"%PDF") or looks_like_html(head):
        raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "pdf/html content")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "binary content")
    if extension(filename) in {".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"} and b"," not in head:
        # A "spreadsheet" that is plain text without commas is most likely a lock file,
        # an error page or a mislabelled document.
        raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "text under xlsx name")
    return "csv"


def _looks_like_lock_file(data: bytes) -> bool:
    """Excel's ``~$`` owner file: 165 bytes, a length byte, the user name, then it in UTF-16."""
    return len(data) in (162, 165) and 0 < data[0] <= 53 and data[1 : 1 + data[0]].isascii()


def _refuse_ole(data: bytes) -> None:
    """OLE2 holds either an encrypted OOXML package or a legacy BIFF workbook."""
    window = data[: 2 * 1024 * 1024]
    if "EncryptionInfo".encode("utf-16-le") in window or (
        "EncryptedPackage".encode("utf-16-le") in window
    ):
        raise IntakeError("encrypted", msg.ENCRYPTED)
    if "Workbook".encode("utf-16-le") in window or "Book".encode("utf-16-le") in window:
        raise IntakeError("xls", msg.XLS)
    if "WordDocument".encode("utf-16-le") in window:
        raise IntakeError("not_a_spreadsheet", msg.WORD_DOCUMENT)
    raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "unknown OLE2 container")


def _sniff_zip(data: bytes, limits: Limits) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IntakeError("corrupt", msg.CORRUPT, f"zip: {exc}") from None
    with zf:
        infos = zf.infolist()
        check_zip_limits(infos, limits)
        names = {i.filename.replace("\\", "/").lstrip("/") for i in infos}
        if "mimetype" in names:
            mimetype = _read_small(zf, "mimetype")
            if b"opendocument.spreadsheet" in mimetype:
                return "ods"
            if b"opendocument" in mimetype:
                raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "opendocument")
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        raise IntakeError("not_a_spreadsheet", msg.WORD_DOCUMENT, "docx package")
    if any(n.startswith("Index/") or "/Index/" in n or n.endswith("Index.zip") for n in names):
        raise IntakeError("numbers", msg.NUMBERS)
    if not names:
        raise IntakeError("corrupt", msg.CORRUPT, "empty zip")
    raise IntakeError("not_a_spreadsheet", msg.NOT_A_SPREADSHEET, "zip without a workbook")


def check_zip_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise IntakeError(
            "too_large",
            msg.TOO_LARGE.format(limit=f"{limits.max_members:,} parts"),
            f"{len(infos)} zip members",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed:
        raise IntakeError(
            "too_large",
            msg.TOO_LARGE.format(limit=f"{human_size(limits.max_uncompressed)} unpacked"),
            f"{total} bytes uncompressed",
        )


def _read_small(zf: zipfile.ZipFile, name: str, cap: int = 256) -> bytes:
    try:
        with zf.open(name) as fh:
            return fh.read(cap)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return b""
