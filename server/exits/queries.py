"""Reading exit cases: one case in the viewer's scope (township staff), the township's list, a case's steps and
objections. The county office reads exits on the lists the township sends it (server/county/exits.py)."""

from __future__ import annotations

from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.audit.actions import with_actor_names
from server.exits.tables import ExitCase, ExitObjection, ExitStep
from server.exits.workflow import OPEN_STATES
from server.scope import household_scope_sql

_CASES = """
SELECT c.*, h.code, h.status AS household_status, vl.name AS village_name, vl.population, vl.township,
       (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' LIMIT 1) AS head,
       (SELECT i.submission FROM county_submission_item i WHERE i.kind = 'exit' AND i.subject = c.id
        ORDER BY i.id DESC LIMIT 1) AS county_list
FROM exit_case c JOIN household h ON h.id = c.household JOIN village vl ON vl.id = h.village
WHERE {} AND {}
ORDER BY c.created_at DESC, c.id DESC LIMIT 500
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


async def steps_of(case_id: int) -> list[dict[str, Any]]:
    """The case's steps in order, each with who took it (`who`: the account's name, as the audit trail names it)."""
    rows = await (
        ExitStep.select(*ExitStep.all_columns(), ExitStep.actor.display_name.as_alias("actor_name"))
        .where(ExitStep.case == case_id)
        .order_by(ExitStep.at)
        .order_by(ExitStep.id)
    )
    return with_actor_names(rows)


async def objections_of(case_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await ExitObjection.select().where(ExitObjection.case == case_id).order_by(ExitObjection.received_on)
    )
    return rows
