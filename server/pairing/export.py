"""The coverage figures as an .xlsx workbook (openpyxl), with cells that spreadsheet programs never run."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from server.i18n import gettext
from server.pairing.coverage import Coverage, Figures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def build_workbook(data: Coverage, township_name: str) -> bytes:
    """One sheet: the township line, then one line per village; a note when visit figures are not known yet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Coverage")
    days = data.quotas.unvisited_alert_days
    header = [
        gettext("Township or village"),
        gettext("Households to cover"),
        gettext("Covered"),
        gettext("Not covered"),
        gettext("Coverage"),
        gettext("Not visited in %(days)s days", days=days),
        gettext("Follow-ups overdue"),
        gettext("Leaders meeting quota"),
        gettext("Party member cadres meeting quota"),
    ]
    rows = [_row(township_name, data.township)] + [_row(v.name, v) for v in data.villages]
    for row in [header, *rows]:
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
    return await asyncio.to_thread(build_workbook, data, township_name)
