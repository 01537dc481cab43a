"""Photos used twice, as pairs side by side for the township office and the inspection group (one query)."""

from __future__ import annotations

from typing import Any

from server.accounts.sessions import CurrentUser
from server.scope import household_scope_sql
from server.visits.tables import PhotoMatch

_SIDE = """
{p}.id AS {p}_photo, {p}v.id AS {p}_visit, {p}v.visited_at AS {p}_at, {p}u.display_name AS {p}_cadre,
{p}h.code AS {p}_code, {p}l.name AS {p}_village,
(SELECT m.name FROM member m WHERE m.household = {p}h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1) AS {p}_head
"""
_JOIN = """
JOIN visit_photo {p} ON {p}.id = m.{column} JOIN visit {p}v ON {p}v.id = {p}.visit
JOIN app_user {p}u ON {p}u.id = {p}v.cadre JOIN household {p}h ON {p}h.id = {p}v.household
JOIN village {p}l ON {p}l.id = {p}h.village
"""
_PAIRS = f"""
SELECT m.id, m.distance, m.found_at, {_SIDE.format(p="later")}, {_SIDE.format(p="first")}
FROM photo_match m {_JOIN.format(p="later", column="photo")} {_JOIN.format(p="first", column="earlier")}
WHERE {{}} AND {{}}
ORDER BY m.found_at DESC, m.id DESC
LIMIT 100
"""


async def photo_pairs(user: CurrentUser) -> list[dict[str, Any]]:
    """The latest pairs whose two visits are both in the user's scope, newest first."""
    rows: list[dict[str, Any]] = await PhotoMatch.raw(
        _PAIRS, household_scope_sql(user, "laterh"), household_scope_sql(user, "firsth")
    )
    return rows


async def pair_count(user: CurrentUser) -> int:
    rows = await PhotoMatch.raw(
        "SELECT count(*) AS n FROM photo_match m JOIN visit_photo p ON p.id = m.photo JOIN visit v ON v.id = p.visit"
        " JOIN household h ON h.id = v.household WHERE {}",
        household_scope_sql(user, "h"),
    )
    return int(rows[0]["n"])
