"""What a user may see, applied in the WHERE clause of every query: the one place scope is decided.

- township admin, leader and inspection group (read only): every household of their township;
- cadre: the households they are actively paired with, plus every household of the village they are
  assigned to (village work team, first secretary);
- employer: no household at all (employers see referrals, through the jobs area's own scoped queries);
- county office: no household at all (it sees figures by township, from aggregate queries on its county).
"""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import Where
from piccolo.querystring import QueryString

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.pairing.tables import Pairing
from server.places.tables import Village

NOTHING = -1  # an id no row has
WHOLE_TOWNSHIP = (Role.ADMIN, Role.LEADER, Role.INSPECTOR)  # roles that see every household of their township


def township_villages(township_id: int | None) -> Any:
    return Village.select(Village.id).where(Village.township == (township_id or NOTHING))


def paired_households(cadre_id: int) -> Any:
    return Pairing.select(Pairing.household).where((Pairing.cadre == cadre_id) & Pairing.ended_on.is_null())


def household_scope(user: CurrentUser) -> Where | Any:
    """A Piccolo condition on Household: `Household.select().where(household_scope(user))`."""
    if user.role in WHOLE_TOWNSHIP:
        return Household.village.is_in(township_villages(user.township_id))
    if user.role is Role.CADRE:
        paired = Household.id.is_in(paired_households(user.id))
        return paired | (Household.village == user.village_id) if user.village_id else paired
    return Household.id == NOTHING


def household_scope_sql(user: CurrentUser, alias: str = "household", household_id: str = "id") -> QueryString:
    """The same rule as SQL for raw queries: `WHERE {}` with this QueryString as the argument.

    `alias` names a row with the household's `village` column and its id in `household_id` ("id" for the household
    table itself, "household" for a table that keeps both, such as the labour force ledger)."""
    if user.role in WHOLE_TOWNSHIP:
        return QueryString(
            f"{alias}.village IN (SELECT id FROM village WHERE township = {{}})", user.township_id or NOTHING
        )
    if user.role is Role.CADRE:  # one IN over both sets (an OR of the two kept every index out: a scan of the year's
        # plans of the whole province for the cadre's home)
        return QueryString(
            f"{alias}.{household_id} IN (SELECT household FROM pairing WHERE cadre = {{}} AND ended_on IS NULL"
            " UNION ALL SELECT id FROM household WHERE village = {})",
            user.id,
            user.village_id or NOTHING,
        )
    return QueryString("FALSE")


def village_scope(user: CurrentUser) -> Where | Any:
    """A Piccolo condition on Village: the villages of the user's township."""
    if user.role in (*WHOLE_TOWNSHIP, Role.CADRE):
        return Village.township == (user.township_id or NOTHING)
    return Village.id == NOTHING


def village_scope_sql(user: CurrentUser, alias: str = "village") -> QueryString:
    """The same rule as SQL for raw queries on the village table (or a row with its `township`)."""
    if user.role in (*WHOLE_TOWNSHIP, Role.CADRE):
        return QueryString(f"{alias}.township = {{}}", user.township_id or NOTHING)
    return QueryString("FALSE")


async def can_see_household(user: CurrentUser, household_id: int) -> bool:
    return await Household.exists().where((Household.id == household_id) & household_scope(user))
