"""The statistics page as a workbook: a sheet per table, the place and period in the caption and the file name."""

from __future__ import annotations

import asyncio

from openpyxl import Workbook

from server.i18n import gettext
from server.spreadsheets import INTEGER, MONEY, Column, fill_table_sheet, workbook_bytes
from server.statistics.area import Area, Period
from server.statistics.tables import StatTable

FORMATS = {"int": INTEGER, "money": MONEY, "percent": "0.00", "text": "", "alert": INTEGER}


def build_workbook(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    book = Workbook()
    assert book.active is not None
    for index, table in enumerate(tables):
        sheet = book.active if index == 0 else book.create_sheet()
        columns = [
            Column(gettext(table.first)),
            *(Column(gettext(col.header), FORMATS[col.kind]) for col in table.columns),
            Column(gettext("Note")),
        ]
        rows = [[row.label, *row.values, row.why] for row in table.rows]
        caption = f"{area.name} · {period.label} · {gettext(table.title)}"
        fill_table_sheet(sheet, f"{index + 1} {gettext(table.title)}", columns, rows, caption)
    return workbook_bytes(book)


def file_name(area: Area, period: Period) -> str:
    return f"{gettext('Statistics')}-{area.name}-{period.label}.xlsx"


async def statistics_xlsx(area: Area, period: Period, tables: list[StatTable]) -> bytes:
    return await asyncio.to_thread(build_workbook, area, period, tables)
