"""The statistics page as a workbook: a sheet per table, the place and period in the caption and the file name.

Written with XlsxWriter, not openpyxl as the app's other workbooks (server/spreadsheets.py): its 18 sheets took a
third of the CPU (township demo: 28 against 70 ms). The sheets are what `fill_table_sheet` and `finish_for_print`
make: the caption and the header in bold, formula-safe text, number formats, the header frozen and repeated, A4
fitted to the page width, gridlines printed, and the columns as wide as their text (openpyxl's sheets meant to be
but kept its default width: every `column_dimensions[...]` has a width, so `customWidth` was always true).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from io import BytesIO

from xlsxwriter import Workbook

from server.i18n import gettext
from server.spreadsheets import INTEGER, MAX_WIDTH, MONEY, WIDE, safe_cell, text_width
from server.statistics.area import Area, Period
from server.statistics.tables import StatTable

FORMATS = {"int": INTEGER, "money": MONEY, "percent": "0.00", "text": "", "alert": INTEGER}
A4 = 9  # XlsxWriter's paper code
DIGIT_PIXELS = 7  # a column's width in a file is in widths of a digit of the default font, 7 pixels each


def build_workbook(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    buffer = BytesIO()
    book = Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    number_formats = {kind: book.add_format({"num_format": code}) for kind, code in FORMATS.items() if code}
    for index, table in enumerate(tables):
        sheet = book.add_worksheet(f"{index + 1} {gettext(table.title)}"[:31])
        header = [gettext(table.first), *(gettext(col.header) for col in table.columns), gettext("Note")]
        formats = [None, *(number_formats.get(col.kind) for col in table.columns), None]
        sheet.write_string(0, 0, safe_cell(f"{area.name} · {period.label} · {gettext(table.title)}"), bold)
        sheet.write_row(1, 0, [safe_cell(text) for text in header], bold)
        widths = [text_width(text) for text in header]
        for number, row in enumerate(table.rows, 2):
            for column, value in enumerate((row.label, *row.values, row.why)):
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
        if len(header) > WIDE:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)  # one page wide, as many down as it takes
        sheet.hide_gridlines(0)  # shown and printed
    book.close()
    return buffer.getvalue()


def file_name(area: Area, period: Period) -> str:
    return f"{gettext('Statistics')}-{area.name}-{period.label}.xlsx"


async def statistics_xlsx(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    return await asyncio.to_thread(build_workbook, area, period, tables)
