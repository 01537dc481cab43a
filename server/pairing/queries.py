"""Pairing queries shared by every area that shows who is responsible for a household."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from server.accounts.sessions import CurrentUser
from server.accounts.tables import User
from server.households.tables import Household
from server.pairing.rules import eligible_sql
from server.pairing.tables import Pairing
from server.pairing.visit_figures import VISIT_DATE_COLUMNS, visit_dates_of
from server.scope import household_scope_sql

# A responsible cadre as the screens show one: each field and the column of `pairing p JOIN app_user u` it is read
# from (also as a record inside the household page's one statement, server/households/queries.py).
RESPONSIBLE_CADRE = {
    "household": "p.household", "rank": "p.rank", "started_on": "p.started_on", "cadre_id": "p.cadre",
    "name": "u.display_name", "title": "u.title", "phone": "u.phone", "role": "u.role",
}  # fmt: skip
RESPONSIBLE_CADRES_FROM = "pairing p JOIN app_user u ON u.id = p.cadre"


async def responsible_cadres(household_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Active responsible cadres per household (first, then second), in one query for any number of households."""
    ids = list(household_ids)
    if not ids:
        return {}
    columns = ", ".join(f"{column} AS {field}" for field, column in RESPONSIBLE_CADRE.items())
    rows = await Pairing.raw(
        f"SELECT {columns} FROM {RESPONSIBLE_CADRES_FROM}"
        " WHERE p.household = ANY({}::int[]) AND p.ended_on IS NULL ORDER BY p.household, p.rank",
        ids,
    )
    by_household: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_household[row["household"]].append(row)
    return dict(by_household)


HEAD_NAME_SQL = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1)"


async def household_brief(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    """The household as pairing screens show it, or None when it is out of the user's scope."""
    rows = await Household.raw(
        f"SELECT h.id, h.code, h.status, h.monitoring_type, h.attribute, h.main_cause, h.address,"
        f" h.dilapidated_grade, h.village AS village_id, v.name AS village, v.township AS township_id,"
        f" {HEAD_NAME_SQL} AS head, {eligible_sql('h')} AS eligible"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = {} AND {}",
        household_id,
        household_scope_sql(user, "h"),
    )
    return dict(rows[0]) if rows else None


_HISTORY = """
SELECT p.id, p.household, p.cadre, p.rank, p.started_on, p.ended_on, p.start_reason, p.end_reason,
       c.display_name AS cadre_name, c.role AS cadre_role, c.title AS cadre_title, c.is_active AS cadre_active,
       cb.display_name AS created_by_name, eb.display_name AS ended_by_name,
       h.code AS household_code, v.name AS village, {head} AS head
FROM pairing p
JOIN app_user c ON c.id = p.cadre
JOIN household h ON h.id = p.household
JOIN village v ON v.id = h.village
LEFT JOIN app_user cb ON cb.id = p.created_by
LEFT JOIN app_user eb ON eb.id = p.ended_by
WHERE {where} AND v.township = {{}}
ORDER BY p.ended_on IS NOT NULL, p.ended_on DESC NULLS FIRST, p.rank, p.started_on DESC, p.id DESC
"""


async def household_history(township_id: int | None, household_id: int) -> list[dict[str, Any]]:
    """Every pairing of a household, active first, then the ended ones, newest first."""
    sql = _HISTORY.format(head=HEAD_NAME_SQL, where="p.household = {}")
    return list(await Pairing.raw(sql, household_id, township_id or -1))


async def cadre_history(township_id: int | None, cadre_id: int) -> list[dict[str, Any]]:
    """Every pairing of a cadre (households now and before)."""
    sql = _HISTORY.format(head=HEAD_NAME_SQL, where="p.cadre = {}")
    return list(await Pairing.raw(sql, cadre_id, township_id or -1))


# Each cadre's households from their kept count of active pairings (`app_user.active_households`, kept by triggers on
# `pairing`, migration pairing_2026_12_06t13_10_00).
_CADRES = """
SELECT u.id, u.display_name, u.title, u.role, u.phone, u.is_active, u.village AS village_id, v.name AS village,
       u.active_households AS households
FROM app_user u LEFT JOIN village v ON v.id = u.village
WHERE u.township = {} AND u.role IN ('leader', 'cadre') AND (u.is_active OR {})
ORDER BY u.role DESC, u.display_name, u.id
"""


async def township_cadres(township_id: int | None, include_disabled: bool = False) -> list[dict[str, Any]]:
    """Leaders then ordinary members of a township, with their current number of households."""
    return list(await User.raw(_CADRES, township_id or -1, include_disabled))


async def cadre_brief(township_id: int | None, cadre_id: int) -> dict[str, Any] | None:
    """A leader or ordinary member of the township (active or not), with their current number of households."""
    rows = await User.raw(
        "SELECT u.id, u.display_name, u.title, u.role, u.phone, u.is_active, u.township,"
        " u.active_households AS households"
        " FROM app_user u WHERE u.id = {} AND u.township = {} AND u.role IN ('leader', 'cadre')",
        cadre_id,
        township_id or -1,
    )
    return dict(rows[0]) if rows else None


# A cadre's own household as the homes list it: each field and the column of MY_HOUSEHOLDS_FROM it is read from (also
# as a record inside the home's one statement, server/home/queries.py).
MY_HOUSEHOLD = {
    "id": "h.id", "code": "h.code", "status": "h.status", "monitoring_type": "h.monitoring_type", "village": "v.name",
    "head": HEAD_NAME_SQL, "rank": "p.rank", "started_on": "p.started_on", **VISIT_DATE_COLUMNS,
}  # fmt: skip
# The active pairings of the cadre given as the argument.
MY_HOUSEHOLDS_FROM = (
    "pairing p JOIN household h ON h.id = p.household JOIN village v ON v.id = h.village"
    " WHERE p.cadre = {} AND p.ended_on IS NULL"
)


async def paired_households(cadre_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """The cadre's own households (active pairings), with the last visit and next follow-up when known, the most
    urgent first (`by_urgency`). One statement."""
    columns = ", ".join(f"{column} AS {field}" for field, column in MY_HOUSEHOLD.items())
    return by_urgency(
        [dict(row) for row in await Pairing.raw(f"SELECT {columns} FROM {MY_HOUSEHOLDS_FROM}", cadre_id)], today
    )


def by_urgency(rows: list[dict[str, Any]], today: date | None) -> list[dict[str, Any]]:
    """Households read as MY_HOUSEHOLD, each with its visit dates (`visits`) and how many days its follow-up is late
    (`days_late`), the most urgent first: follow-ups overdue (the latest first), then the next due soonest, then
    those without one."""
    for row in rows:
        row["visits"] = visit_dates_of(row)
        due = row["visits"].next_follow_up
        row["days_late"] = (today - due).days if today and due and due < today else None
    return sorted(rows, key=_urgency)


def _urgency(row: dict[str, Any]) -> tuple[int, date, str, str]:
    due = row["visits"].next_follow_up
    return (0 if row["days_late"] else 1 if due else 2, due or date.max, row["village"], row["code"])


async def search_households(township_id: int | None, q: str, limit: int = 30) -> list[dict[str, Any]]:
    """Households of the township by code or head name (or pinyin initials), with their active cadres' count."""
    like = f"%{q.strip()}%"
    return list(
        await Household.raw(
            f"SELECT h.id, h.code, v.name AS village, {HEAD_NAME_SQL} AS head,"
            " h.active_pairings AS cadres"  # kept by triggers on pairing
            " FROM household h JOIN village v ON v.id = h.village"
            " WHERE v.township = {} AND (h.code ILIKE {} OR EXISTS (SELECT 1 FROM member m WHERE m.household = h.id"
            " AND m.relation = 'head' AND (m.name LIKE {} OR m.initials ILIKE {})))"
            " ORDER BY h.code LIMIT {}",
            township_id or -1,
            like,
            like,
            like,
            limit,
        )
    )
