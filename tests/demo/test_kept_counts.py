"""The counts the database keeps are exact after the demo's load (its COPY and bulk inserts, which the triggers see as
any other write): members and active pairings of every household (and of every cadre), and the measures each
received, and the plan items they leave open. One demo for them all (loading it is most of their time); the other
ways each count is written are tested next to it (tests/households/test_member_count.py,
tests/pairing/test_active_pairings.py, tests/plans/test_delivered_count.py, tests/plans/test_open_items.py)."""

from __future__ import annotations

from typing import Any

from piccolo.querystring import QueryString

from server.clock import LOCAL_TODAY_SQL
from server.households.tables import Household
from server.pairing.coverage import coverage
from server.plans import queries
from tests.households.test_member_count import MISCOUNTED as MISCOUNTED_MEMBERS
from tests.pairing.test_active_pairings import MISCOUNTED as MISCOUNTED_PAIRINGS
from tests.pairing.test_active_pairings import MISCOUNTED_CADRES
from tests.plans.test_delivered_count import MISCOUNTED as MISCOUNTED_DELIVERIES
from tests.plans.test_open_items import MISCOUNTED as MISCOUNTED_OPEN


async def test_the_demo_loaded_with_copy_has_every_households_members_counted(demo: Any) -> None:
    assert await Household.raw(MISCOUNTED_MEMBERS) == []
    [row] = await Household.raw(
        "SELECT sum(member_count) AS counted, (SELECT count(*) FROM member) AS members FROM household"
    )
    assert row["counted"] == row["members"] > 0


async def test_the_demo_has_every_households_and_cadres_active_pairings_counted(demo: Any) -> None:
    assert await Household.raw(MISCOUNTED_PAIRINGS) == []
    assert await Household.raw(MISCOUNTED_CADRES) == []
    [row] = await Household.raw(
        "SELECT sum(active_pairings) AS counted, (SELECT count(*) FROM pairing WHERE ended_on IS NULL) AS active"
        " FROM household"
    )
    assert row["counted"] == row["active"] > 0


async def test_the_demo_has_every_households_deliveries_counted_and_its_overdue_plan_items_left_unmatched(
    demo: Any,
) -> None:
    """Every household of the demo counted, and its open plan items kept; and the coverage's count of overdue items
    per village (from the kept open items) against the items one by one matched with their deliveries (`_MATCHED`,
    the due lists), for every township and year of the demo's plans."""
    assert await Household.raw(MISCOUNTED_DELIVERIES) == []
    assert await Household.raw(MISCOUNTED_OPEN) == []
    [row] = await Household.raw(
        "SELECT (SELECT sum(n) FROM delivered_count) AS counted, (SELECT count(*) FROM delivered_measure) AS ledger"
    )
    assert row["counted"] == row["ledger"] > 0
    plans = await Household.raw(
        "SELECT DISTINCT v.township, p.year FROM help_plan p JOIN household h ON h.id = p.household"
        " JOIN village v ON v.id = h.village"
    )
    assert plans
    for plan in plans:
        where = QueryString(
            "p.year = {} AND h.village IN (SELECT id FROM village WHERE township = {})", plan["year"], plan["township"]
        )
        matched = await Household.raw(
            f"SELECT m.village, count(*) AS n FROM ({queries._MATCHED}) m"
            f" WHERE m.delivered_on IS NULL AND m.due_on < {LOCAL_TODAY_SQL} GROUP BY m.village",
            where,
            await queries.planned_households(where),
            *queries._year_span(plan["year"]),
        )
        figures = await coverage(plan["township"], plan_year=plan["year"])
        counted = {village.id: village.plan_overdue for village in figures.villages if village.plan_overdue}
        assert counted == {row["village"]: row["n"] for row in matched}
