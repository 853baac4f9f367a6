"""Reading an exported workbook back as a user's spreadsheet program would: the data sheet with
openpyxl, the chart's XML part with ElementTree."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


@dataclass
class ChartSeries:
    name_ref: str
    cat_ref: str | None
    val_ref: str
    cat_cache: list[str | None]
    val_cache: list[float | None]


@dataclass
class ChartXml:
    root: ET.Element
    plot: ET.Element  # the one chart-type element: c:barChart, c:lineChart, …

    @property
    def kind(self) -> str:
        return self.plot.tag.split("}")[1]

    def val(self, path: str) -> str | None:
        node = self.plot.find(path, NS)
        return None if node is None else node.get("val")

    @property
    def title(self) -> str:
        title = self.root.find("c:chart/c:title", NS)
        assert title is not None, "the chart has no title"
        return "".join(t.text or "" for t in title.iterfind(".//a:t", NS))

    def axis_titles(self) -> list[tuple[str, str]]:
        """(axis element name: catAx, valAx or dateAx; its title text), in the file's order."""
        out = []
        plot_area = self.root.find("c:chart/c:plotArea", NS)
        assert plot_area is not None
        for axis in plot_area:
            tag = axis.tag.split("}")[1]
            title = axis.find("c:title", NS)
            if tag.endswith("Ax") and title is not None:
                out.append((tag, "".join(t.text or "" for t in title.iterfind(".//a:t", NS))))
        return out

    def axis(self, tag: str) -> ET.Element:
        found = self.root.find(f"c:chart/c:plotArea/c:{tag}", NS)
        assert found is not None, f"no {tag}"
        return found

    def series(self) -> list[ChartSeries]:
        out = []
        for ser in self.plot.iterfind("c:ser", NS):
            cat = _first(ser, "c:cat", "c:xVal")
            val = _first(ser, "c:val", "c:yVal")
            assert val is not None
            out.append(
                ChartSeries(
                    name_ref=_text(ser, "c:tx/c:strRef/c:f"),
                    cat_ref=_ref(cat) if cat is not None else None,
                    val_ref=_ref(val),
                    cat_cache=_cache(cat) if cat is not None else [],
                    val_cache=[None if v is None else float(v) for v in _cache(val)],
                )
            )
        return out


def _first(node: ET.Element, *paths: str) -> ET.Element | None:
    for path in paths:
        found = node.find(path, NS)
        if found is not None:
            return found
    return None


def _text(node: ET.Element, path: str) -> str:
    found = node.find(path, NS)
    assert found is not None and found.text is not None, path
    return found.text


def _ref(node: ET.Element) -> str:
    return _text(node, "./*/c:f")


def _cache(node: ET.Element) -> list[str | None]:
    cache = _first(node, "./*/c:numCache", "./*/c:strCache")
    assert cache is not None, "no cached values"
    count = int(_attr(cache, "c:ptCount"))
    points: list[str | None] = [None] * count
    for pt in cache.iterfind("c:pt", NS):
        points[int(pt.get("idx", "-1"))] = _text(pt, "c:v")
    return points


def _attr(node: ET.Element, path: str) -> str:
    found = node.find(path, NS)
    assert found is not None
    return found.get("val", "")


def open_chart(data: bytes) -> ChartXml:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ET.fromstring(z.read("xl/charts/chart1.xml"))
    plot_area = root.find("c:chart/c:plotArea", NS)
    assert plot_area is not None
    plots = [e for e in plot_area if e.tag.endswith("Chart")]
    assert len(plots) == 1, [e.tag for e in plots]
    return ChartXml(root, plots[0])


def open_sheet(data: bytes, name: str = "Data") -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book[name]


def column(sheet: Worksheet, col: int) -> list[object]:
    """The cells of a column under the header (1-based ``col``)."""
    return [sheet.cell(row, col).value for row in range(2, sheet.max_row + 1)]
