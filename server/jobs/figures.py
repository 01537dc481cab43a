"""Figures for leaders: open jobs, referrals, placements, still employed at a placement's second and third checks (3
and 6 months by default), by village; as .xlsx. The county office sees the same figures by township."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from server import policy
from server.i18n import gettext
from server.jobs.placements import CHECK_RULES, check_months_of
from server.jobs.tables import JobPost
from server.spreadsheets import append_row, workbook_bytes
from server.standby import from_standby

COLUMNS = ("open_jobs", "referrals", "placements", "working", "employed_second", "employed_third")

# Referrals of members of the townships `{towns}` selects (one township, or a county's), with their outcomes.
_REFERRALS = """
WITH r AS (
  SELECT h.village, v.township, r.id AS referral, p.id AS placement, p.status AS placement_status,
         ck.at_first, ck.at_second, ck.at_third
  FROM referral r JOIN member m ON m.id = r.member JOIN household h ON h.id = m.household
  JOIN village v ON v.id = h.village LEFT JOIN placement p ON p.referral = r.id
  LEFT JOIN LATERAL (
    SELECT bool_or(k.still_working) FILTER (WHERE k.n = 1) AS at_first,
           bool_or(k.still_working) FILTER (WHERE k.n = 2) AS at_second,
           bool_or(k.still_working) FILTER (WHERE k.n = 3) AS at_third
    FROM (SELECT c.still_working, row_number() OVER (ORDER BY c.months) AS n
          FROM placement_check c WHERE c.placement = p.id) k
  ) ck ON TRUE
  WHERE v.township IN (SELECT id FROM township WHERE {towns})
)
"""
_COUNTS = """count(r.referral) AS referrals, count(r.placement) AS placements,
  count(*) FILTER (WHERE r.placement_status = 'working') AS working,
  count(*) FILTER (WHERE r.at_first) AS employed_first,
  count(*) FILTER (WHERE r.at_second) AS employed_second, count(*) FILTER (WHERE r.at_third) AS employed_third"""
_OPEN = "j.status = 'open' AND j.closing_date >= {}"

_BY_VILLAGE = (
    _REFERRALS.format(towns="id = {}")
    + f"""
SELECT v.id, v.name, (SELECT count(*) FROM job_post j WHERE j.village = v.id AND {_OPEN}) AS open_jobs, {_COUNTS}
FROM village v LEFT JOIN r ON r.village = v.id
WHERE v.township = {{}}
GROUP BY v.id ORDER BY v.code
"""
)

# With the county's months of the placement checks (for the headings), looked up once for the statement (a subquery
# that refers to no row: the county and the day as its own arguments).
_CHECK_MONTHS = ", ".join(policy.county_sql(rule, "a.county", "a.day") for rule in CHECK_RULES)
_BY_TOWNSHIP = (
    _REFERRALS.format(towns="county = {}")
    + f"""
SELECT t.id, t.name, (SELECT count(*) FROM job_post j WHERE j.township = t.id AND {_OPEN}) AS open_jobs, {_COUNTS},
       (SELECT ARRAY[{_CHECK_MONTHS}] FROM (SELECT {{}}::int AS county, {{}}::date AS day) a) AS check_months
FROM township t LEFT JOIN r ON r.township = t.id
WHERE t.county = {{}}
GROUP BY t.id ORDER BY t.code
"""
)


@from_standby
async def figures(township_id: int | None, today: date) -> dict[str, Any]:
    """{'villages': [...], 'total': {...}, 'check_months': (1, 3, 6)}; open jobs in the total count jobs without a
    village too."""
    township = township_id or -1
    villages = [dict(row) for row in await JobPost.raw(_BY_VILLAGE, township, today, township)]
    total: dict[str, Any] = {column: sum(row[column] for row in villages) for column in COLUMNS}
    total["open_jobs"] = await JobPost.count().where(
        (JobPost.township == township) & (JobPost.status == "open") & (JobPost.closing_date >= today)
    )
    return {"villages": villages, "total": total, "check_months": await check_months_of(township_id, today)}


@from_standby
async def county_figures(county_id: int | None, today: date) -> dict[str, Any]:
    """{'townships': [...], 'total': {...}, 'check_months': ...}: the county office's view."""
    county = county_id or -1
    townships = [dict(row) for row in await JobPost.raw(_BY_TOWNSHIP, county, today, county, today, county)]
    total: dict[str, Any] = {column: sum(row[column] for row in townships) for column in COLUMNS}
    if townships:
        months = tuple(rule.convert(m) for rule, m in zip(CHECK_RULES, townships[0]["check_months"], strict=True))
    else:  # no row to bring them
        months = tuple(await policy.county_values(CHECK_RULES, county_id, today))
    for row in townships:
        del row["check_months"]
    return {"townships": townships, "total": total, "check_months": months}


def fill_figures_sheet(
    sheet: Worksheet,
    title: str,
    first_header: str,
    rows: list[dict[str, Any]],
    total: tuple[str, dict[str, Any]],
    check_months: tuple[int, ...],
) -> None:
    """A title line, the header, one line per village (or township), then the whole township's (or county's)."""
    sheet.title = gettext("Employment")
    append_row(sheet, [title], bold=True)
    header = [
        first_header,
        gettext("Open jobs"),
        gettext("Referrals"),
        gettext("Placements"),
        gettext("Working now"),
        gettext("Still employed after %(n)s months", n=check_months[1]),
        gettext("Still employed after %(n)s months", n=check_months[2]),
    ]
    append_row(sheet, header, bold=True)
    for row in rows:
        append_row(sheet, [row["name"], *(row[column] for column in COLUMNS)])
    total_label, figures = total
    append_row(sheet, [total_label, *(figures[column] for column in COLUMNS)], bold=True)
    sheet.column_dimensions["A"].width = 18


def _workbook(data: dict[str, Any], title: str) -> bytes:
    book = Workbook()
    assert book.active is not None
    whole = (gettext("Whole township"), data["total"])
    fill_figures_sheet(book.active, title, gettext("Village"), data["villages"], whole, data["check_months"])
    return workbook_bytes(book)


async def figures_xlsx(data: dict[str, Any], title: str) -> bytes:
    return await asyncio.to_thread(_workbook, data, title)
