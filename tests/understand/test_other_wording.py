"""Requests over a spreadsheet as other people word them (the examples of issue 13), through the
one-shot CLI (``python -m bot chart TEXT --file F --spec``) in process.

Each expected chart is worked out here with plain Python over the rows written to the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.oneshot import EXIT_NOT_UNDERSTOOD, chart_command

# Manufacturers first seen, by name and by total revenue come in three different orders, so
# a chart in any order but the one asked for shows.
SALES = [  # product, manufacturer, price, revenue, country, team
    ("Gizmo", "Globex", 110, 1500.0, "United States", "NYY"),
    ("Widget", "Acme", 50, 1200.0, "United States", "NYY"),
    ("Gadget", "Acme", 80, 900.0, "Canada", "BOS"),
    ("Doohickey", "Globex", 65, 700.0, "Mexico", "CLE"),
    ("Widget", "Initech", 95, 4000.0, "Canada", "CLE"),
    ("Gadget", "Initech", 130, 300.0, "United States", "BOS"),
    ("Gizmo", "Acme", 70, 800.0, "Mexico", "NYY"),
]
DOCS = [  # doc_id, code, pages
    (101, "CV", 3),
    (102, "BK", 250),
    (103, "CV", 2),
    (104, "PP", 40),
    (105, "CV", 4),
]
ALLERGIES = [("Nuts", "food", 3), ("Pollen", "environmental", 2), ("Milk", "food", 1)]
VISITS = [  # date, count: a column literally named "count"
    (dt.datetime(2024, 1, 5), 10),
    (dt.datetime(2024, 1, 20), 5),
    (dt.datetime(2024, 2, 3), 7),
    (dt.datetime(2024, 3, 9), 4),
    (dt.datetime(2024, 3, 30), 6),
]


def _sheet(wb: openpyxl.Workbook, name: str, header: list[str], rows: list[tuple]) -> None:
    ws = wb.create_sheet(name)
    ws.append(header)
    for row in rows:
        ws.append(list(row))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wording")
    out = {}
    books = {
        "sales": [
            (
                "sales",
                ["product", "manufacturer", "price", "revenue", "country", "team"],
                SALES,
            )
        ],
        "docs": [("documents", ["doc_id", "code", "pages"], DOCS)],
        "allergies": [("allergy_type", ["allergy", "type", "severity"], ALLERGIES)],
        "visits": [("visits", ["date", "count"], VISITS)],
        "cars": [
            ("mtcars", ["model", "mpg", "hp"], [("Fiat", 32.4, 66), ("Merc", 24.4, 62)]),
            ("quakes", ["place", "mag", "depth"], [("Fiji", 4.8, 562), ("Tonga", 5.4, 650)]),
        ],
    }
    for name, sheets in books.items():
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet, header, rows in sheets:
            _sheet(wb, sheet, header, rows)
        path = root / f"{name}.xlsx"
        wb.save(path)
        out[name] = path
    return out


def chart(
    capsys: pytest.CaptureFixture[str], text: str, file: Path
) -> tuple[dict[str, Any], list[str]]:
    code = chart_command(text, file=file, spec_only=True)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    notes = [line for line in captured.err.splitlines() if line.strip()]
    return json.loads(captured.out), notes


def refused(capsys: pytest.CaptureFixture[str], text: str, file: Path) -> str:
    code = chart_command(text, file=file, spec_only=True)
    captured = capsys.readouterr()
    assert code == EXIT_NOT_UNDERSTOOD, captured.out
    return captured.err


def mapping(spec: dict[str, Any]) -> dict[str, Any]:
    return dict(zip(spec["x_labels"], spec["y_values"], strict=True))


def totals(rows: list[tuple], key: int, value: int | None, how: str = "sum") -> dict[Any, float]:
    groups: dict[Any, list[float]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(1 if value is None else r[value])
    if how == "mean":
        return {k: sum(v) / len(v) for k, v in groups.items()}
    return {k: sum(v) for k, v in groups.items()}


def test_ordinary_words_do_not_sink_the_request(capsys, files) -> None:
    spec, _ = chart(
        capsys,
        "Find the total revenue for each manufacturer. Plot them as bar chart",
        files["sales"],
    )
    assert spec["chart_type"] == "bar"
    assert mapping(spec) == totals(SALES, 1, 3)
    assert "revenue by manufacturer" in spec["title"].lower()


@pytest.mark.parametrize(
    "text",
    [
        "the number of documents in each code",
        "Show the number of documents for each code with a bar chart",
        "how many documents are there of each code?",
    ],
)
def test_counting_words_count_rows(capsys, files, text) -> None:
    spec, _ = chart(capsys, text, files["docs"])
    assert mapping(spec) == totals(DOCS, 1, None)  # CV 3, BK 1, PP 1: never the pages summed
    assert spec["aggregation"] == "count"


def test_how_many_correspond_to_each_type_counts(capsys, files) -> None:
    spec, _ = chart(capsys, "how many allergies correspond to each type", files["allergies"])
    assert mapping(spec) == {"food": 2, "environmental": 1}


def test_a_column_named_count_is_summed_by_month(capsys, files) -> None:
    spec, _ = chart(capsys, "count by month", files["visits"])
    want = defaultdict(float)
    for day, n in VISITS:
        want[f"{day.year}-{day.month:02d}"] += n
    assert mapping(spec) == want  # 15, 7, 10: the column, not the 2, 1, 2 rows


@pytest.mark.parametrize(
    ("text", "reverse"),
    [
        ("total revenue by manufacturer, display manufacturer in desc order", True),
        ("Show total revenue for each manufacturer, and sort by the x-axis", False),
        ("revenue for each manufacturer in a bar chart, order by name", False),
        ("Bar chart of total revenue by manufacturer, rank x axis in descending order", True),
    ],
)
def test_order_by_the_axis_named(capsys, files, text, reverse) -> None:
    spec, _ = chart(capsys, text, files["sales"])
    want = totals(SALES, 1, 3)
    assert spec["x_labels"] == sorted(want, reverse=reverse)
    assert mapping(spec) == want


def test_from_low_to_high_by_the_y_axis(capsys, files) -> None:
    spec, _ = chart(
        capsys,
        "total revenue of each manufacturer, list them from low to high by the Y-axis",
        files["sales"],
    )
    want = totals(SALES, 1, 3)
    assert spec["x_labels"] == sorted(want, key=want.__getitem__)


def test_filter_between_two_numbers(capsys, files) -> None:
    spec, notes = chart(
        capsys, "number of products with a price between 60 and 120 by manufacturer", files["sales"]
    )
    kept = [r for r in SALES if 60 <= r[2] <= 120]
    assert mapping(spec) == totals(kept, 1, None)
    assert any("price" in line.lower() for line in [spec["title"], *notes])


@pytest.mark.parametrize(
    ("text", "column", "value", "key"),
    [
        (
            "How many products for each manufacturer who are not from the United States?",
            4,
            "United States",
            1,
        ),
        ('List the products whose team is not "NYY", and count them by a bar chart', 5, "NYY", 0),
    ],
)
def test_filter_not_a_value(capsys, files, text, column, value, key) -> None:
    spec, _ = chart(capsys, text, files["sales"])
    kept = [r for r in SALES if r[column] != value]
    assert mapping(spec) == totals(kept, key, None)
    assert value in spec["title"]  # the title says what was left out


def test_misspelt_average_is_an_average_and_says_how_it_read_the_words(capsys, files) -> None:
    spec, notes = chart(capsys, "avrage revenu per prodct", files["sales"])
    assert spec["aggregation"] == "mean"
    assert mapping(spec) == pytest.approx(totals(SALES, 0, 3, "mean"))
    said = " ".join(notes)
    assert "revenu" in said and "prodct" in said  # the loose matches are named


def test_a_column_of_another_sheet_switches_sheet_and_says_so(capsys, files) -> None:
    spec, notes = chart(capsys, "average mag for each place", files["cars"])
    assert spec["sheet"] == "quakes"
    assert mapping(spec) == {"Fiji": 4.8, "Tonga": 5.4}
    assert any("quakes" in line for line in notes)


def test_a_word_where_a_column_must_be_is_refused_with_the_columns(capsys, files) -> None:
    err = refused(capsys, "average bonus for each manufacturer", files["sales"])
    assert "bonus" in err
    assert "revenue" in err  # the columns there are, to pick from


def test_same_request_same_spec(capsys, files) -> None:
    text = "Show the number of documents for each code, sort by the y axis in desc"
    first, _ = chart(capsys, text, files["docs"])
    second, _ = chart(capsys, text, files["docs"])
    assert first == second
    assert first["x_labels"][0] == "CV"


def test_in_the_console_a_column_of_another_sheet_starts_a_chart_there(files, tmp_path) -> None:
    from tests.processes import run_bot

    (tmp_path / "cars.xlsx").write_bytes(files["cars"].read_bytes())
    script = ":upload cars.xlsx\nmpg by model\nhistogram of mag\n:quit\n"
    result = run_bot([], tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert "quakes" in result.stdout  # the reply says which sheet it switched to
    shown = run_bot(["sessions", "show", "local:console:main"], tmp_path)
    charts = [
        e["metadata"]
        for e in json.loads(shown.stdout)["chat_history"]
        if e["metadata"].get("type") == "chart"
    ]
    assert [c["chart_type"] for c in charts] == ["bar", "histogram"]
    assert charts[0]["x_labels"] == ["Fiat", "Merc"]
    assert charts[1]["sheet"] == "quakes"
    assert sum(charts[1]["y_values"]) == 2  # both quakes' magnitudes, none of the cars' mpg
