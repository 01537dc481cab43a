"""The return-to-poverty rate per village and for the township, against the 3.5 % cap, with the lists behind it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from server.households.tables import Household
from server.monitoring.rate import LIFTED
from server.places.tables import Village
from tests.monitoring.conftest import as_user, partial_index


async def households(village: int, status: str, count: int) -> None:
    await Household.insert(
        *[Household(code=uuid.uuid4().hex[:12], village=village, status=status) for _ in range(count)]
    )


async def test_the_rate_is_returned_over_lifted_per_village_and_for_the_township(
    client: httpx.AsyncClient, world: dict[str, Any], township: dict[str, int]
) -> None:
    # 双河村: the world's 3 lifted households + 35 lifted + 2 returned = 40 lifted, 2 returned → 5.00 % (over 3.5 %)
    await households(world["village"], "out_unsupported", 35)
    await households(world["village"], "returned", 2)
    other = Village(township=township["township"], name="石岭村", code="371326105002")
    await other.save()
    # 石岭村: 10 lifted, none returned → 0.00 %; never-poor households count nowhere
    await households(other.id, "out_supported", 10)
    await households(other.id, "none", 7)
    page = await (await as_user(client, "mleader")).get("/monitoring/rate")
    assert page.status_code == 200
    township_cell = page.text.split('data-rate="township"', 1)[1].split('data-rate="', 1)[0]
    assert "4.00%" in township_cell
    assert "返贫 2 户" in township_cell
    assert "脱贫 50 户" in township_cell
    first = page.text.split(f'data-rate="{world["village"]}"', 1)[1].split('data-rate="', 1)[0]
    assert "5.00%" in first
    assert "text-warn" in first
    assert 'width="71.4"' in first  # 5.00 % on a bar whose full width is 7 % (twice the cap)
    second = page.text.split(f'data-rate="{other.id}"', 1)[1]
    assert "0.00%" in second
    assert "返贫 0 户" in second
    assert "脱贫 10 户" in second
    overview = await client.get("/monitoring")
    assert "4.00%" in overview.text


async def test_the_overviews_township_rate_is_the_whole_of_the_villages_rates(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    from dataclasses import replace

    from server.accounts.roles import Role
    from server.accounts.sessions import CurrentUser
    from server.clock import this_year, today
    from server.monitoring.queries import overview
    from server.monitoring.yearly import rate_page, township_years
    from server.places.tables import Township
    from tests.monitoring.conftest import make_household

    await households(world["village"], "returned", 2)
    other = Village(township=township["township"], name="石岭村", code="371326105002")
    await other.save()
    await households(other.id, "out_supported", 10)
    await make_household(other.id, "返贫户", 3000, members=4, status="returned")
    empty = Township(county=township["county"], name="无村镇", code="371326199000")
    await empty.save()
    leader = CurrentUser(world["leader"], "mleader", "", Role.LEADER, township["township"], None, None, "zh_CN", "")
    for user in (leader, replace(leader, township_id=empty.id), replace(leader, township_id=None)):
        figures = await rate_page(user, today(), this_year())  # the villages' rates with the years, in one statement
        assert (await overview(user, this_year(), 20, 10, today())).township_rate == figures.township
        assert figures.years == await township_years(user.township_id or -1, this_year())


async def test_the_households_behind_each_number_are_listed(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    await households(world["village"], "returned", 2)
    await as_user(client, "mleader")
    returned = await client.get(f"/monitoring/rate/households?which=returned&village={world['village']}")
    assert returned.text.count('class="cell" href="/households/') == 2
    lifted = await client.get("/monitoring/rate/households?which=lifted")
    assert lifted.text.count('class="cell" href="/households/') == 5  # 3 out_supported + 2 returned
    assert f'href="/households/{world["poor"]}"' not in lifted.text


async def test_a_village_without_lifted_households_has_no_rate(
    client: httpx.AsyncClient, world: dict[str, Any], township: dict[str, int]
) -> None:
    other = Village(township=township["township"], name="新村", code="371326105009")
    await other.save()
    page = await (await as_user(client, "mleader")).get("/monitoring/rate")
    cell = page.text.split(f'data-rate="{other.id}"', 1)[1]
    assert "—%" in cell


async def test_the_rate_in_people_equals_a_direct_count_of_the_members(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    from server.households.tables import Member
    from tests.monitoring.conftest import make_household

    await make_household(world["village"], "返贫户", 3000, members=3, status="returned")
    page = await (await as_user(client, "mleader")).get("/monitoring/rate")
    township_cell = page.text.split('data-rate="township"', 1)[1].split('data-rate="', 1)[0]
    people = township_cell.split("data-people>", 1)[1].split("</div>", 1)[0]
    lifted = await Member.count().where(
        Member.household.is_in(
            Household.select(Household.id).where(
                Household.status.is_in(["out_supported", "out_unsupported", "returned"])
            )
        )
    )
    returned = await Member.count().where(
        Member.household.is_in(Household.select(Household.id).where(Household.status == "returned"))
    )
    assert returned > 0
    assert f"返贫 {returned} 人" in people
    assert f"脱贫 {lifted} 人" in people


async def test_the_lifted_households_index_holds_what_the_rate_reads(db: Any) -> None:
    """The partial index `household_lifted` holds exactly the households the rate counts (LIFTED) and every column the
    rate reads of them, so the rate can read the index alone (when LIFTED changes, so must the index). The index's
    definition is compared, not a plan: whether the planner picks it depends on the table's statistics."""
    values, columns = await partial_index(db, "household_lifted")
    assert values == set(LIFTED)
    assert {"village", "status", "member_count"} <= columns
