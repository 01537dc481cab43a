"""Figures for leaders: open jobs, referrals, placements, still employed at 3 and 6 months, by village; as .xlsx."""

from __future__ import annotations

import asyncio
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from server.i18n import gettext
from server.jobs.tables import JobPost
from server.spreadsheets import safe_cell

COLUMNS = ("open_jobs", "referrals", "placements", "working", "employed_3", "employed_6")

_BY_VILLAGE = """
WITH r AS (
  SELECT h.village, r.id AS referral, p.id AS placement, p.status AS placement_status,
         EXISTS (SELECT 1 FROM placement_check c WHERE c.placement = p.id AND c.months = 3 AND c.still_working) AS at3,
         EXISTS (SELECT 1 FROM placement_check c WHERE c.placement = p.id AND c.months = 6 AND c.still_working) AS at6
  FROM referral r JOIN member m ON m.id = r.member JOIN household h ON h.id = m.household
  LEFT JOIN placement p ON p.referral = r.id
  WHERE h.village IN (SELECT id FROM village WHERE township = {})
)
SELECT v.id, v.name,
  (SELECT count(*) FROM job_post j
    WHERE j.village = v.id AND j.status = 'open' AND j.closing_date >= {}) AS open_jobs,
  count(r.referral) AS referrals, count(r.placement) AS placements,
  count(*) FILTER (WHERE r.placement_status = 'working') AS working,
  count(*) FILTER (WHERE r.at3) AS employed_3, count(*) FILTER (WHERE r.at6) AS employed_6
FROM village v LEFT JOIN r ON r.village = v.id
WHERE v.township = {}
GROUP BY v.id ORDER BY v.code
"""


async def figures(township_id: int | None, today: date) -> dict[str, Any]:
    """{'villages': [...], 'total': {...}}; open jobs in the total count jobs without a village too."""
    township = township_id or -1
    villages = [dict(row) for row in await JobPost.raw(_BY_VILLAGE, township, today, township)]
    total: dict[str, Any] = {column: sum(row[column] for row in villages) for column in COLUMNS}
    total["open_jobs"] = await JobPost.count().where(
        (JobPost.township == township) & (JobPost.status == "open") & (JobPost.closing_date >= today)
    )
    return {"villages": villages, "total": total}


def _workbook(data: dict[str, Any], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("Employment")
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True)
    header = [
        gettext("Village"),
        gettext("Open jobs"),
        gettext("Referrals"),
        gettext("Placements"),
        gettext("Working now"),
        gettext("Still employed after 3 months"),
        gettext("Still employed after 6 months"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in data["villages"]:
        sheet.append([safe_cell(row["name"]), *(row[column] for column in COLUMNS)])
    sheet.append([gettext("Whole township"), *(data["total"][column] for column in COLUMNS)])
    sheet.column_dimensions["A"].width = 18
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def figures_xlsx(data: dict[str, Any], title: str) -> bytes:
    return await asyncio.to_thread(_workbook, data, title)
