"""Each status event's `village` (kept by the database: migration monitoring 2026-12-07T05:00) is its household's,
after every way events and households are written: an event recorded, a return confirmed through the monitoring
steps, an event given to another household, a household moved to another village; a value written by hand is
put right. (The demo's events: tests/monitoring/test_next_on.py.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.households.tables import Household
from server.monitoring import steps
from server.monitoring.events import record_status_event
from server.monitoring.tables import StatusEvent
from server.places.tables import Village
from tests.monitoring.conftest import actor, make_household, this_year, today

LAST = this_year() - 1


async def misplaced() -> list[tuple[int, int, int]]:
    """Every event whose kept village is not its household's: (event, kept, household's)."""
    rows = await StatusEvent.raw(
        "SELECT e.id, e.village, h.village AS households FROM status_event e JOIN household h ON h.id = e.household"
        " WHERE e.village IS DISTINCT FROM h.village"
    )
    return [(row["id"], row["village"], row["households"]) for row in rows]


async def villages_of(household: int) -> list[int]:
    assert await misplaced() == []
    rows = await StatusEvent.raw("SELECT village FROM status_event WHERE household = {} ORDER BY id", household)
    return [row["village"] for row in rows]


async def another_village(township: dict[str, int]) -> int:
    village = Village(township=township["township"], name="石井村", code="371326105002", population=700)
    await village.save()
    return int(village.id)


async def test_an_event_recorded_or_confirmed_through_the_steps_is_in_its_households_village(
    world: dict[str, Any],
) -> None:
    household = await make_household(world["village"], "记录户", 3000)
    await record_status_event(household, "not_out", "out_supported", date(LAST, 3, 1), "exit", 9001)
    found = today() - timedelta(days=30)
    case_id = await steps.open_case(actor(world), household, "income_below", found)
    await steps.start_notice(actor(world), case_id, found + timedelta(days=1), found + timedelta(days=7))
    await steps.confirm(actor(world), case_id, found + timedelta(days=8), "marginal", today(), returned=True)
    assert await villages_of(household) == [world["village"], world["village"]]


async def test_a_household_moved_to_another_village_takes_its_events_and_no_others(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    moved = await make_household(world["village"], "迁出户", 9000, status="not_out")
    stays = await make_household(world["village"], "留下户", 9000, status="not_out")
    for household in (moved, stays):
        await record_status_event(household, "not_out", "out_supported", date(LAST, 1, 1), "exit", household)
    elsewhere = await another_village(township)
    await Household.update({Household.village: elsewhere}).where(Household.id == moved)
    assert await villages_of(moved) == [elsewhere]
    assert await villages_of(stays) == [world["village"]]
    # a change that leaves the village as it was moves nothing
    await Household.update({Household.village: elsewhere, Household.bank_name: "农商银行"}).where(Household.id == moved)
    assert await villages_of(moved) == [elsewhere]


async def test_an_event_given_to_another_household_or_a_village_by_hand_keeps_its_households(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    elsewhere = await another_village(township)
    first = await make_household(world["village"], "原户", 9000, status="not_out")
    second = await make_household(elsewhere, "改记户", 9000, status="not_out")
    await record_status_event(first, "not_out", "out_supported", date(LAST, 1, 1), "exit", 9201)
    await StatusEvent.update({StatusEvent.household: second}).where(StatusEvent.source_id == 9201)
    assert await villages_of(second) == [elsewhere]
    await StatusEvent.raw("UPDATE status_event SET village = {} WHERE source_id = 9201", world["village"])
    assert await villages_of(second) == [elsewhere]
