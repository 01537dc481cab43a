"""What every .xlsx Bangfu writes shares: cells a spreadsheet program never runs as formulas, a bold frozen header,
column widths that fit, number formats, and a page set up to print on A4 as it is (landscape when wide, fit to the
page width, the header row repeated on every page). And what every upload it reads must pass: size, sheets,
headers, no merged cells, no formulas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet
from xlsxwriter import Workbook as FastBook
from xlsxwriter.worksheet import Worksheet as FastSheet

from server.i18n import gettext
from server.spreadsheet_reading import Limits, Sheet, Unreadable, open_workbook, read_sheet

# A cell starting with one of these is read as a formula by Excel, WPS or LibreOffice (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDE = 7  # columns above which a sheet prints landscape
UNSET_WIDTH = ColumnDimension(Worksheet(Workbook())).width  # openpyxl gives every column this width (13)
MAX_WIDTH = 50  # characters: a long note wraps rather than widening its column past this
INTEGER, MONEY, PERCENT = "#,##0", "#,##0.00", "0.0"
A4 = 9  # XlsxWriter's paper code
DIGIT_PIXELS = 7  # a column's width in a file is in widths of a digit of the default font, 7 pixels each


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


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its header and the number format of its cells ("" for text)."""

    header: str
    number_format: str = ""


def fill_table_sheet(
    sheet: Worksheet, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], caption: str = ""
) -> None:
    """One table on its own sheet: an optional caption line, the bold header, the rows with their number formats."""
    sheet.title = title[:31]
    if caption:
        append_row(sheet, [caption], bold=True)
    append_row(sheet, [column.header for column in columns], bold=True)
    for row in rows:
        append_row(sheet, list(row))
        for cell, column in zip(sheet[sheet.max_row], columns, strict=False):
            if column.number_format and isinstance(cell.value, int | float | Decimal):
                cell.number_format = column.number_format


def _header_row(sheet: Worksheet) -> int:
    """The table's header: the last bold row of the first three (a caption may stand above it)."""
    header = 1
    for row in sheet.iter_rows(min_row=1, max_row=min(3, sheet.max_row)):
        filled = [cell for cell in row if cell.value is not None]
        if filled and all(cell.font is not None and cell.font.b for cell in filled):
            header = row[0].row
    return header


def text_width(value: Any) -> int:
    """How many columns a value takes in a spreadsheet's default font."""
    if value is None:
        return 0
    if isinstance(value, date | datetime):
        return 10
    text = str(value)
    if text.isascii():  # a number, a code: one column a character, known without reading them (str keeps the flag)
        return len(text)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)  # a Chinese character is two columns wide


def finish_for_print(sheet: Worksheet) -> None:
    """Column widths from the content, the header frozen and repeated, A4 fitted to the page width."""
    header = _header_row(sheet)
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=header):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), text_width(cell.value))
    for column, width in widths.items():
        dimension = sheet.column_dimensions[get_column_letter(column)]
        if dimension.width == UNSET_WIDTH:  # not set by the export itself (customWidth is true for every column)
            dimension.width = min(MAX_WIDTH, max(8, width + 2))
    if sheet.freeze_panes is None:
        sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"1:{header}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if sheet.max_column > WIDE else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.print_options.gridLines = True


def workbook_bytes(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        finish_for_print(sheet)
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


def open_upload(content: bytes, sheets: tuple[str, ...], max_rows: int, max_bytes: int) -> dict[str, Sheet]:
    """The named sheets of an upload, read with every limit counted while reading (server/spreadsheet_reading.py:
    rows, columns, sheets, cell size, unpacked size), never taken from what the file declares; refused
    (SheetRejected) when too big, unreadable, or missing one of `sheets`."""
    if len(content) > max_bytes:
        raise SheetRejected(gettext("The file is larger than %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    limits = Limits(rows=max_rows)
    try:
        workbook = open_workbook(content, limits)
        try:
            for name in sheets:
                if name not in workbook.sheetnames:
                    raise SheetRejected(gettext("The sheet “%(sheet)s” is missing.", sheet=name))
            return {name: read_sheet(workbook, name, limits) for name in sheets}
        finally:
            workbook.close()
    except Unreadable as error:
        raise SheetRejected(str(error)) from error


def read_rows(sheet: Sheet, columns: list[tuple[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """The data rows as {field: text} with their row numbers, once the sheet's shape is right: no merged cells (a
    merged header is reported as merged, not as a wrong header), `columns`' own headers in order, no formulas."""
    if sheet.merged:
        raise SheetRejected(
            gettext("Sheet “%(sheet)s” has merged cells (%(cells)s).", sheet=sheet.title, cells=sheet.merged[0])
        )
    headers = sheet.rows.get(1, {})
    for index, (header, _) in enumerate(columns):
        found = cell_text(headers.get(index + 1))
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
    if sheet.formulas:
        raise SheetRejected(
            gettext(
                "Cell %(cell)s of sheet “%(sheet)s” is a formula: paste values only.",
                cell=sheet.formulas[0],
                sheet=sheet.title,
            )
        )
    rows = []
    for number in sorted(n for n in sheet.rows if n >= 2):
        values = {name: cell_text(sheet.rows[number].get(index + 1)) for index, (_, name) in enumerate(columns)}
        if any(values.values()):
            rows.append((number, values))
    return rows


class FastWorkbook:
    """A large workbook written by XlsxWriter in memory, for the exports whose size made openpyxl's object and XML
    element per cell most of the download (the statistics' 18 sheets, a county's assessment): a third of the CPU.
    Its table sheets are what `fill_table_sheet` and `finish_for_print` make of the same table."""

    def __init__(self) -> None:
        self._buffer = BytesIO()
        self.book = FastBook(self._buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        self._bold = self.book.add_format({"bold": True})
        self._formats: dict[str, Any] = {}

    def sheet(self, title: str) -> FastSheet:
        return self.book.add_worksheet(title[:31])

    def table_sheet(self, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], caption: str) -> None:
        """One table on its own sheet, as `fill_table_sheet` then `finish_for_print` make it: the caption and the
        header in bold, formula-safe text, number formats, the columns as wide as their text, the header frozen and
        repeated, A4 fitted to the page width (landscape when wide), gridlines printed."""
        sheet = self.sheet(title)
        sheet.write_string(0, 0, safe_cell(caption), self._bold)
        header = [column.header for column in columns]
        sheet.write_row(1, 0, [safe_cell(text) for text in header], self._bold)
        formats = [self._number_format(column.number_format) for column in columns]
        widths = [text_width(text) for text in header]
        for number, row in enumerate(rows, 2):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue  # an empty cell, as openpyxl leaves it
                widths[column] = max(widths[column], text_width(value))
                if isinstance(value, int | float | Decimal):  # a Decimal's trailing zeros left out, as openpyxl did
                    sheet.write_number(number, column, float(value), formats[column])
                else:
                    sheet.write_string(number, column, safe_cell(str(value)))
        for column, width in enumerate(widths):
            sheet.set_column_pixels(column, column, DIGIT_PIXELS * min(MAX_WIDTH, max(8, width + 2)))
        sheet.freeze_panes(2, 0)
        sheet.repeat_rows(0, 1)
        sheet.set_paper(A4)
        if len(columns) > WIDE:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)  # one page wide, as many down as it takes
        sheet.hide_gridlines(0)  # shown and printed

    def _number_format(self, code: str) -> Any:
        if code and code not in self._formats:
            self._formats[code] = self.book.add_format({"num_format": code})
        return self._formats.get(code)

    def bytes(self) -> bytes:
        self.book.close()
        return self._buffer.getvalue()
