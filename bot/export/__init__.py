"""A chart's data as a table (text, CSV) and as an Excel workbook with a native chart.

Pure functions of a chart spec, with no Slack shapes: the console and the Slack handlers both
call them.
"""

from bot.export.names import csv_filename, png_filename, workbook_filename
from bot.export.table import DataTable, data_table
from bot.export.workbook import chart_workbook

__all__ = [
    "DataTable",
    "chart_workbook",
    "csv_filename",
    "data_table",
    "png_filename",
    "workbook_filename",
]
