"""Figures for the home screens, always within the viewer's township."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.accounts.sessions import CurrentUser
from server.households.register import in_register_sql
from server.households.tables import Household
from server.reports.queries import open_counts_sql as open_reports_sql
from server.standby import from_standby
from server.supervision.finding_pages import open_counts_sql as open_findings_sql

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


# The homes' badges: open reports of the user's households by kind and the user's open findings, each counted by
# its own area's query, both read in one statement.
_ATTENTION = """
WITH reports AS ({}), findings AS ({})
SELECT coalesce((SELECT n FROM reports WHERE kind = 'difficulty'), 0) AS difficulties,
       coalesce((SELECT n FROM reports WHERE kind = 'complaint'), 0) AS complaints,
       coalesce((SELECT n FROM reports WHERE kind = 'help'), 0) AS help,
       findings.open AS findings, findings.overdue
FROM findings
"""


async def attention(user: CurrentUser, today: date) -> dict[str, int]:
    """Reports from the user's households and rectifications assigned to them, open: one statement."""
    rows = await Household.raw(_ATTENTION, open_reports_sql(user), open_findings_sql(user, today))
    return {key: int(value) for key, value in rows[0].items()}
