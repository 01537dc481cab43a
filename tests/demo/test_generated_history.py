"""The visit history of the county and province scales (server/demo/history.py), generated inside PostgreSQL, on
the demo township: visits only by the cadre paired at the time, follow-ups that chain them, measures and overdue
households in the shares the demo promises, and the tables' indexes as the migrations left them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.clock import today
from server.database import connect
from server.demo.history import BULK_TABLES, CLOSING_FACTS_TRIGGER, closing_lookup_off, indexes_deferred
from server.demo.loader import load_demo
from tests.pairing.test_kept_visit_dates import FROM_THE_SOURCE, KEPT

MONTHS = 40  # long enough that most households had an earlier cadre

INDEXES = """
SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition FROM pg_index
WHERE indrelid = ANY(ARRAY['visit', 'visit_key', 'visit_measure', 'follow_up']::regclass[]) ORDER BY 1
"""
CONSTRAINTS = """
SELECT conname, pg_get_constraintdef(oid) AS definition, convalidated FROM pg_constraint
WHERE conrelid = ANY(ARRAY['visit', 'visit_key', 'visit_measure', 'follow_up']::regclass[]) ORDER BY 1
"""


@pytest.fixture(autouse=True)
def forty_months(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.demo.areas.MONTHS", MONTHS)


async def rows(db: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in await db.connection.fetch(sql, *args)]


async def value(db: Any, sql: str, *args: Any) -> Any:
    return await db.connection.fetchval(sql, *args)


async def test_every_generated_visit_is_by_the_cadre_paired_with_the_household_that_day(db: Any) -> None:
    await load_demo(bulk=True)
    visits = await value(db, "SELECT count(*) FROM visit")
    unpaired = await value(
        db,
        "SELECT count(*) FROM visit v WHERE NOT EXISTS (SELECT 1 FROM pairing p WHERE p.household = v.household"
        " AND p.cadre = v.cadre AND p.rank = 1 AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date"
        " BETWEEN p.started_on AND coalesce(p.ended_on, current_date))",
    )
    assert visits > 1000
    assert unpaired == 0
    span = (await rows(
        db,
        "SELECT min((visited_at AT TIME ZONE 'Asia/Shanghai')::date) AS first,"
        " max((visited_at AT TIME ZONE 'Asia/Shanghai')::date) AS last FROM visit"
    ))[0]  # fmt: skip
    assert today() - timedelta(days=30 * MONTHS) <= span["first"] <= today() - timedelta(days=30 * MONTHS - 60)
    assert today() - timedelta(days=7) <= span["last"] < today()


async def test_the_history_reaches_back_through_an_earlier_cadre_who_moved_on(db: Any) -> None:
    await load_demo(bulk=True)
    households = await value(db, "SELECT count(*) FROM household WHERE status <> 'none' OR monitoring_type IS NOT NULL")
    reaching_back = await value(
        db,
        "SELECT count(DISTINCT household) FROM pairing WHERE started_on <= $1",
        today() - timedelta(days=30 * MONTHS),
    )
    handovers = await value(
        db,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.started_on = a.ended_on + 1"
        " WHERE a.cadre <> b.cadre",
    )
    same_cadre = await value(
        db,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.started_on = a.ended_on + 1"
        " WHERE a.cadre = b.cadre",
    )
    uncovered = await rows(
        db,
        "SELECT h.id, (SELECT max(ended_on) FROM pairing p WHERE p.household = h.id) AS ended FROM household h"
        " WHERE (h.status <> 'none' OR h.monitoring_type IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL)",
    )
    assert reaching_back == households
    assert handovers > households * 0.75
    assert same_cadre == 0
    assert uncovered
    assert all(today() - timedelta(days=125) < row["ended"] < today() for row in uncovered)
    overlapping = await value(
        db,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.id > a.id AND a.rank = b.rank"
        " AND daterange(a.started_on, a.ended_on, '[]') && daterange(b.started_on, b.ended_on, '[]')",
    )
    assert overlapping == 0


async def test_follow_ups_chain_the_visits_and_each_current_pairing_has_one_open(db: Any) -> None:
    await load_demo(bulk=True)
    wrong = await value(
        db,
        "SELECT count(*) FROM follow_up f JOIN visit v ON v.id = f.closed_by_visit"
        " WHERE v.household <> f.household OR v.cadre <> f.cadre OR f.closed_at <> v.visited_at"
        " OR f.created_at >= v.visited_at OR f.closing_visit_cadre IS DISTINCT FROM v.cadre"
        " OR f.closing_visit_day IS DISTINCT FROM (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date",
    )
    assert wrong == 0
    visited_now = await value(
        db,
        "SELECT count(DISTINCT p.household) FROM pairing p JOIN visit v ON v.household = p.household"
        " AND v.cadre = p.cadre WHERE p.ended_on IS NULL AND p.rank = 1"
        " AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date >= p.started_on",
    )
    open_ = await rows(db, "SELECT household, due_on FROM follow_up WHERE closed_at IS NULL AND reason = 'schedule'")
    assert len(open_) == len({row["household"] for row in open_}) == visited_now
    overdue = sum(row["due_on"] < today() for row in open_) / len(open_)
    assert 0.05 < overdue < 0.25  # the demo's 12% overdue, and the odd one whose cadence ran out
    # The households' kept visit dates, written by the triggers of the bulk INSERT ... SELECT, are the source's.
    assert await rows(db, KEPT + " ORDER BY h.id") == await rows(db, FROM_THE_SOURCE + " ORDER BY h.id")


async def test_the_shares_of_measures_kinds_and_visits_per_household_are_the_demos(db: Any) -> None:
    await load_demo(bulk=True)
    figures = (await rows(
        db,
        "SELECT count(*) AS visits, count(*) FILTER (WHERE kind = 'home') AS home,"
        " count(*) FILTER (WHERE latitude IS NOT NULL) AS placed, count(DISTINCT household) AS households,"
        " (SELECT count(*) FROM visit_measure) AS measures FROM visit"
    ))[0]  # fmt: skip
    assert 0.25 < figures["measures"] / figures["visits"] < 0.35
    assert 0.65 < figures["home"] / figures["visits"] < 0.75
    assert 0.75 * 0.85 < figures["placed"] / figures["home"] <= 1
    per_household = figures["visits"] / figures["households"]
    cadence = 60  # days (the follow-up interval's default); monitored households are visited more often
    assert 30 * MONTHS / cadence * 0.7 < per_household < 30 * MONTHS / cadence * 1.6
    amounts = await value(
        db, "SELECT count(*) FROM visit_measure WHERE type = 'condolence' AND amount NOT BETWEEN 200 AND 500"
    )
    assert amounts == 0


async def test_the_tables_keep_their_indexes_and_constraints_after_the_generation(db: Any) -> None:
    before = (await rows(db, INDEXES), await rows(db, CONSTRAINTS))
    await load_demo(bulk=True)
    assert (await rows(db, INDEXES), await rows(db, CONSTRAINTS)) == before
    assert await value(db, "SELECT count(*) FROM visit") > 1000
    fresh_ids = await value(db, "SELECT nextval(pg_get_serial_sequence('visit', 'id')) > max(id) FROM visit")
    assert fresh_ids


async def test_deferring_the_indexes_as_the_owner_leaves_them_as_the_migrations_made_them(database: str) -> None:
    connection = await connect(database)  # the owner: the app role may not drop indexes
    try:
        async with connection.transaction():
            read = [(await connection.fetch(INDEXES)), (await connection.fetch(CONSTRAINTS))]
            during: list[Any] = []
            async with indexes_deferred(connection, BULK_TABLES):
                during = await connection.fetch(INDEXES)
            again = [(await connection.fetch(INDEXES)), (await connection.fetch(CONSTRAINTS))]
            raise Rollback
    except Rollback:
        pass
    finally:
        await connection.close()
    assert {row["name"] for row in during} == {f"{table}_pkey" for table in BULK_TABLES}
    assert [list(map(dict, rows)) for rows in again] == [list(map(dict, rows)) for rows in read]
    assert len(read[0]) > 10


async def test_the_closing_visit_lookup_is_off_only_during_the_owners_load(database: str) -> None:
    connection = await connect(database)
    enabled = "SELECT tgenabled::text FROM pg_trigger WHERE tgname = $1"
    try:
        async with connection.transaction():
            before = await connection.fetchval(enabled, CLOSING_FACTS_TRIGGER)
            async with closing_lookup_off(connection, owner=True):
                during = await connection.fetchval(enabled, CLOSING_FACTS_TRIGGER)
            after = await connection.fetchval(enabled, CLOSING_FACTS_TRIGGER)
            raise Rollback
    except Rollback:
        pass
    finally:
        await connection.close()
    assert (before, during, after) == ("O", "D", "O")


class Rollback(Exception):
    """Leaves the owner's transaction without keeping anything."""
