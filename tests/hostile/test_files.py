"""Hostile and wrong files: each gets a plain message in the thread saying what to do next, the
⚠️ reaction, nothing stored as a dataset, no request anywhere but Slack — and the thread goes on
working (PRODUCT.md §3 Files, §8)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.table import ColumnType, Dataset
from bot.workers import WorkerPool
from tests.conftest import RunningBot, running_bot
from tests.fake_slack import BOT_TOKEN, FakeSlack
from tests.hostile.conftest import (
    ForeignServer,
    StreamingFakeSlack,
    assert_plain,
    assert_token_only_to_slack,
    edit_member,
    next_request_works,
    texts_sent,
    workbook,
)
from tests.hostile.packages import build_zip, members_of
from tests.signed import message

SALES = [["Region", "Revenue"], ["North", 310], ["South", 450], ["East", 520], ["West", 1200]]
SHEET = "xl/worksheets/sheet1.xml"
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", '=HYPERLINK("http://evil.example")']


async def share(
    bot: RunningBot, fake: FakeSlack, file: dict[str, Any], text: str = ""
) -> tuple[str, str]:
    """Share ``file`` in a DM with the bot; wait for the answer. The thread root and key."""
    event = message(text, channel="D1", channel_type="im", subtype="file_share", files=[file])
    answers = len(fake.finals())
    status, _ = await bot.sender.event(event)
    assert status == 200
    await fake.answered(answers + 1)
    return event["ts"], f"T1:D1:{event['ts']}"


async def assert_refused(bot: RunningBot, fake: FakeSlack, root: str, *phrases: str) -> str:
    """The refusal as a user and an operator see it; then the thread still works."""
    key = f"T1:D1:{root}"
    posts = [c for c in fake.text_posts() if c.params["thread_ts"] == root]
    assert len(posts) == 1, [p.params["text"] for p in posts]
    reply = posts[0].params["text"]
    for phrase in phrases:
        assert phrase in reply, reply
    for said in texts_sent(fake):
        assert_plain(said)
    assert_token_only_to_slack(fake)
    assert fake.finals()[-1].params["name"] == "warning"
    assert fake.calls_of("files.completeUploadExternal") == []
    session = await bot.storage.get(key)
    assert session.active_dataset is None
    assert await bot.storage.list_datasets(key) == []
    upload, answer = session.chat_history
    assert upload["metadata"]["type"] == "file_upload" and "sheets" not in upload["metadata"]
    assert answer["metadata"]["type"] == "error" and answer["content"] == reply
    await next_request_works(bot, fake, "D1", root)
    return reply


# --- bombs and absurd sizes -----------------------------------------------------------------


def zip_bomb() -> bytes:
    """A valid workbook whose shared strings inflate to 260 MB (under 300 KB on the wire)."""
    members = members_of(workbook(SALES))
    members["xl/sharedStrings.xml"] = [
        (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', 1),
        (b"<si><t>" + b"A" * (1024 * 1024) + b"</t></si>", 260),
        (b"</sst>", 1),
    ]
    return build_zip(members)


def many_cells() -> bytes:
    """14 million real cells (1,024 per row) in one sheet: about 215 MB of sheet XML."""
    members = members_of(workbook(SALES))
    [(sheet, _)] = members[SHEET]
    head, rest = sheet.split(b"<sheetData>", 1)
    tail = rest.split(b"</sheetData>", 1)[1]
    members[SHEET] = [
        (head + b"<sheetData>", 1),
        ((b"<row>" + b"<c><v>1</v></c>" * 1024 + b"</row>") * 100, 140),
        (b"</sheetData>" + tail, 1),
    ]
    return build_zip(members)


def lying_zip_bomb() -> bytes:
    """The sheet inflates to 100 MB, but the zip headers declare 4 KB."""
    members = members_of(workbook(SALES))
    [(sheet, _)] = members[SHEET]
    head, rest = sheet.split(b"<sheetData>", 1)
    members[SHEET] = [(head, 1), (b"<!--" + b"x" * 1024 * 1024 + b"-->", 100), (rest, 1)]
    return build_zip(members, declared={SHEET: 4096})


def test_bombs_are_small_on_the_wire() -> None:
    for data in (zip_bomb(), many_cells(), lying_zip_bomb()):
        assert len(data) < 1_000_000


async def test_zip_bomb(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root, _ = await share(bot, fake_slack, fake_slack.add_file("bomb.xlsx", zip_bomb()))
    await assert_refused(bot, fake_slack, root, "too large", "smaller extract")


async def test_zip_bomb_with_lying_sizes(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root, _ = await share(bot, fake_slack, fake_slack.add_file("sales.xlsx", lying_zip_bomb()))
    await assert_refused(bot, fake_slack, root, "save it again")


async def test_xml_entity_expansion(bot: RunningBot, fake_slack: FakeSlack) -> None:
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def inject(content: bytes) -> bytes:
        content = re.sub(rb"^<\?xml[^>]*\?>", b"", content)
        return dtd + content.replace(b"<v>310</v>", b"<v>&lol3;</v>")

    data = edit_member(workbook(SALES), SHEET, inject)
    root, _ = await share(bot, fake_slack, fake_slack.add_file("lol.xlsx", data))
    await assert_refused(bot, fake_slack, root, "refuse to read for safety")


async def test_dimension_claiming_a_million_rows_and_columns_is_read_by_its_cells(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    def huge(content: bytes) -> bytes:
        content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
        return content.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
        )

    data = edit_member(workbook(SALES), SHEET, huge)
    file = fake_slack.add_file("claims.xlsx", data)
    _, key = await share(bot, fake_slack, file, "revenue by region")
    [summary] = fake_slack.text_posts()
    assert "Region" in summary.params["text"] and "Revenue" in summary.params["text"]
    assert fake_slack.finals()[-1].params["name"] == "white_check_mark"
    session = await bot.storage.get(key)
    assert session.active_dataset == file["id"]
    assert session.chat_history[0]["metadata"]["sheets"][0]["rows"] == 4
    chart = session.chat_history[-1]["metadata"]
    assert dict(zip(chart["x_labels"], chart["y_values"], strict=True)) == {
        "North": 310,
        "South": 450,
        "East": 520,
        "West": 1200,
    }


async def test_absurdly_many_cells(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root, _ = await share(bot, fake_slack, fake_slack.add_file("huge.xlsx", many_cells()))
    await assert_refused(bot, fake_slack, root, "too large")


# --- formulas stay text -----------------------------------------------------------------------


async def stored_dataset(bot: RunningBot, key: str, file_id: str) -> Dataset:
    data = await bot.storage.get_dataset(key, file_id)
    assert data is not None
    return Dataset.from_bytes(data)


async def test_formula_text_in_workbook_cells_is_kept_as_text(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Note", "Value"])
    for i, text in enumerate(FORMULAS):
        sheet.append([f"row{i}", text, i + 1])
        sheet.cell(i + 2, 2).data_type = "s"  # typed in Excel as text, not a formula
    buf = io.BytesIO()
    book.save(buf)
    file = fake_slack.add_file("notes.xlsx", buf.getvalue())
    _, key = await share(bot, fake_slack, file, "bar chart of value by name")
    assert fake_slack.finals()[-1].params["name"] == "white_check_mark"
    note = (await stored_dataset(bot, key, file["id"])).table.column("Note")
    assert note.type is ColumnType.TEXT and note.values == FORMULAS
    chart = (await bot.storage.get(key)).chat_history[-1]["metadata"]
    assert chart["x_labels"] == ["row0", "row1", "row2", "row3"]
    assert chart["y_values"] == [1, 2, 3, 4]


async def test_formula_text_in_csv_cells_is_kept_as_text(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    lines = ["Name,Note,Value"] + [
        f'row{i},"{t.replace(chr(34), chr(34) * 2)}",{i + 1}' for i, t in enumerate(FORMULAS)
    ]
    file = fake_slack.add_file("notes.csv", ("\n".join(lines) + "\n").encode())
    _, key = await share(bot, fake_slack, file, "show the data")
    note = (await stored_dataset(bot, key, file["id"])).table.column("Note")
    assert note.type is ColumnType.TEXT and note.values == FORMULAS
    shown = fake_slack.posted_texts()[-1]
    assert "=cmd|' /C calc'!A0" in shown and "@SUM(1+1)" in shown


# --- where the bytes come from --------------------------------------------------------------


async def test_file_url_on_a_foreign_host_is_never_fetched(
    bot: RunningBot, fake_slack: FakeSlack, foreign_server: ForeignServer
) -> None:
    file = fake_slack.add_file("sales.xlsx", workbook(SALES))
    url = f"{foreign_server.url}/files/{file['id']}/sales.xlsx"
    file |= {"url_private_download": url, "url_private": url}
    root, _ = await share(bot, fake_slack, file)
    assert foreign_server.requests == []  # the token never left for another host
    assert fake_slack.downloads == []
    await assert_refused(bot, fake_slack, root, "stored in Slack", "upload the file itself")


async def test_file_whose_declared_size_lies_is_cut_off_while_streaming(
    pool: WorkerPool, tmp_path: Path
) -> None:
    fake = await StreamingFakeSlack().start()
    try:
        async with running_bot(fake, pool, tmp_path / "data", max_upload_mb=1) as bot:
            data = b"PK\x03\x04" + b"\0" * (32 * 1024 * 1024)
            file = fake.add_file("sales.xlsx", data) | {"size": 1024}
            root, _ = await share(bot, fake, file)
            [download] = fake.downloads
            assert download.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
            assert fake.sent < len(data)  # the bot hung up instead of reading it all
            await assert_refused(bot, fake, root, "too large", "1 MB")
    finally:
        await fake.stop()


async def test_file_over_the_limit_by_its_declared_size_is_not_downloaded(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    file = fake_slack.add_file("big.xlsx", workbook(SALES)) | {"size": 25 * 1024 * 1024}
    root, _ = await share(bot, fake_slack, file)
    assert fake_slack.downloads == []
    await assert_refused(bot, fake_slack, root, "too large", "20 MB")


async def test_sign_in_page_instead_of_the_file(bot: RunningBot, fake_slack: FakeSlack) -> None:
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>" + b" " * 600
    file = fake_slack.add_file("sales.xlsx", page + b"</body></html>", content_type="text/html")
    root, _ = await share(bot, fake_slack, file)
    await assert_refused(bot, fake_slack, root, "web page instead of the file", "share the file")


# --- the wrong kind of file under a spreadsheet's name ----------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


# The start of a legacy .xls: the OLE2 signature, then a "Workbook" stream name.
OLE_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016 + "Workbook".encode("utf-16-le")


async def test_word_document_renamed_xlsx(bot: RunningBot, fake_slack: FakeSlack) -> None:
    docx = zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )
    root, _ = await share(bot, fake_slack, fake_slack.add_file("report.xlsx", docx))
    await assert_refused(bot, fake_slack, root, "Word document", ".xlsx")


async def test_legacy_xls_bytes_renamed_xlsx(bot: RunningBot, fake_slack: FakeSlack) -> None:
    root, _ = await share(bot, fake_slack, fake_slack.add_file("old.xlsx", OLE_XLS + b"\0" * 3000))
    await assert_refused(bot, fake_slack, root, "Excel 97", "Save As")


async def test_legacy_xls_by_its_name_is_not_downloaded(
    bot: RunningBot, fake_slack: FakeSlack
) -> None:
    root, _ = await share(bot, fake_slack, fake_slack.add_file("old.xls", OLE_XLS))
    assert fake_slack.downloads == []
    await assert_refused(bot, fake_slack, root, "Excel 97", "Save As")


async def test_opendocument_renamed_xlsx(bot: RunningBot, fake_slack: FakeSlack) -> None:
    ods = zip_of(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        }
    )
    root, _ = await share(bot, fake_slack, fake_slack.add_file("budget.xlsx", ods))
    await assert_refused(bot, fake_slack, root, "OpenDocument", ".xlsx")
