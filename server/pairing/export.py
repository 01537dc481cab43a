"""The coverage figures as an .xlsx workbook (openpyxl), with cells that spreadsheet programs never run."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from server.i18n import gettext
from server.pairing.coverage import CountyCoverage, Coverage, Figures
from server.spreadsheets import safe_cell


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


def build_workbook(first_header: str, unvisited_header: str, rows: list[tuple[str, Figures]]) -> bytes:
    """One sheet: the whole (township or county) in bold, then one line per part (village or township)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
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
    for row in [header, *(_row(name, figures) for name, figures in rows)]:
        sheet.append([safe_cell(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["A2"].font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row_cells[0].number_format = "0%"
    sheet.column_dimensions["A"].width = 22
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def coverage_xlsx(data: Coverage, township_name: str) -> bytes:
    unvisited = gettext("Not visited in %(days)s days", days=data.quotas.unvisited_alert_days)
    rows = [(township_name, data.township), *((v.name, v) for v in data.villages)]
    return await asyncio.to_thread(build_workbook, gettext("Township or village"), unvisited, rows)


async def county_coverage_xlsx(data: CountyCoverage, county_name: str) -> bytes:
    """The county line, then each township's; "not visited" counts by each township's own alert days."""
    unvisited = gettext("Not visited within the township's alert days")
    rows = [(county_name, data.county), *((t.name, t) for t in data.townships)]
    return await asyncio.to_thread(build_workbook, gettext("County or township"), unvisited, rows)
