"""Figures for the home screens, always within the viewer's township."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.households.register import in_register_sql
from server.households.tables import Household
from server.pairing.coverage import Figures
from server.pairing.queries import MY_HOUSEHOLD, MY_HOUSEHOLDS_FROM, by_urgency
from server.pairing.rules import covered_sql, eligible_sql
from server.plans import queries as plan_queries
from server.reports.queries import open_counts_sql as open_reports_sql
from server.standby import from_standby
from server.supervision.finding_pages import open_counts_sql as open_findings_sql
from server.visits.queries import due_counts_sql

IN_REGISTER = in_register_sql("h")
# The township at a glance, and its coverage as the home shows it: the households that need a responsible cadre and
# those that have one, as server/pairing/coverage.py counts them (from the index of the households needing a cadre,
# with their kept count of active pairings), without what the home does not show (the villages' figures, the
# cadres' quotas, the visits).
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
  (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active AND u.role = 'cadre') AS cadres,
  coverage.households AS coverage_households, coverage.covered AS coverage_covered
FROM t, LATERAL (
  SELECT count(*) AS households, count(*) FILTER (WHERE {covered_sql("h")}) AS covered
  FROM household h JOIN village v ON v.id = h.village
  WHERE v.township = t.id AND {eligible_sql("h")}
) coverage
"""


@from_standby
async def township_overview(township_id: int | None) -> tuple[dict[str, Any], Figures]:
    """The township's counts at a glance, and its coverage (households needing a cadre, and covered)."""
    row = dict((await Household.raw(_OVERVIEW, township_id))[0])
    return row, Figures(households=row.pop("coverage_households"), covered=row.pop("coverage_covered"))


# The homes' figures in one statement: open reports of the user's households by kind, the user's open findings and,
# for those with households of their own (cadres, leaders), the households with a follow-up overdue or due this week,
# the open plan items past their date and their paired households (records named by MY_HOUSEHOLD); each counted or
# listed by its own area's query.
_HOME = """
WITH reports AS ({}), findings AS ({}), due AS ({}), plan AS ({})
SELECT coalesce((SELECT n FROM reports WHERE kind = 'difficulty'), 0) AS difficulties,
       coalesce((SELECT n FROM reports WHERE kind = 'complaint'), 0) AS complaints,
       coalesce((SELECT n FROM reports WHERE kind = 'help'), 0) AS help,
       findings.open AS findings, findings.overdue,
       due.overdue AS follow_ups_overdue, due.due_this_week AS follow_ups_due_this_week, plan.n AS plan_overdue,
       {} AS household_records
FROM findings, due, plan
"""
_NO_FOLLOW_UPS = QueryString("SELECT NULL::bigint AS overdue, NULL::bigint AS due_this_week")
_NO_PLAN = QueryString("SELECT NULL::bigint AS n")
_NO_HOUSEHOLDS = QueryString("NULL::record[]")


@dataclass(frozen=True)
class Home:
    attention: dict[str, int]  # open reports by kind, open findings and those past their deadline
    # Only with `own_households`: households with a follow-up `overdue` and `due_this_week`, plan items overdue
    # (`plan_overdue`); the paired households, the most urgent first (pairing.queries.by_urgency).
    due: dict[str, int] | None
    households: list[dict[str, Any]] | None


async def home_figures(user: CurrentUser, today: date, own_households: bool) -> Home:
    """The home's badges in one statement, with the user's follow-ups, plan items overdue and paired households
    only with `own_households` (cadres and leaders)."""
    if own_households:
        columns = ", ".join(MY_HOUSEHOLD.values())
        mine = QueryString(f"ARRAY(SELECT ({columns}) FROM {MY_HOUSEHOLDS_FROM})", user.id)
        parts = (due_counts_sql(user), plan_queries.overdue_count_sql(user, today.year), mine)
    else:
        parts = (_NO_FOLLOW_UPS, _NO_PLAN, _NO_HOUSEHOLDS)
    row = (await Household.raw(_HOME, open_reports_sql(user), open_findings_sql(user, today), *parts))[0]
    due = {key: row.pop(column) for key, column in _DUE.items()}
    records = row.pop("household_records")
    if not own_households:
        return Home({key: int(value) for key, value in row.items()}, None, None)
    households = by_urgency([dict(zip(MY_HOUSEHOLD, record, strict=True)) for record in records], today)
    return Home({key: int(value) for key, value in row.items()}, due, households)


_DUE = {"overdue": "follow_ups_overdue", "due_this_week": "follow_ups_due_this_week", "plan_overdue": "plan_overdue"}
