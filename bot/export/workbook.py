"""The chart as an Excel workbook: its data on a sheet and a native Excel chart of the same
type, title, axis titles, series and order, which Excel, LibreOffice and Google Sheets can edit.

XlsxWriter stores each series' cached values with its cell references, so previews that do not
recalculate (mobile apps, Slack's file preview) still draw the chart.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from bot.export.cells import DATE_FORMATS, axis_format, excel_format, label_cells
from bot.export.table import data_table, value_format
from bot.render import validate
from bot.render.describe import chart_title
from bot.render.draw import _axis_titles
from bot.render.styles import Style, palette_for, style_named
from bot.spec import ChartSpec, ChartType

SHEET = "Data"
CHART_SIZE = {"width": 760, "height": 475}  # px at 100 % zoom: the PNG's 16:10
MARKERS_UP_TO = 40  # points per line that get a marker, as on the PNG
COLORED_SLICES_UP_TO = 60
PRINT_ON_ONE_PAGE = 40  # rows  # beyond this, Excel's own slice colours


def chart_workbook(spec: ChartSpec) -> bytes:
    """The ``.xlsx`` file's bytes, built in memory (no temporary file)."""
    spec = validate(spec)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            # Labels are data: "=1+1" or "http://…" in a label stays text.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet(SHEET)
    rows = _write_data(book, sheet, spec)
    chart = _chart(book, spec, rows)
    sheet.insert_chart(1, len(spec.series) + 2, chart, {"object_position": 3})
    if rows <= PRINT_ON_ONE_PAGE:  # the data and its chart side by side on one printed page
        sheet.set_landscape()
        sheet.fit_to_pages(1, 1)
    book.close()
    return out.getvalue()


def _write_data(book: Workbook, sheet: Worksheet, spec: ChartSpec) -> int:
    """Header, labels and values from row 0; returns the number of data rows."""
    table = data_table(spec)
    bold = book.add_format({"bold": True, "bottom": 1})
    sheet.write_row(0, 0, table.header, bold)
    sheet.freeze_panes(1, 0)
    labels, label_format = label_cells(spec)
    label_fmt = book.add_format({"num_format": label_format}) if label_format else None
    for row, label in enumerate(labels, start=1):
        if label is None:
            continue  # a cell never written is a gap in the chart's cache too
        if isinstance(label, str):
            sheet.write_string(row, 0, label, label_fmt)
        elif hasattr(label, "year"):
            sheet.write_datetime(row, 0, label, label_fmt)
        else:
            sheet.write_number(row, 0, label, label_fmt)
    fmt = value_format(spec)
    for col, series in enumerate(spec.series, start=1):
        cell = book.add_format({"num_format": excel_format(fmt, series.values)})
        for row, value in enumerate(series.values, start=1):
            if value is not None:  # a blank cell would be cached as 0; an absent one is a gap
                sheet.write_number(row, col, value, cell)
        sheet.set_column(col, col, max(12, len(series.name) + 2))
    widest = max([len(r[0]) for r in table.rows] + [len(table.header[0])])
    sheet.set_column(0, 0, min(50, widest + 2))
    return len(labels)


def _kind(spec: ChartSpec) -> dict[str, str]:
    several = len(spec.series) > 1
    match spec.chart_type:
        case ChartType.BAR:
            kind = {"type": "bar" if spec.options.horizontal else "column"}
            if spec.options.stacked and several:
                kind["subtype"] = "stacked"
            return kind
        case ChartType.AREA:  # several series are stacked on the PNG too
            return {"type": "area", "subtype": "stacked"} if several else {"type": "area"}
        case ChartType.DONUT:
            return {"type": "doughnut"}
        case ChartType.SCATTER:
            return {"type": "scatter"}  # markers only
        case ChartType.HISTOGRAM:
            return {"type": "column"}
        case _:
            return {"type": spec.chart_type.value}  # line, pie


def _chart(book: Workbook, spec: ChartSpec, rows: int) -> Chart:
    chart = book.add_chart(_kind(spec))
    assert chart is not None
    style = style_named(spec.style)
    pie = spec.chart_type in (ChartType.PIE, ChartType.DONUT)
    series = spec.series[:1] if pie else spec.series
    colors = palette_for(style, spec.options.color, rows if pie else len(series), slices=pie)
    for col, s in enumerate(series, start=1):
        options: dict[str, Any] = {
            "name": [SHEET, 0, col],
            "categories": [SHEET, 1, 0, rows, 0],
            "values": [SHEET, 1, col, rows, col],
            **_look(spec, style, colors, col - 1, rows),
        }
        if spec.options.show_values and not pie:
            fmt = excel_format(value_format(spec), s.values)
            options["data_labels"] = {"value": True, "num_format": fmt}
        chart.add_series(options)
    font = {"color": style.text}
    if spec.options.show_title:
        chart.set_title(
            {"name": spec.title or chart_title(spec), "overlay": False,
             "name_font": {**font, "bold": True, "size": 14}}
        )  # fmt: skip
    else:
        chart.set_title({"none": True})
    chart.set_legend(_legend(spec, pie, font))
    chart.set_chartarea({"fill": {"color": style.background}, "border": {"none": True}})
    chart.set_plotarea({"fill": {"color": style.background}})
    chart.set_size(CHART_SIZE)
    chart.show_blanks_as("gap")  # a missing value is a gap, as on the PNG
    if spec.chart_type is ChartType.DONUT:
        chart.set_hole_size(58)  # the PNG's ring is 42 % of the radius
    if not pie:
        _axes(chart, spec, style, font)
    return chart


def _look(spec: ChartSpec, style: Style, colors: list[str], i: int, rows: int) -> dict[str, Any]:
    """A series' colours and marks, as on the PNG."""
    color = colors[i % len(colors)]
    match spec.chart_type:
        case ChartType.PIE | ChartType.DONUT:
            look: dict[str, Any] = {"data_labels": {"percentage": True}}
            if rows <= COLORED_SLICES_UP_TO:
                edge = {"color": style.background, "width": 1.5}
                look["points"] = [{"fill": {"color": c}, "border": edge} for c in colors]
            return look
        case ChartType.LINE:
            marker: dict[str, Any] = {"type": "none"}
            if rows <= MARKERS_UP_TO:
                marker = {"type": "circle", "size": 5, "fill": {"color": color},
                          "border": {"color": color}}  # fmt: skip
            return {"line": {"color": color, "width": 2.25}, "marker": marker}
        case ChartType.SCATTER:
            look = {"marker": {"type": "circle", "size": 5, "fill": {"color": color},
                               "border": {"none": True}}}  # fmt: skip
            if spec.options.trend_line:
                look["trendline"] = {"type": "linear", "line": {"dash_type": "dash"}}
            return look
        case ChartType.HISTOGRAM:  # neighbouring bins touch, a hairline apart
            return {"fill": {"color": color}, "border": {"color": style.background}, "gap": 0}
        case ChartType.AREA:
            return {"fill": {"color": color}, "border": {"color": style.background}}
        case _:  # bars
            look = {"fill": {"color": color}, "border": {"none": True}}
            if len(spec.series) > 1 and not spec.options.stacked:
                look["gap"] = 30
            if spec.options.stacked and len(spec.series) > 1:
                look["overlap"] = 100
            return look


def _legend(spec: ChartSpec, pie: bool, font: dict[str, Any]) -> dict[str, Any]:
    if spec.options.legend is False:
        return {"none": True}
    if pie:
        return {"position": "right", "font": font}
    if len(spec.series) > 1 or spec.options.legend:
        return {"position": "top", "font": font}
    return {"none": True}


def _axes(chart: Chart, spec: ChartSpec, style: Style, font: dict[str, Any]) -> None:
    """Axis titles and the value axis' number format and scale. XlsxWriter's x axis is the
    category axis, except on a horizontal bar chart, where it is the value axis."""
    x_title, y_title = _axis_titles(spec)
    values = [v for s in spec.series for v in s.values]
    value: dict[str, Any] = {
        "num_format": axis_format(value_format(spec), values),
        "num_font": font,
        "major_gridlines": {"visible": True, "line": {"color": style.grid}},
        "line": {"none": True},
    }
    if spec.options.log_scale:
        value["log_base"] = 10
    category: dict[str, Any] = {"num_font": font, "line": {"color": style.muted}}
    if spec.chart_type is ChartType.SCATTER:
        category["num_format"] = axis_format(value_format(spec), spec.x_labels)
        category["major_gridlines"] = {"visible": True, "line": {"color": style.grid}}
    if x_title:
        category["name"] = x_title
        category["name_font"] = font
    if y_title:
        value["name"] = y_title
        value["name_font"] = font
    _, label_format = label_cells(spec)
    if (
        spec.chart_type in (ChartType.LINE, ChartType.AREA)
        and label_format in DATE_FORMATS.values()
    ):
        category["date_axis"] = True  # dates at their true distance, as on the PNG
        category["num_format"] = label_format
    elif spec.chart_type is ChartType.BAR and label_format in DATE_FORMATS.values():
        category["text_axis"] = True  # one bar per label, side by side, as on the PNG
    if spec.chart_type is ChartType.BAR and spec.options.horizontal:
        # First category on top, as on the PNG, with the value axis still at the bottom.
        category.update(reverse=True, crossing="max")
        chart.set_x_axis(value)
        chart.set_y_axis(category)
    else:
        chart.set_x_axis(category)
        chart.set_y_axis(value)
