"""Scope: who sees which households, decided in the query itself."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.pairing.tables import Pairing
from server.places.tables import Township, Village
from server.scope import household_scope, household_scope_sql


def as_user(user_id: int, role: Role, township: int | None, village: int | None = None) -> CurrentUser:
    return CurrentUser(user_id, "u", "U", role, township, village, None, "zh_CN", "key")


async def visible(user: CurrentUser) -> set[str]:
    rows = await Household.select(Household.code).where(household_scope(user))
    raw = await Household.raw("SELECT code FROM household WHERE {}", household_scope_sql(user))
    codes = {row["code"] for row in rows}
    assert codes == {row["code"] for row in raw}, "the SQL form and the Piccolo form disagree"
    return codes


async def test_each_role_sees_only_its_households(township: dict[str, int], make_user: Any) -> None:
    other_town = Township(county=township["county"], name="保太镇", code="371326106000")
    await other_town.save()
    second_village = Village(township=township["township"], name="周庄村", code="371326105002")
    far_village = Village(township=other_town.id, name="外村", code="371326106001")
    await Village.insert(second_village, far_village)
    paired = Household(code="H-PAIRED", village=township["village"])
    same_village = Household(code="H-VILLAGE", village=township["village"])
    other_village = Household(code="H-OTHER", village=second_village.id)
    other_township = Household(code="H-FAR", village=far_village.id)
    await Household.insert(paired, same_village, other_village, other_township)
    cadre_id = await make_user("cadre")
    await Pairing.insert(Pairing(household=paired.id, cadre=cadre_id, started_on=date(2026, 1, 1)))
    await Pairing.insert(
        Pairing(household=other_village.id, cadre=cadre_id, started_on=date(2025, 1, 1), ended_on=date(2025, 12, 31))
    )

    town = township["township"]
    assert await visible(as_user(1, Role.ADMIN, town)) == {"H-PAIRED", "H-VILLAGE", "H-OTHER"}
    assert await visible(as_user(1, Role.LEADER, town)) == {"H-PAIRED", "H-VILLAGE", "H-OTHER"}
    assert await visible(as_user(cadre_id, Role.CADRE, town)) == {"H-PAIRED"}
    assert await visible(as_user(cadre_id, Role.CADRE, town, township["village"])) == {"H-PAIRED", "H-VILLAGE"}
    assert await visible(as_user(1, Role.EMPLOYER, None)) == set()
    county_office = CurrentUser(
        1, "u", "U", Role.COUNTY, None, None, None, "zh_CN", "key", county_id=township["county"]
    )
    assert await visible(county_office) == set(), "the county office sees figures, never households"
