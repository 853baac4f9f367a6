"""The entry point as people run it: the local console from a pipe, HTTP mode as deployed, the
one-shot chart command and the admin commands."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aiohttp
from PIL import Image

from tests.export.xlsx import column, open_chart, open_sheet
from tests.fake_slack import BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlack
from tests.processes import bot_env, free_port, run_bot
from tests.signed import SIGNING_SECRET, SlackSender, mention

ROOT = Path(__file__).resolve().parents[1]


def test_console_from_a_pipe_writes_a_chart_and_prints_its_path(tmp_path: Path) -> None:
    result = run_bot([], tmp_path, "bar chart of a 1, b 2\n:quit\n")
    assert result.returncode == 0, result.stderr
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("chart: ")]
    path = tmp_path / line.removeprefix("chart: ")
    assert path.parent == tmp_path / "charts"
    assert Image.open(path).format == "PNG"

    shown = run_bot(["sessions", "show", "local:console:main"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["chat_history"][-1]["metadata"]["x_labels"] == ["a", "b"]
    assert doc["chat_history"][-1]["metadata"]["y_values"] == [1, 2]


def test_console_threads_uploads_and_new_chat(tmp_path: Path) -> None:
    (tmp_path / "pets.csv").write_text("animal,count\ncats,3\ndogs,5\nbirds,1\n")
    script = "\n".join(
        [
            ":upload pets.csv",
            "count by animal",
            ":thread other",
            "pie chart of x 1, y 2",
            ":thread main",
            "make it a pie",
            ":newchat",
            ":quit",
            "",
        ]
    )
    result = run_bot([], tmp_path, script)
    assert result.returncode == 0, result.stderr
    charts = [ln for ln in result.stdout.splitlines() if ln.startswith("chart: ")]
    assert len(charts) == 3
    assert run_bot(["sessions", "show", "local:console:main"], tmp_path).returncode == 1
    other = json.loads(run_bot(["sessions", "show", "local:console:other"], tmp_path).stdout)
    assert other["chat_history"][-1]["metadata"]["chart_type"] == "pie"


def test_console_data_and_xlsx_answer_plainly_before_any_chart(tmp_path: Path) -> None:
    result = run_bot([], tmp_path, ":data\n:xlsx\n:quit\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("There's no chart in this thread yet") for line in lines)
    assert not (tmp_path / "charts").exists()


def test_console_data_prints_the_current_charts_table_and_xlsx_writes_its_workbook(
    tmp_path: Path,
) -> None:
    script = "\n".join(
        [
            "bar chart of North $1200, South $800.5, East $3",
            ":data",
            ":xlsx",
            "make it a pie",
            ":xlsx",
            "undo",
            ":xlsx",
            ":thread other",
            ":data",
            ":quit",
            "",
        ]
    )
    result = run_bot([], tmp_path, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    table = out[out.index(next(ln for ln in out if ln.startswith("chart: "))) + 1 :][:5]
    assert [row.split() for row in table[2:]] == [
        ["North", "$1,200"], ["South", "$800.5"], ["East", "$3"],
    ]  # fmt: skip
    assert out[-1].startswith("There's no chart in this thread yet")  # the other thread

    books = [tmp_path / ln.removeprefix("xlsx: ") for ln in out if ln.startswith("xlsx: ")]
    assert len(books) == 3
    assert all(book.parent == tmp_path / "charts" and book.suffix == ".xlsx" for book in books)
    kinds = [open_chart(book.read_bytes()).kind for book in books]
    assert kinds == ["barChart", "pieChart", "barChart"]  # the chart of that moment, undo too
    sheet = open_sheet(books[0].read_bytes())
    assert column(sheet, 1) == ["North", "South", "East"]
    assert column(sheet, 2) == [1200, 800.5, 3]
    assert open_chart(books[0].read_bytes()).series()[0].val_cache == [1200, 800.5, 3]


def test_console_data_of_a_big_chart_shows_the_first_100_rows(tmp_path: Path) -> None:
    rows = "\n".join(f"{i + 0.5},{i * 3}" for i in range(250))
    (tmp_path / "items.csv").write_text(f"price,units\n{rows}\n")
    result = run_bot([], tmp_path, ":upload items.csv\nscatter of units vs price\n:data\n:quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[-1] == "(first 100 of 250 rows)"
    header = out[-1 - 100 - 2]
    assert sorted(header.split()) == ["price", "units"]  # x first, whichever it is
    assert set(out[-1 - 100].split()) == {"0", "0.5"}  # the first point
    assert set(out[-2].split()) == {"297", "99.5"}  # the 100th


def test_one_shot_chart_prints_the_spec(tmp_path: Path) -> None:
    result = run_bot(["chart", "bar chart of apples 3, pears 5", "--spec"], tmp_path)
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["chart_type"] == "bar"
    assert spec["x_labels"] == ["apples", "pears"] and spec["y_values"] == [3, 5]
    assert not (tmp_path / "chart.png").exists()  # --spec writes a PNG only with --out


def test_one_shot_chart_that_is_not_understood_exits_2(tmp_path: Path) -> None:
    result = run_bot(["chart", "what is the meaning of life"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr


async def test_http_mode_serves_healthz_and_answers_a_signed_mention(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        PORT=str(port),
        STORAGE_URL=str(tmp_path / "data"),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--mode", "http", env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession(trust_env=False) as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the bot never answered /healthz")
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events")
        event = mention("bar chart of a 1, b 2")
        status, _ = await sender.event(event)
        await sender.close()
        assert status == 200
        [complete] = await fake_slack.wait_for("files.completeUploadExternal")
        assert complete.params["thread_ts"] == event["ts"]
    finally:
        proc.terminate()
        await proc.wait()


async def test_socket_mode_answers_a_mention_and_stops_cleanly_on_sigterm(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = bot_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=fake_slack.api_url,
        STORAGE_URL=str(tmp_path / "data"),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_slack.wait_for_socket(timeout=60)
        event = mention("bar chart of a 1, b 2")
        await fake_slack.socket_send(
            "events_api",
            {
                "team_id": TEAM_ID,
                "type": "event_callback",
                "event_id": "EvSOCKETCLI",
                "event": event,
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            },
        )
        [complete] = await fake_slack.wait_for("files.completeUploadExternal")
        assert complete.params["thread_ts"] == event["ts"]
        proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
        assert proc.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_one_shot_top_regions_from_a_workbook(tmp_path: Path) -> None:
    import openpyxl

    rows = [("West", 120.0), ("North", 150.5), ("East", 60), ("West", 200), ("South", 30),
            ("East", 60), ("North", 10)]  # fmt: skip
    book = openpyxl.Workbook()
    book.active.append(["Region", "Revenue"])
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "sales.xlsx")
    totals: dict[str, float] = {}
    for region, revenue in rows:
        totals[region] = totals.get(region, 0) + revenue
    top3 = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:3]

    result = run_bot(
        ["chart", "top 3 regions by revenue", "--file", "sales.xlsx", "--spec"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert list(zip(spec["x_labels"], spec["y_values"], strict=True)) == top3
    assert spec["aggregation"] == "sum" and spec["limit"] == 3


def test_console_reads_a_typed_mention_as_the_request_after_it(tmp_path: Path) -> None:
    result = run_bot([], tmp_path, "@chartbot bar chart of a 1, b 2\n@Chartbot: pie of x 1, y 3\n")
    assert result.returncode == 0, result.stderr
    assert len([ln for ln in result.stdout.splitlines() if ln.startswith("chart: ")]) == 2
    doc = json.loads(run_bot(["sessions", "show", "local:console:main"], tmp_path).stdout)
    charts = [e["metadata"] for e in doc["chat_history"] if e["metadata"]["type"] == "chart"]
    assert [c["x_labels"] for c in charts] == [["a", "b"], ["x", "y"]]
    assert [c["chart_type"] for c in charts] == ["bar", "pie"]
    assert "chartbot" not in charts[0]["title"].lower()


def two_sheet_book(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Sales"
    book.active.append(["Region", "Revenue"])
    book.active.append(["West", 5])
    costs = book.create_sheet("Costs")
    costs.append(["Item", "Cost"])
    for item, cost in [("rent", 10), ("wages", 30)]:
        costs.append([item, cost])
    book.save(path)


def test_one_shot_sheet_option_ignores_case(tmp_path: Path) -> None:
    two_sheet_book(tmp_path / "book.xlsx")
    result = run_bot(
        ["chart", "cost by item", "--file", "book.xlsx", "--sheet", "COSTS", "--spec"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["sheet"] == "Costs"
    assert spec["x_labels"] == ["rent", "wages"] and spec["y_values"] == [10, 30]
    missing = run_bot(["chart", "cost by item", "--file", "book.xlsx", "--sheet", "Q3"], tmp_path)
    assert missing.returncode == 1 and "Sales, Costs" in missing.stderr


def test_sheet_named_in_the_message_ignores_case(tmp_path: Path) -> None:
    two_sheet_book(tmp_path / "book.xlsx")
    result = run_bot(["chart", "cost by item in sheet COSTS", "--file", "book.xlsx", "--spec"],
                     tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["sheet"] == "Costs" and spec["y_values"] == [10, 30]
