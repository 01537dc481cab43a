"""The audit search result as an .xlsx workbook: masked details, cells that spreadsheets never run as formulas."""

from __future__ import annotations

import asyncio
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from server.audit.display import Names, shown
from server.audit.search import EXPORT_LIMIT
from server.clock import local_time
from server.i18n import gettext
from server.spreadsheets import safe_cell


def _detail_text(row: dict[str, Any], names: Names) -> str:
    event = shown(row, names=names)
    parts = [f"{name}: {old} → {new}" if old else f"{name}: {new}" for name, old, new in event.changes]
    parts += [
        f"{fact.name}: {fact.value}" + (f" ({'、'.join(fact.lines)})" if fact.lines else "") for fact in event.facts
    ]
    return "; ".join(parts)


def build_workbook(rows: list[dict[str, Any]], names: Names | None = None) -> bytes:
    """`names`: of what the events name by id (server.audit.search.names), as the page shows them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Audit trail")
    header = [gettext("Time"), gettext("Action"), gettext("Who"), gettext("Username"), gettext("Target"),
              gettext("IP address"), gettext("Detail")]  # fmt: skip
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows[:EXPORT_LIMIT]:
        event = shown(row, names=names)
        values = [local_time(event.at, "%Y-%m-%d %H:%M:%S"), event.action, event.who, event.username, event.target,
                  event.ip, _detail_text(row, names or {})]  # fmt: skip
        sheet.append([safe_cell(value) for value in values])
    if len(rows) > EXPORT_LIMIT:
        sheet.append([])
        sheet.append([safe_cell(gettext("Only the newest %(n)s entries: narrow the search.", n=EXPORT_LIMIT))])
    for column, width in zip("ABCDEFG", (20, 22, 12, 14, 18, 16, 80), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def audit_xlsx(rows: list[dict[str, Any]], names: Names | None = None) -> bytes:
    return await asyncio.to_thread(build_workbook, rows, names)
