"""The plan items not yet met (`plan_item_open`) are kept by the database (migration plans_2026_12_06t17_55_00): after
every way they can change, the kept items equal a fresh count by the rule (the n-th item of a type in a plan, by date,
is met when its household received at least n measures of the type in the plan's year), and the coverage page's
overdue figure per village reads them: items added, their date and type changed, deleted; measures delivered by a
visit and the visit deleted; a plan moved to another household and year; a household moved to another village; a
plan and a household deleted; the demo (tests/demo/test_kept_counts.py)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx

from server.clock import this_year, today
from server.households.tables import Household
from server.pairing.coverage import coverage
from server.plans.tables import HelpPlan, HelpPlanItem
from server.visits.tables import Visit
from tests.visits.conftest import send_visit

# Kept open items that differ from a fresh count by the rule, and fresh ones not kept (none when exact).
MISCOUNTED = """
WITH fresh AS (
    SELECT x.id AS item, format('%s %s %s %s', x.household, x.village, x.year, x.due_on) AS what FROM (
        SELECT i.id, p.household, h.village, p.year, i.type, i.due_on,
               row_number() OVER (PARTITION BY i.plan, i.type ORDER BY i.due_on, i.id) AS rank
        FROM help_plan_item i JOIN help_plan p ON p.id = i.plan JOIN household h ON h.id = p.household
    ) x LEFT JOIN delivered_count got ON got.household = x.household AND got.year = x.year AND got.type = x.type
    WHERE x.rank > coalesce(got.n, 0)
), kept AS (
    SELECT item, format('%s %s %s %s', household, village, year, due_on) AS what FROM plan_item_open
)
(SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)
"""


async def open_items() -> dict[int, tuple[int, int]]:
    """Every kept open item (its household and village), after checking that they are exactly the rule's."""
    assert await Household.raw(MISCOUNTED) == []
    rows = await Household.raw("SELECT item, household, village FROM plan_item_open")
    return {row["item"]: (row["household"], row["village"]) for row in rows}


async def add_items(plan: int, *items: tuple[str, date]) -> list[int]:
    rows = await HelpPlanItem.insert(
        *[HelpPlanItem(plan=plan, client_id=uuid.uuid4(), type=kind, due_on=due) for kind, due in items]
    )
    return [row["id"] for row in rows]


async def overdue_by_village(township: int, year: int) -> dict[int, int]:
    figures = await coverage(township, plan_year=year)
    return {village.id: village.plan_overdue for village in figures.villages if village.plan_overdue}


async def test_items_added_changed_and_deleted_keep_the_open_items(world: dict[str, int]) -> None:
    household, year = world["monitored"], this_year()
    [plan] = await HelpPlan.insert(HelpPlan(household=household, year=year))
    early, late = date(year, 1, 1), date(year, 12, 31)
    first, second, other = await add_items(plan["id"], ("medical", late), ("medical", early), ("housing", early))
    assert set(await open_items()) == {first, second, other}
    if today() > early:  # the items of the first of January are past their date on any later day
        assert await overdue_by_village(world["township"], year) == {world["village"]: 2}

    await HelpPlanItem.update({HelpPlanItem.due_on: early - timedelta(days=1)}).where(HelpPlanItem.id == first)
    await HelpPlanItem.update({HelpPlanItem.type: "medical"}).where(HelpPlanItem.id == other)
    assert set(await open_items()) == {first, second, other}
    await HelpPlanItem.delete().where(HelpPlanItem.id == second)
    assert set(await open_items()) == {first, other}
    await HelpPlanItem.update({HelpPlanItem.what: "改了说明"}).where(HelpPlanItem.id == first)  # nothing it reads
    assert set(await open_items()) == {first, other}


async def test_measures_delivered_meet_the_earliest_items_of_their_type(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    answer = await send_visit(as_wang, household, {"note": "送温暖", "measure_type": "condolence"})
    assert answer.status_code == 303
    [delivered] = await Household.raw("SELECT year FROM delivered_count WHERE household = {}", household)
    year = delivered["year"]
    [plan] = await HelpPlan.insert(HelpPlan(household=household, year=year))
    earliest, later, medical = await add_items(
        plan["id"], ("condolence", date(year, 1, 1)), ("condolence", date(year, 6, 1)), ("medical", date(year, 1, 1))
    )
    assert set(await open_items()) == {later, medical}, "one condolence received: the earliest item is met"

    await send_visit(as_wang, household, {"note": "再访", "measure_type": "condolence"})
    assert set(await open_items()) == {medical}
    await Visit.delete().where(Visit.household == household)
    assert set(await open_items()) == {earliest, later, medical}


async def test_plans_and_households_moved_take_their_open_items(world: dict[str, int]) -> None:
    household, other, year = world["monitored"], world["ordinary"], this_year()
    [plan] = await HelpPlan.insert(HelpPlan(household=household, year=year))
    [item] = await add_items(plan["id"], ("education", date(year, 1, 1)))
    assert await open_items() == {item: (household, world["village"])}

    await HelpPlan.update({HelpPlan.household: other, HelpPlan.year: year - 1}).where(HelpPlan.id == plan["id"])
    assert await open_items() == {item: (other, world["other_village"])}
    await Household.update({Household.village: world["village"]}).where(Household.id == other)
    assert await open_items() == {item: (other, world["village"])}
    if today() > date(year, 1, 1):
        assert await overdue_by_village(world["township"], year) == {}
    assert await overdue_by_village(world["township"], year - 1) == {world["village"]: 1}


async def test_a_plan_or_a_household_deleted_takes_its_open_items(world: dict[str, int]) -> None:
    year = this_year()
    plans = await HelpPlan.insert(
        HelpPlan(household=world["monitored"], year=year), HelpPlan(household=world["ordinary"], year=year)
    )
    [kept] = await add_items(plans[0]["id"], ("dibao", date(year, 1, 1)))
    await add_items(plans[1]["id"], ("dibao", date(year, 1, 1)))
    await HelpPlan.delete().where(HelpPlan.id == plans[1]["id"])
    assert set(await open_items()) == {kept}
    await Household.delete().where(Household.id == world["monitored"])
    assert await open_items() == {}
