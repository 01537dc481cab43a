"""Reading an uploaded .xlsx with its limits counted while reading: rows, columns, sheets, characters per cell and the
unpacked size, whatever the file's own metadata (its dimension tag) declares; reading stops at the first limit."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser  # the streaming parser read-only mode uses itself

from server.i18n import gettext


@dataclass(frozen=True)
class Limits:
    rows: int = 10_000  # data rows per sheet, below the header row
    columns: int = 60
    sheets: int = 10
    cell_chars: int = 1_000
    unpacked_mb: int = 100  # the XML inside the zip; zipfile itself stops at the sizes the zip declares


class Unreadable(ValueError):
    """The file is refused; `str()` is the translated reason, naming the limit."""


@dataclass
class Sheet:
    """One sheet as read: rows by number (cells by column number, 1-based), merged ranges, formula cells."""

    title: str
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    formulas: list[str] = field(default_factory=list)


def open_workbook(content: bytes, limits: Limits) -> Any:
    """The workbook in read-only mode (nothing of a sheet read yet), after the zip's size and the sheet count."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > limits.unpacked_mb * 1024 * 1024:
            raise Unreadable(gettext("The file unpacks to more than %(n)s MB: split it.", n=limits.unpacked_mb))
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Unreadable:
        raise
    except Exception as error:  # zipfile, XML and openpyxl raise many kinds for a damaged or foreign file
        raise Unreadable(gettext("This is not an Excel (.xlsx) file, or it cannot be read.")) from error
    if len(workbook.sheetnames) > limits.sheets:
        workbook.close()
        raise Unreadable(gettext("The file has more than %(n)s sheets.", n=limits.sheets))
    return workbook


def _cells(workbook: Any, sheet: Sheet) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, cells) as the XML streams; the merged ranges (listed after the rows) are kept on `sheet`."""
    with workbook[sheet.title]._get_source() as source:  # the sheet XML, opened as openpyxl itself does
        parser = WorkSheetParser(
            source,
            workbook.shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        yield from parser.parse()
        if parser.merged_cells is not None:
            sheet.merged = [str(item.ref) for item in parser.merged_cells.mergeCell]


def read_sheet(workbook: Any, title: str, limits: Limits) -> Sheet:
    """Every row of the sheet, counted as it streams past: a row number past the limit, a cell past the last column
    or a cell longer than allowed stops the reading there (memory stays that of `limits.rows` rows)."""
    sheet = Sheet(title)
    for number, cells in _cells(workbook, sheet):
        if number > limits.rows + 1:
            raise Unreadable(gettext("A sheet has more than %(n)s rows: split the file.", n=f"{limits.rows:,}"))
        row: dict[int, Any] = {}
        for cell in cells:
            column, value = cell["column"], cell["value"]
            if column > limits.columns:
                raise Unreadable(
                    gettext("Sheet “%(sheet)s” has more than %(n)s columns.", sheet=title, n=limits.columns)
                )
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise Unreadable(
                    gettext(
                        "Cell %(cell)s of sheet “%(sheet)s” is longer than %(n)s characters.",
                        cell=f"{_letters(column)}{number}",
                        sheet=title,
                        n=f"{limits.cell_chars:,}",
                    )
                )
            if cell.get("data_type") == "f":
                sheet.formulas.append(f"{_letters(column)}{number}")
            if value is not None:
                row[column] = value
        if row:
            sheet.rows[number] = row
    return sheet


def _letters(column: int) -> str:
    return str(get_column_letter(column))
