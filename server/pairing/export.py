"""The coverage figures as an .xlsx workbook (openpyxl), with cells that spreadsheet programs never run."""

from __future__ import annotations

import asyncio
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from server.i18n import gettext
from server.pairing.coverage import Coverage, Figures
from server.spreadsheets import append_row, workbook_bytes


def _unknown(value: int | None) -> Any:
    return "—" if value is None else value


def _row(name: str, figures: Figures) -> list[Any]:
    return [
        name,
        figures.households,
        figures.covered,
        figures.uncovered,
        figures.percent / 100,
        _unknown(figures.unvisited),
        _unknown(figures.overdue),
        f"{figures.leaders_meeting}/{figures.leaders}",
        f"{figures.members_meeting}/{figures.members}",
    ]


def fill_coverage_sheet(
    sheet: Worksheet, first_header: str, unvisited_header: str, rows: list[tuple[str, Figures]]
) -> None:
    """The whole (township or county) in bold, then one line per part (village or township)."""
    sheet.title = gettext("Coverage")
    header = [
        first_header,
        gettext("Households to cover"),
        gettext("Covered"),
        gettext("Not covered"),
        gettext("Coverage"),
        unvisited_header,
        gettext("Follow-ups overdue"),
        gettext("Leaders meeting quota"),
        gettext("Party member cadres meeting quota"),
    ]
    append_row(sheet, header, bold=True)
    for number, (name, figures) in enumerate(rows):
        append_row(sheet, _row(name, figures), bold=number == 0)
    for row_cells in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row_cells[0].number_format = "0%"
    sheet.column_dimensions["A"].width = 22


def build_workbook(first_header: str, unvisited_header: str, rows: list[tuple[str, Figures]]) -> bytes:
    workbook = Workbook()
    assert workbook.active is not None
    fill_coverage_sheet(workbook.active, first_header, unvisited_header, rows)
    return workbook_bytes(workbook)


async def coverage_xlsx(data: Coverage, township_name: str) -> bytes:
    unvisited = gettext("Not visited in %(days)s days", days=data.quotas.unvisited_alert_days)
    rows = [(township_name, data.township), *((v.name, v) for v in data.villages)]
    return await asyncio.to_thread(build_workbook, gettext("Township or village"), unvisited, rows)
