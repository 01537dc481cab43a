"""The coverage figures as an .xlsx workbook (openpyxl), with cells that spreadsheet programs never run."""

from __future__ import annotations

import asyncio
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from server.clock import TIMEZONE
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


def build_pending_workbook(title: str, rows: list[dict[str, Any]]) -> bytes:
    """The households behind a figure, in the order shown, with whom to call."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    header = ["Household number", "Head of household", "Village", "Responsible cadre", "Phone", "Due on", "Days late"]
    append_row(sheet, [*(gettext(h) for h in header), gettext("Last visit")], bold=True)
    for row in rows:
        last = row["last_visit"]
        append_row(
            sheet,
            [
                row["code"], row["head"] or "", row["village"], row["cadre_name"] or "", row["cadre_phone"] or "",
                row["due_on"], row["days_late"], last.astimezone(TIMEZONE).date() if last else "",
            ],
        )  # fmt: skip
    sheet.column_dimensions["A"].width = 22
    return workbook_bytes(workbook)


async def pending_xlsx(title: str, rows: list[dict[str, Any]]) -> bytes:
    return await asyncio.to_thread(build_pending_workbook, title, rows)
