"""Refusals: a short machine code plus plain words that say what to do instead.

Messages never carry internals (exception text, paths, tokens); the caller logs those.
"""

from __future__ import annotations

FORMATS_THAT_WORK = (
    "Excel workbooks (.xlsx, .xlsm, .xlsb), OpenDocument spreadsheets (.ods) and CSV files (.csv)"
)

UNSUPPORTED_FORMAT = f"I can't read that kind of file. I can read {FORMATS_THAT_WORK}."
XLS = (
    "This is an old Excel 97–2003 workbook (.xls). Please open it in Excel and use "
    "File ▸ Save As ▸ Excel Workbook (.xlsx), then share the .xlsx here."
)
FODS = (
    "This is a flat OpenDocument spreadsheet (.fods), which I can't read. Please save it as "
    "OpenDocument Spreadsheet (.ods) or Excel Workbook (.xlsx) in LibreOffice and share that."
)
ODS_EMPTY = (
    "I couldn't read any sheet of this OpenDocument spreadsheet. Please open it in LibreOffice, "
    "save it again (as .ods or as Excel Workbook, .xlsx), and share it again."
)
NUMBERS = (
    "This is an Apple Numbers file. In Numbers use File ▸ Export To ▸ Excel, "
    "then share the .xlsx here."
)
ENCRYPTED = (
    "This workbook is password-protected, so I can't read it. Remove the password "
    "(in Excel: File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password, clear it), save, and "
    "share it again. Please don't post the password here."
)
CORRUPT = (
    "This file looks damaged or incomplete (maybe the upload was cut off). Please open it in "
    "Excel, save it again as .xlsx, and re-share it."
)
UNSAFE = (
    "This file contains XML constructs I refuse to read for safety. Please open it in Excel, "
    "save it again as .xlsx, and re-share it."
)
STRICT = (
    "This workbook is saved as “Strict Open XML Spreadsheet”, which I can't read. Please save "
    "it as “Excel Workbook (.xlsx)” and share it again."
)
EMPTY_FILE = "The file is empty (0 bytes). Please upload it again."
NO_SHEETS = "This workbook contains no sheets. Please check the file and share it again."
NO_DATA = (
    "I found no data rows in this file. Please share a sheet with a header row and at "
    "least one row of values below it."
)
NO_TABLE = (
    "I couldn't find a table in this file. I need a block of rows with one header row "
    "(column names) and values below it; forms and free text don't chart well."
)
CHART_ONLY = (
    "This workbook only holds charts, no data. Please share the workbook (or sheet) that "
    "contains the data behind the chart."
)
TOO_LARGE = (
    "This file is too large for me to read (limit: {limit}). Please share a smaller extract, "
    "for example only the sheet and columns you want to chart."
)
TOO_MANY_CELLS = (
    "This file has more cells than I can handle (over {limit:,}). Please share a smaller "
    "extract, for example only the sheet and columns you want to chart."
)
LOCK_FILE = (
    "This is Excel's temporary lock file (its name starts with ~$), not the workbook itself. "
    "Please share the file without ~$ in its name."
)
NOT_A_SPREADSHEET = f"This file isn't a spreadsheet. I can read {FORMATS_THAT_WORK}."
WORD_DOCUMENT = (
    f"This is a Word document, not a spreadsheet. I can read {FORMATS_THAT_WORK}; please share "
    "the workbook itself."
)
GOOGLE_SHEET = (
    "This is a Google Sheets link, which I can't download. In Google Sheets use File ▸ "
    "Download ▸ Microsoft Excel (.xlsx) and share the file here."
)
FOREIGN_HOST = (
    "I only download files that are stored in Slack, and this one points elsewhere. Please "
    "upload the file itself to this thread."
)
DOWNLOAD_FAILED = (
    "I couldn't download the file from Slack. Please try sharing it again in a moment."
)
SIGN_IN_PAGE = (
    "Slack gave me a web page instead of the file, so I couldn't download it. Please make sure "
    "I'm in this channel, then share the file again."
)


class IntakeError(Exception):
    """A file we refuse; ``user_message`` is plain words with what to do next (never internals)."""

    def __init__(self, code: str, user_message: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.user_message = user_message
        self.detail = detail  # for the log only

    def __reduce__(self) -> tuple[type[IntakeError], tuple[str, str, str]]:
        # read_dataset runs in a worker process: the refusal must survive pickling intact.
        return (type(self), (self.code, self.user_message, self.detail))


def human_size(n: int) -> str:
    mib = n / (1024 * 1024)
    return f"{mib:g} MB" if mib >= 1 else f"{n // 1024} KB"
