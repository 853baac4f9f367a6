"""Downloads go to Slack only, with the token only there, and stop at the size limit."""

from __future__ import annotations

import aiohttp
import pytest

from bot.intake import FileRef, IntakeError, Limits, check_before_download, download
from tests.intake.conftest import TOKEN, Server


def ref(url: str, name: str = "report.xlsx", size: int | None = 5000) -> FileRef:
    return FileRef(id="F1", name=name, size=size, url=url, filetype="xlsx")


async def fetch(url: str, api: Server, limits: Limits | None = None, **kw) -> bytes:
    return await download(
        ref(url, **kw), token=TOKEN, api_url=f"{api.url}/api/", limits=limits or Limits()
    )


async def test_downloads_file_with_bearer_token(slack_files: Server) -> None:
    data = await fetch(f"{slack_files.url}/files-pri/T1-F1/report.xlsx", slack_files)
    assert data.startswith(b"PK\x03\x04")
    assert slack_files.requests[-1]["Authorization"] == f"Bearer {TOKEN}"


async def test_wrong_token_is_a_download_failure(slack_files: Server) -> None:
    with pytest.raises(IntakeError) as err:
        await download(
            ref(f"{slack_files.url}/files-pri/T1-F1/report.xlsx"),
            token="xoxb-wrong",
            api_url=f"{slack_files.url}/api/",
            limits=Limits(),
        )
    assert err.value.code == "download_failed"


async def test_foreign_host_is_never_contacted(slack_files: Server, other_server: Server) -> None:
    with pytest.raises(IntakeError) as err:
        await fetch(f"{other_server.url}/files-pri/T1-F1/report.xlsx", slack_files)
    assert err.value.code == "foreign_host"
    assert other_server.requests == []  # same host, other port: still foreign, token never sent


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/files-pri/T1-F1/report.xlsx",
        "http://files.slack.com/files-pri/T1-F1/report.xlsx",  # not https
        "https://files.slack.com.evil.example/x.xlsx",
        "https://user:pw@files.slack.com/x.xlsx",
        "ftp://files.slack.com/x.xlsx",
        "",
    ],
)
async def test_urls_outside_slack_are_refused(url: str, slack_files: Server) -> None:
    with pytest.raises(IntakeError) as err:
        await fetch(url, slack_files)
    assert err.value.code == "foreign_host"
    assert slack_files.requests == []


async def test_size_lie_is_refused_mid_stream(slack_files: Server) -> None:
    limits = Limits(max_bytes=1024 * 1024)
    with pytest.raises(IntakeError) as err:
        await fetch(f"{slack_files.url}/files-pri/T1-F2/huge.xlsx", slack_files, limits, size=900)
    assert err.value.code == "too_large"


async def test_sign_in_page_instead_of_file_is_refused(slack_files: Server) -> None:
    with pytest.raises(IntakeError) as err:
        await fetch(f"{slack_files.url}/files-pri/T1-F3/login.xlsx", slack_files)
    assert err.value.code == "download_failed"
    assert "web page" in err.value.user_message


async def test_redirect_to_another_host_is_not_followed(
    slack_files: Server, other_server: Server
) -> None:
    with pytest.raises(IntakeError) as err:
        await fetch(f"{slack_files.url}/files-pri/T1-F4/away.xlsx", slack_files)
    assert err.value.code == "download_failed"
    assert other_server.requests == []


async def test_redirect_within_the_same_host_is_followed(slack_files: Server) -> None:
    data = await fetch(f"{slack_files.url}/files-pri/T1-F5/here.xlsx", slack_files)
    assert data.startswith(b"PK\x03\x04")


async def test_caller_session_is_used_and_left_open(slack_files: Server) -> None:
    async with aiohttp.ClientSession(trust_env=False) as session:
        data = await download(
            ref(f"{slack_files.url}/files-pri/T1-F1/report.xlsx"),
            token=TOKEN,
            api_url=f"{slack_files.url}/api/",
            limits=Limits(),
            session=session,
        )
        assert not session.closed
    assert data.startswith(b"PK")


@pytest.mark.parametrize(
    ("name", "size", "code"),
    [
        ("old.xls", 100, "xls"),
        ("flat.fods", 100, "ods"),
        ("budget.numbers", 100, "numbers"),
        ("~$report.xlsx", 165, "lock_file"),
        ("slides.pdf", 100, "unsupported_format"),
        ("report.xlsx", 0, "empty"),
        ("report.xlsx", 21 * 1024 * 1024, "too_large"),
    ],
)
def test_refused_before_download(name: str, size: int, code: str) -> None:
    with pytest.raises(IntakeError) as err:
        check_before_download(FileRef("F1", name, size, "https://files.slack.com/x"), Limits())
    assert err.value.code == code
    assert err.value.user_message and "Traceback" not in err.value.user_message


@pytest.mark.parametrize(
    "name", ["report.xlsx", "macro.xlsm", "data.csv", "REPORT.XLSX", "binary.xlsb", "calc.ods"]
)
def test_accepted_before_download(name: str) -> None:
    check_before_download(FileRef("F1", name, 1000, "https://files.slack.com/x"), Limits())


async def test_too_large_declared_size_never_downloads(slack_files: Server) -> None:
    with pytest.raises(IntakeError) as err:
        await fetch(
            f"{slack_files.url}/files-pri/T1-F1/report.xlsx", slack_files, size=30 * 1024 * 1024
        )
    assert err.value.code == "too_large"
    assert slack_files.requests == []
