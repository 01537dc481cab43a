"""The visit dates the database keeps per household (household_visit_dates): exact after every way a visit or a
follow-up is written, checked against the dates read from the visits and follow-ups themselves."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from server.clock import now
from server.visits.tables import FollowUp, Visit
from tests.pairing.conftest import Small, add_household

# The dates as read from the source: what the coverage and the household pages read before they were kept.
FROM_THE_SOURCE = """
SELECT h.id AS household,
       (SELECT max(x.visited_at) FROM visit x WHERE x.household = h.id) AS last_visited_at,
       (SELECT min(f.due_on) FROM follow_up f WHERE f.household = h.id AND f.closed_at IS NULL) AS first_open_due_on
FROM household h
"""
KEPT = """
SELECT h.id AS household, d.last_visited_at, d.first_open_due_on
FROM household h LEFT JOIN household_visit_dates d ON d.household = h.id
"""


async def dates(sql: str, run: Any = None) -> dict[int, tuple[datetime | None, date | None]]:
    rows = await (run(sql) if run else Visit.raw(sql))
    return {row["household"]: (row["last_visited_at"], row["first_open_due_on"]) for row in rows}


async def assert_exact(run: Any = None) -> dict[int, tuple[datetime | None, date | None]]:
    kept = await dates(KEPT, run)
    assert kept == await dates(FROM_THE_SOURCE, run)
    return kept


async def visit(household: int, cadre: int, at: datetime) -> int:
    made = Visit(client_id=uuid.uuid4(), household=household, cadre=cadre, visited_at=at)
    [row] = await Visit.insert(made).returning(Visit.id)
    return int(row["id"])


async def follow_up(household: int, due_on: date) -> int:
    [row] = await FollowUp.insert(FollowUp(household=household, due_on=due_on, reason="measure")).returning(FollowUp.id)
    return int(row["id"])


async def test_new_visits_raise_the_last_visit_and_an_older_one_does_not(small: Small) -> None:
    a1, moment = small.h["A1"], now()
    await visit(a1, small.m1, moment - timedelta(days=3))
    assert (await assert_exact())[a1][0] == moment - timedelta(days=3)
    await visit(a1, small.m1, moment)
    await visit(a1, small.m1, moment - timedelta(days=30))  # a phone that sent an older visit late
    assert (await assert_exact())[a1][0] == moment


async def test_a_corrected_day_within_the_year_and_across_years_and_partitions(small: Small) -> None:
    a1, moment = small.h["A1"], now()
    await visit(a1, small.m1, moment - timedelta(days=10))
    latest = await visit(a1, small.m1, moment - timedelta(days=1))
    await Visit.update({Visit.visited_at: moment - timedelta(days=20)}).where(Visit.id == latest)
    assert (await assert_exact())[a1][0] == moment - timedelta(days=10), "the latest moved back: the other is last"
    two_years_ago = moment - timedelta(days=730)
    await Visit.update({Visit.visited_at: two_years_ago}).where(Visit.visited_at > two_years_ago)
    assert (await assert_exact())[a1][0] == two_years_ago, "into another year's partition"
    await Visit.update({Visit.visited_at: moment + timedelta(days=400)}).where(Visit.id == latest)
    assert (await assert_exact())[a1][0] == moment + timedelta(days=400), "a day set in the future counts, as before"


async def test_a_visit_deleted_or_moved_to_another_household(small: Small) -> None:
    a1, a2, moment = small.h["A1"], small.h["A2"], now()
    await visit(a1, small.m1, moment - timedelta(days=5))
    latest = await visit(a1, small.m1, moment)
    await Visit.update({Visit.household: a2}).where(Visit.id == latest)
    kept = await assert_exact()
    assert (kept[a1][0], kept[a2][0]) == (moment - timedelta(days=5), moment)
    await Visit.delete().where(Visit.household == a1)
    kept = await assert_exact()
    assert (kept[a1][0], kept[a2][0]) == (None, moment)


async def test_an_update_of_other_columns_leaves_the_dates(small: Small) -> None:
    a1 = small.h["A1"]
    await visit(a1, small.m1, now())
    before = await assert_exact()
    await Visit.update({Visit.note: "补记", Visit.expected_photos: 2}).where(Visit.household == a1)
    assert await assert_exact() == before


async def test_follow_ups_created_closed_reopened_rescheduled_moved_and_deleted(small: Small) -> None:
    a1, a2, day = small.h["A1"], small.h["A2"], date(2026, 6, 1)
    first = await follow_up(a1, day)
    later = await follow_up(a1, day + timedelta(days=30))
    assert (await assert_exact())[a1][1] == day
    await FollowUp.update({FollowUp.closed_at: now()}).where(FollowUp.id == first)
    assert (await assert_exact())[a1][1] == day + timedelta(days=30), "closed: the next one is first"
    await FollowUp.update({FollowUp.closed_at: None}).where(FollowUp.id == first)
    assert (await assert_exact())[a1][1] == day, "reopened"
    await FollowUp.update({FollowUp.due_on: day + timedelta(days=60)}).where(FollowUp.id == first)
    assert (await assert_exact())[a1][1] == day + timedelta(days=30), "put off past the other"
    await FollowUp.update({FollowUp.household: a2}).where(FollowUp.id == later)
    kept = await assert_exact()
    assert (kept[a1][1], kept[a2][1]) == (day + timedelta(days=60), day + timedelta(days=30))
    await FollowUp.delete().where(FollowUp.id == first)
    assert (await assert_exact())[a1][1] is None
    await FollowUp.insert(FollowUp(household=a1, due_on=day, closed_at=now()))
    assert (await assert_exact())[a1][1] is None, "a follow-up recorded closed is no open one"


async def test_a_bulk_insert_select_of_visits_and_follow_ups(small: Small) -> None:
    households = [small.h[name] for name in ("A1", "A2", "A3", "B1")]
    await Visit.raw(
        "INSERT INTO visit (client_id, household, cadre, visited_at)"
        " SELECT gen_random_uuid(), h, {}, now() - make_interval(days => d)"
        " FROM unnest({}::int[]) AS h, generate_series(0, 800, 7) AS d",
        small.m1,
        households,
    )
    await Visit.raw(
        "INSERT INTO follow_up (household, due_on, reason, created_at, closed_at)"
        " SELECT h, DATE '2026-01-01' + d, 'measure', now(), CASE WHEN d < 100 THEN now() END"
        " FROM unnest({}::int[]) AS h, generate_series(0, 300, 10) AS d",
        households,
    )
    kept = await assert_exact()
    assert all(kept[h][1] == date(2026, 4, 11) for h in households), "the first open one"


async def test_a_household_deleted_takes_its_dates_along(small: Small) -> None:
    gone = await add_household(small.village_a, "A9", "甲户主9")
    await visit(gone, small.m1, now())
    await follow_up(gone, date(2026, 6, 1))
    await Visit.delete().where(Visit.household == gone)
    await FollowUp.delete().where(FollowUp.household == gone)
    await Visit.raw("DELETE FROM household WHERE id = {}", gone)
    assert gone not in await assert_exact()
    assert not await Visit.raw("SELECT 1 FROM household_visit_dates WHERE household = {}", gone)


async def test_the_app_may_only_read_the_kept_dates(small: Small, db: Any) -> None:
    await visit(small.h["A1"], small.m1, now())
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await Visit.raw("UPDATE household_visit_dates SET last_visited_at = NULL")
    await savepoint.rollback_to()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await Visit.raw("SELECT household_visit_dates_recomputed({}::int[])", [small.h["A1"]])
    await savepoint.rollback_to()
