"""Reading exit cases: one case in the viewer's scope (township staff) or in the county office's county, the
township's list, the county's cases awaiting its decision, a case's steps and objections."""

from __future__ import annotations

from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.exits.tables import ExitCase, ExitObjection, ExitStep
from server.exits.workflow import OPEN_STATES, State
from server.scope import household_scope_sql

_CASES = """
SELECT c.*, h.code, h.status AS household_status, vl.name AS village_name, vl.population, vl.township,
       (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' LIMIT 1) AS head
FROM exit_case c JOIN household h ON h.id = c.household JOIN village vl ON vl.id = h.village
WHERE {} AND {}
ORDER BY c.created_at DESC, c.id DESC LIMIT 500
"""
# The county office sees no names: the household's number and village, and the case itself.
_COUNTY_CASES = """
SELECT c.*, h.code, vl.name AS village_name, t.name AS township_name
FROM exit_case c JOIN household h ON h.id = c.household JOIN village vl ON vl.id = h.village
JOIN township t ON t.id = vl.township
WHERE t.county = {} AND {}
ORDER BY c.reviewed_on, c.id LIMIT 500
"""


async def case_in_scope(user: CurrentUser, case_id: int) -> dict[str, Any] | None:
    rows = await ExitCase.raw(_CASES, household_scope_sql(user, "h"), QueryString("c.id = {}", case_id))
    return dict(rows[0]) if rows else None


async def township_cases(user: CurrentUser) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await ExitCase.raw(_CASES, household_scope_sql(user, "h"), QueryString("TRUE"))
    return rows


async def open_case_of(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    rows = await ExitCase.raw(
        _CASES,
        household_scope_sql(user, "h"),
        QueryString("c.household = {} AND c.state = ANY({})", household_id, [s.value for s in OPEN_STATES]),
    )
    return dict(rows[0]) if rows else None


async def county_case(user: CurrentUser, case_id: int) -> dict[str, Any] | None:
    rows = await ExitCase.raw(_COUNTY_CASES, user.county_id or -1, QueryString("c.id = {}", case_id))
    return dict(rows[0]) if rows else None


async def county_pending(user: CurrentUser) -> list[dict[str, Any]]:
    """Reviewed by their township, awaiting the county's decision, or approved and awaiting the announcement."""
    rows: list[dict[str, Any]] = await ExitCase.raw(
        _COUNTY_CASES,
        user.county_id or -1,
        QueryString("c.state = ANY({})", [State.REVIEWED.value, State.APPROVED.value]),
    )
    return rows


async def steps_of(case_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await ExitStep.select(*ExitStep.all_columns(), ExitStep.actor.display_name.as_alias("actor_name"))
        .where(ExitStep.case == case_id)
        .order_by(ExitStep.at)
        .order_by(ExitStep.id)
    )
    return rows


async def objections_of(case_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await ExitObjection.select().where(ExitObjection.case == case_id).order_by(ExitObjection.received_on)
    )
    return rows
