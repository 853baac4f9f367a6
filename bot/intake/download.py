"""Fetch a shared file from Slack with the bot token, streaming, and only from Slack.

The token goes only to https://files.slack.com or to the exact scheme, host and port of the
configured SLACK_API_URL (a local fake in tests). Any other URL is refused without a request;
redirects are followed by hand and only within the same origin.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.intake import errors as msg
from bot.intake.errors import IntakeError, human_size
from bot.intake.limits import FileRef, Limits
from bot.intake.sniff import OLE_MAGIC, ZIP_MAGIC, looks_like_html, refuse_by_name

SLACK_FILES_ORIGIN = ("https", "files.slack.com", 443)
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=120, sock_connect=15, sock_read=30)


def check_before_download(ref: FileRef, limits: Limits) -> None:
    """Refuse by name/format and declared size before a byte is fetched."""
    refuse_by_name(ref.name, ref.filetype)
    if ref.size is not None:
        if ref.size == 0:
            raise IntakeError("empty", msg.EMPTY_FILE)
        if ref.size > limits.max_bytes:
            raise _too_large(limits, f"declared size {ref.size}")


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL without credentials, else None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def is_allowed(url: str, api_url: str) -> bool:
    o = origin(url)
    return o is not None and o in (SLACK_FILES_ORIGIN, origin(api_url))


async def download(
    ref: FileRef,
    *,
    token: str,
    api_url: str,
    limits: Limits,
    session: aiohttp.ClientSession | None = None,
) -> bytes:
    """The file's bytes, or IntakeError (foreign_host, too_large, download_failed, …)."""
    check_before_download(ref, limits)
    if not ref.url or not is_allowed(ref.url, api_url):
        raise IntakeError("foreign_host", msg.FOREIGN_HOST, "url outside Slack")
    own = session is None
    if session is None:
        session = aiohttp.ClientSession(trust_env=False, timeout=TIMEOUT)
    try:
        return await _fetch(session, ref, ref.url, token, limits)
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise IntakeError("download_failed", msg.DOWNLOAD_FAILED, type(exc).__name__) from None
    finally:
        if own:
            await session.close()


async def _fetch(
    session: aiohttp.ClientSession, ref: FileRef, url: str, token: str, limits: Limits
) -> bytes:
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(MAX_REDIRECTS + 1):
        async with session.get(
            url, headers=headers, allow_redirects=False, timeout=TIMEOUT
        ) as resp:
            if resp.status in (301, 302, 303, 307, 308):
                target = urljoin(url, resp.headers.get("Location", ""))
                if origin(target) != origin(url):
                    # Never carry the token to another host; a sign-in redirect ends here too.
                    raise IntakeError(
                        "download_failed", msg.DOWNLOAD_FAILED, "redirect to another host"
                    )
                url = target
                continue
            if resp.status != 200:
                raise IntakeError("download_failed", msg.DOWNLOAD_FAILED, f"HTTP {resp.status}")
            if resp.content_length is not None and resp.content_length > limits.max_bytes:
                raise _too_large(limits, f"content-length {resp.content_length}")
            return await _read_body(resp, ref, limits)
    raise IntakeError("download_failed", msg.DOWNLOAD_FAILED, "too many redirects")


async def _read_body(resp: aiohttp.ClientResponse, ref: FileRef, limits: Limits) -> bytes:
    buf = bytearray()
    checked = False
    async for chunk in resp.content.iter_chunked(CHUNK):
        buf += chunk
        if len(buf) > limits.max_bytes:
            raise _too_large(limits, "body exceeded the limit while streaming")
        if not checked and len(buf) >= 512:
            _check_content(bytes(buf[:4096]), ref, resp.content_type)
            checked = True
    if not checked:
        _check_content(bytes(buf[:4096]), ref, resp.content_type)
    return bytes(buf)


def _check_content(head: bytes, ref: FileRef, content_type: str) -> None:
    """Slack answers a missing permission with a 200 HTML sign-in page: catch it by its bytes."""
    if not head:
        raise IntakeError("empty", msg.EMPTY_FILE)
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return
    if looks_like_html(head) or content_type == "text/html":
        raise IntakeError("download_failed", msg.SIGN_IN_PAGE, "HTML instead of the file")
    # Other wrong content (a lock file, a PDF, …) gets its own explanation from read_dataset.


def _too_large(limits: Limits, detail: str) -> IntakeError:
    return IntakeError(
        "too_large", msg.TOO_LARGE.format(limit=human_size(limits.max_bytes)), detail
    )
