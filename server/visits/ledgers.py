"""Ledgers made from recorded visits, never retyped: a cadre's monthly work log (and the workbook writer)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from server.accounts.sessions import CurrentUser
from server.clock import TIMEZONE
from server.codes import MEASURE_TYPE
from server.households.tables import Household
from server.i18n import N_, gettext
from server.scope import household_scope_sql
from server.spreadsheets import safe_cell
from server.visits.codes import VISIT_KIND
from server.visits.pages import VISIT_COLUMNS, VISIT_FROM, attach


def parse_month(text: str) -> date:
    """'2026-11' → 2026-11-01; anything else → the current month."""
    try:
        year, month = (int(part) for part in text.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        now = datetime.now(TIMEZONE)
        return date(now.year, now.month, 1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


async def monthly_log(user: CurrentUser, cadre_id: int, month: date) -> list[dict[str, Any]]:
    """The cadre's visits of the month (oldest first), in the viewer's scope, with their measures."""
    start = datetime(month.year, month.month, 1, tzinfo=TIMEZONE)
    end = datetime(next_month(month).year, next_month(month).month, 1, tzinfo=TIMEZONE)
    # The visit pages' own columns: `attach` reads what they select (the distance a leader sees needs the home's).
    visits: list[dict[str, Any]] = await Household.raw(
        f"SELECT {VISIT_COLUMNS}{VISIT_FROM}"
        " WHERE v.cadre = {} AND v.visited_at >= {} AND v.visited_at < {} AND {} ORDER BY v.visited_at, v.id",
        cadre_id,
        start,
        end,
        household_scope_sql(user, "h"),
    )
    attach(visits, user)
    return visits


def measures_text(measures: list[dict[str, Any]]) -> str:
    parts = []
    for measure in measures:
        amount = f" {measure['amount']:.2f}元" if measure["amount"] is not None else ""
        parts.append(
            f"{MEASURE_TYPE.label(measure['type'])}{amount}" + (f"({measure['note']})" if measure["note"] else "")
        )
    return "; ".join(parts)


def workbook(title: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([safe_cell(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, Decimal | float):
                cell.number_format = "0.00"
            elif isinstance(cell.value, datetime | date):
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(cell.value, datetime) else "yyyy-mm-dd"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def monthly_log_xlsx(visits: list[dict[str, Any]], month: date, cadre_name: str) -> bytes:
    headers = [gettext(h) for h in (N_("Date"), N_("Household"), N_("Village"), N_("Kind"), N_("What was done"),
                                    N_("Measures"), N_("Problems found"), N_("Photos"))]  # fmt: skip
    rows = [
        [
            visit["visited_at"].astimezone(TIMEZONE).replace(tzinfo=None),
            f"{visit['head'] or ''} {visit['code']}".strip(),
            visit["village_name"],
            VISIT_KIND.label(visit["kind"]),
            visit["note"],
            measures_text(visit["measures"]),
            visit["problems"],
            len(visit["photos"]),
        ]
        for visit in visits
    ]
    title = f"{cadre_name} {month:%Y-%m}"
    return await asyncio.to_thread(workbook, title, headers, rows, [17, 18, 12, 10, 40, 30, 30, 8])
