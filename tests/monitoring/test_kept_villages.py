"""Each status event's and risk case's `village` (kept by the database: migration monitoring 2026-12-07T05:00) is its
household's, after every way they and households are written: an event recorded, a case opened and a return confirmed
through the monitoring steps, an event or a case given to another household, a household moved to another village,
the demo; a value written by hand is put right."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.households.tables import Household
from server.monitoring import steps
from server.monitoring.events import record_status_event
from server.monitoring.tables import RiskCase, StatusEvent
from server.places.tables import Village
from tests.monitoring.conftest import actor, make_household, this_year, today

LAST = this_year() - 1
KEEPING = ("status_event", "risk_case")


async def misplaced() -> list[tuple[str, int, int, int]]:
    """Every event and case whose kept village is not its household's: (table, row, kept, household's)."""
    rows = await Household.raw(
        " UNION ALL ".join(
            f"SELECT '{table}' AS kept_in, k.id, k.village, h.village AS households FROM {table} k"
            f" JOIN household h ON h.id = k.household WHERE k.village IS DISTINCT FROM h.village"
            for table in KEEPING
        )
    )
    return [(row["kept_in"], row["id"], row["village"], row["households"]) for row in rows]


async def villages_of(household: int) -> dict[str, list[int]]:
    """The villages kept with the household's events and cases, after checking every row's."""
    assert await misplaced() == []
    kept = {}
    for table in KEEPING:
        rows = await Household.raw(f"SELECT village FROM {table} WHERE household = {{}} ORDER BY id", household)
        kept[table] = [row["village"] for row in rows]
    return kept


async def another_village(township: dict[str, int]) -> int:
    village = Village(township=township["township"], name="石井村", code="371326105002", population=700)
    await village.save()
    return int(village.id)


async def test_events_and_cases_written_through_the_steps_are_in_their_households_village(
    world: dict[str, Any],
) -> None:
    household = await make_household(world["village"], "记录户", 3000)
    await record_status_event(household, "not_out", "out_supported", date(LAST, 3, 1), "exit", 9001)
    found = today() - timedelta(days=30)
    case_id = await steps.open_case(actor(world), household, "income_below", found)
    await steps.start_notice(actor(world), case_id, found + timedelta(days=1), found + timedelta(days=7))
    await steps.confirm(actor(world), case_id, found + timedelta(days=8), "marginal", today(), returned=True)
    assert await villages_of(household) == {
        "status_event": [world["village"], world["village"]],
        "risk_case": [world["village"]],
    }


async def test_a_household_moved_to_another_village_takes_its_events_and_cases_and_no_others(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    moved = await make_household(world["village"], "迁出户", 9000, status="not_out")
    stays = await make_household(world["village"], "留下户", 9000, status="not_out")
    for household in (moved, stays):
        await record_status_event(household, "not_out", "out_supported", date(LAST, 1, 1), "exit", household)
        await steps.open_case(actor(world), household, "income_near", today())
    elsewhere = await another_village(township)
    await Household.update({Household.village: elsewhere}).where(Household.id == moved)
    assert await villages_of(moved) == {"status_event": [elsewhere], "risk_case": [elsewhere]}
    assert await villages_of(stays) == {"status_event": [world["village"]], "risk_case": [world["village"]]}
    # a change that leaves the village as it was moves nothing
    await Household.update({Household.village: elsewhere, Household.bank_name: "农商银行"}).where(Household.id == moved)
    assert await villages_of(moved) == {"status_event": [elsewhere], "risk_case": [elsewhere]}


async def test_an_event_or_a_case_given_to_another_household_or_a_village_by_hand_keeps_its_households(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    elsewhere = await another_village(township)
    first = await make_household(world["village"], "原户", 9000, status="not_out")
    second = await make_household(elsewhere, "改记户", 9000, status="not_out")
    await record_status_event(first, "not_out", "out_supported", date(LAST, 1, 1), "exit", 9201)
    case_id = await steps.open_case(actor(world), first, "income_near", today())
    await StatusEvent.update({StatusEvent.household: second}).where(StatusEvent.source_id == 9201)
    await RiskCase.update({RiskCase.household: second}).where(RiskCase.id == case_id)
    assert await villages_of(second) == {"status_event": [elsewhere], "risk_case": [elsewhere]}
    for table in KEEPING:
        await Household.raw(f"UPDATE {table} SET village = {{}} WHERE household = {{}}", world["village"], second)
    assert await villages_of(second) == {"status_event": [elsewhere], "risk_case": [elsewhere]}


async def test_every_demo_event_and_case_is_in_its_households_village(demo: Any) -> None:
    assert await misplaced() == []
    assert await StatusEvent.count() > 500
    assert await RiskCase.count() > 20
