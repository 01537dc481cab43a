"""Each status event's `next_on` (the household's next event of the same kind, kept by the database: migration
monitoring 2026-12-06T21:10) is the one worked out here from the events themselves, after every way events are
written: recorded in order and out of order, a return confirmed through the monitoring steps, a day corrected, an
event or a household deleted, the demo; recounting changes nothing. (The exit's announcement: tests/exits.)"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from server.households.tables import Household
from server.monitoring import steps
from server.monitoring.events import record_status_event
from server.monitoring.tables import StatusEvent
from tests.monitoring.conftest import actor, make_household, this_year, today

BEFORE, LAST = this_year() - 2, this_year() - 1


async def unchained() -> list[tuple[int, date | None, date | None]]:
    """Every event whose kept `next_on` is not the day of its household's next event of the same kind in (day, id)
    order: (id, kept, expected)."""
    rows = await StatusEvent.raw("SELECT id, household, status_to, happened_on, next_on FROM status_event")
    chains: defaultdict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        chains[(row["household"], row["status_to"])].append(row)
    wrong = []
    for chain in chains.values():
        chain.sort(key=lambda row: (row["happened_on"], row["id"]))
        for row, following in zip(chain, [*chain[1:], None], strict=True):
            expected = following["happened_on"] if following else None
            if row["next_on"] != expected:
                wrong.append((row["id"], row["next_on"], expected))
    return wrong


async def next_on(household: int) -> list[tuple[str, date, date | None]]:
    """The household's events (kind, day, kept next day) in (day, id) order, after checking every event's."""
    assert await unchained() == []
    rows = await StatusEvent.raw(
        "SELECT status_to, happened_on, next_on FROM status_event WHERE household = {} ORDER BY happened_on, id",
        household,
    )
    return [(row["status_to"], row["happened_on"], row["next_on"]) for row in rows]


async def test_events_recorded_in_and_out_of_order_are_chained_by_their_day(world: dict[str, Any]) -> None:
    household = await make_household(world["village"], "反复户", 3000, status="not_out")
    await record_status_event(household, "not_out", "out_supported", date(BEFORE, 3, 1), "exit", 9001)
    assert await next_on(household) == [("out_supported", date(BEFORE, 3, 1), None)]
    await record_status_event(household, "out_supported", "returned", date(LAST, 5, 1), "monitoring", 9101)
    await record_status_event(household, "returned", "out_supported", date(LAST, 11, 1), "exit", 9002)
    assert await next_on(household) == [
        ("out_supported", date(BEFORE, 3, 1), date(LAST, 11, 1)),
        ("returned", date(LAST, 5, 1), None),
        ("out_supported", date(LAST, 11, 1), None),
    ]
    # recorded late, dated before the others: it comes first in its chain
    await record_status_event(household, "not_out", "out_supported", date(BEFORE - 1, 6, 1), "exit", 9003)
    assert (await next_on(household))[0] == ("out_supported", date(BEFORE - 1, 6, 1), date(BEFORE, 3, 1))


async def test_a_return_confirmed_through_the_steps_chains_the_households_earlier_return(
    world: dict[str, Any],
) -> None:
    household = await make_household(world["village"], "再返贫", 3000)
    await record_status_event(household, "not_out", "out_supported", date(BEFORE, 3, 1), "exit", 9001)
    await record_status_event(household, "out_supported", "returned", date(BEFORE, 9, 1), "monitoring", 9101)
    await record_status_event(household, "returned", "out_supported", date(LAST, 2, 1), "exit", 9002)
    found = today() - timedelta(days=30)
    case_id = await steps.open_case(actor(world), household, "income_below", found)
    await steps.start_notice(actor(world), case_id, found + timedelta(days=1), found + timedelta(days=7))
    await steps.confirm(actor(world), case_id, found + timedelta(days=8), "marginal", today(), returned=True)
    assert [row for row in await next_on(household) if row[0] == "returned"] == [
        ("returned", date(BEFORE, 9, 1), found + timedelta(days=8)),
        ("returned", found + timedelta(days=8), None),
    ]


async def test_a_corrected_day_or_a_deleted_event_rechains_the_household(world: dict[str, Any]) -> None:
    household = await make_household(world["village"], "更正户", 9000, status="not_out")
    for number, day in enumerate((date(BEFORE, 1, 1), date(BEFORE, 6, 1), date(LAST, 1, 1))):
        await record_status_event(household, "not_out", "out_supported", day, "exit", 9100 + number)
    await StatusEvent.update({StatusEvent.happened_on: date(LAST, 6, 1)}).where(StatusEvent.source_id == 9100)
    assert await next_on(household) == [
        ("out_supported", date(BEFORE, 6, 1), date(LAST, 1, 1)),
        ("out_supported", date(LAST, 1, 1), date(LAST, 6, 1)),
        ("out_supported", date(LAST, 6, 1), None),
    ]
    await StatusEvent.delete().where(StatusEvent.source_id == 9102)
    assert await next_on(household) == [
        ("out_supported", date(BEFORE, 6, 1), date(LAST, 6, 1)),
        ("out_supported", date(LAST, 6, 1), None),
    ]


async def test_a_household_deleted_takes_its_events_and_leaves_the_others_chained(world: dict[str, Any]) -> None:
    gone = await make_household(world["village"], "注销户", 9000, status="not_out")
    kept = await make_household(world["village"], "留存户", 9000, status="not_out")
    for household in (gone, kept):
        await record_status_event(household, "not_out", "out_supported", date(BEFORE, 1, 1), "exit", household)
        await record_status_event(household, "not_out", "out_supported", date(LAST, 1, 1), "exit", household + 10_000)
    await Household.delete().where(Household.id == gone)
    assert await next_on(gone) == []
    assert await next_on(kept) == [
        ("out_supported", date(BEFORE, 1, 1), date(LAST, 1, 1)),
        ("out_supported", date(LAST, 1, 1), None),
    ]


async def test_every_demo_event_is_chained_and_a_recount_changes_nothing(demo: Any) -> None:
    assert await unchained() == []
    assert await StatusEvent.count() > 500
    before = await StatusEvent.raw("SELECT id, next_on FROM status_event ORDER BY id")
    await StatusEvent.raw("SELECT status_event_next_on(ARRAY(SELECT DISTINCT household FROM status_event))")
    assert await StatusEvent.raw("SELECT id, next_on FROM status_event ORDER BY id") == before
