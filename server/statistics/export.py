"""The statistics page as a workbook: a sheet per table, the place and period in the caption and the file name.

Written by XlsxWriter (server.spreadsheets.FastWorkbook), not openpyxl as the app's smaller workbooks: its 18 sheets
took a third of the CPU (township demo: 28 against 70 ms), each sheet as `fill_table_sheet` and `finish_for_print`
make it.
"""

from __future__ import annotations

import asyncio

from server.i18n import gettext
from server.spreadsheets import INTEGER, MONEY, Column, FastWorkbook
from server.statistics.area import Area, Period
from server.statistics.tables import StatTable

FORMATS = {"int": INTEGER, "money": MONEY, "percent": "0.00", "text": "", "alert": INTEGER}


def build_workbook(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    book = FastWorkbook()
    for index, table in enumerate(tables):
        columns = [
            Column(gettext(table.first)),
            *(Column(gettext(col.header), FORMATS[col.kind]) for col in table.columns),
            Column(gettext("Note")),
        ]
        rows = [[row.label, *row.values, row.why] for row in table.rows]
        caption = f"{area.name} · {period.label} · {gettext(table.title)}"
        book.table_sheet(f"{index + 1} {gettext(table.title)}", columns, rows, caption)
    return book.bytes()


def file_name(area: Area, period: Period) -> str:
    return f"{gettext('Statistics')}-{area.name}-{period.label}.xlsx"


async def statistics_xlsx(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    return await asyncio.to_thread(build_workbook, area, period, tables)
