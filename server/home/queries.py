"""Figures for the home screens, always within the viewer's township."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.households.register import in_register_sql
from server.households.tables import Household
from server.reports.queries import open_counts_sql as open_reports_sql
from server.standby import from_standby
from server.supervision.finding_pages import open_counts_sql as open_findings_sql
from server.visits.queries import due_counts_sql

IN_REGISTER = in_register_sql("h")
_OVERVIEW = f"""
WITH t AS (SELECT {{}}::int AS id)
SELECT
  (SELECT count(*) FROM village v WHERE v.township = t.id) AS villages,
  (SELECT count(*) FROM village v WHERE v.township = t.id AND v.key_level <> '') AS key_villages,
  (SELECT count(*) FROM household h JOIN village v ON v.id = h.village WHERE v.township = t.id
     AND {IN_REGISTER}) AS households,
  (SELECT count(*) FROM member m JOIN household h ON h.id = m.household JOIN village v ON v.id = h.village
     WHERE v.township = t.id AND {IN_REGISTER}) AS members,
  (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active AND u.role = 'leader') AS leaders,
  (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active AND u.role = 'cadre') AS cadres
FROM t
"""


@from_standby
async def township_overview(township_id: int | None) -> dict[str, Any]:
    rows = await Household.raw(_OVERVIEW, township_id)
    return dict(rows[0])


# The homes' badges: open reports of the user's households by kind, the user's open findings and, for those with
# households of their own, the households with a follow-up overdue or due this week; each counted by its own area's
# query, all read in one statement.
_BADGES = """
WITH reports AS ({}), findings AS ({}), due AS ({})
SELECT coalesce((SELECT n FROM reports WHERE kind = 'difficulty'), 0) AS difficulties,
       coalesce((SELECT n FROM reports WHERE kind = 'complaint'), 0) AS complaints,
       coalesce((SELECT n FROM reports WHERE kind = 'help'), 0) AS help,
       findings.open AS findings, findings.overdue,
       due.overdue AS follow_ups_overdue, due.due_this_week AS follow_ups_due_this_week
FROM findings, due
"""
_NO_FOLLOW_UPS = QueryString("SELECT NULL::bigint AS overdue, NULL::bigint AS due_this_week")


@dataclass(frozen=True)
class Badges:
    attention: dict[str, int]  # open reports by kind, open findings and those past their deadline
    due: dict[str, int] | None  # households with a follow-up `overdue` and `due_this_week` (None: not asked)


async def badges(user: CurrentUser, today: date, follow_ups: bool) -> Badges:
    """The home's badges in one statement; the follow-ups' only with `follow_ups` (cadres and leaders)."""
    due_sql = due_counts_sql(user) if follow_ups else _NO_FOLLOW_UPS
    row = (await Household.raw(_BADGES, open_reports_sql(user), open_findings_sql(user, today), due_sql))[0]
    due = {"overdue": row.pop("follow_ups_overdue"), "due_this_week": row.pop("follow_ups_due_this_week")}
    return Badges({key: int(value) for key, value in row.items()}, due if follow_ups else None)
