"""What every .xlsx Bangfu writes shares (cells a spreadsheet program never runs as formulas, a bold header), and
what every upload it reads must pass (size, sheets, headers, no merged cells, no formulas)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from server.i18n import gettext

# A cell starting with one of these is read as a formula by Excel, WPS or LibreOffice (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe and stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet: Worksheet, values: list[Any], bold: bool = False) -> None:
    """A row of formula-safe cells, bold when asked (headers, totals)."""
    sheet.append([safe_cell(value) for value in values])
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- reading an upload ----


class SheetRejected(Exception):
    """The whole file is refused; `message` is already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def open_upload(content: bytes, sheets: tuple[str, ...], max_rows: int, max_bytes: int) -> Workbook:
    """The uploaded workbook, refused (SheetRejected) when too big, unreadable, or missing one of `sheets`; an
    over-long sheet is refused from its declared dimension, before any row is read."""
    if len(content) > max_bytes:
        raise SheetRejected(gettext("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    try:
        workbook = load_workbook(BytesIO(content), read_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, Exception) as error:
        raise SheetRejected(gettext("This is not an Excel (.xlsx) file, or it cannot be read.")) from error
    try:
        for name in sheets:
            if name not in workbook.sheetnames:
                raise SheetRejected(gettext("The sheet “%(sheet)s” is missing.", sheet=name))
            if (workbook[name].max_row or 0) > max_rows + 1:
                raise SheetRejected(gettext("A sheet has more than %(n)s rows: split the file.", n=f"{max_rows:,}"))
    finally:
        workbook.close()
    return load_workbook(BytesIO(content), data_only=False)


def read_rows(sheet: Any, columns: list[tuple[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """The data rows as {field: text} with their row numbers; the headers must be `columns`' own, in order."""
    headers = [cell_text(cell.value) for cell in sheet[1]] if sheet.max_row >= 1 else []
    for index, (header, _) in enumerate(columns):
        found = headers[index] if index < len(headers) else ""
        if found != header:
            raise SheetRejected(
                gettext(
                    "Sheet “%(sheet)s”, column %(n)s: the header must be “%(header)s”, not “%(found)s”.",
                    sheet=sheet.title,
                    n=index + 1,
                    header=header,
                    found=found,
                )
            )
    for merged in sheet.merged_cells.ranges:
        if merged.max_row > 1:
            raise SheetRejected(
                gettext("Sheet “%(sheet)s” has merged cells (%(cells)s).", sheet=sheet.title, cells=merged.coord)
            )
    rows = []
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        for cell in row:
            if cell.data_type == "f":
                raise SheetRejected(
                    gettext(
                        "Cell %(cell)s of sheet “%(sheet)s” is a formula: paste values only.",
                        cell=cell.coordinate,
                        sheet=sheet.title,
                    )
                )
        values = {
            name: cell_text(row[index].value) if index < len(row) else "" for index, (_, name) in enumerate(columns)
        }
        if any(values.values()):
            rows.append((number, values))
    return rows
