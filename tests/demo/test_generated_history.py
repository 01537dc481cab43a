"""The visit history of the county and province scales (server/demo/history.py), generated inside PostgreSQL, on
the demo township: visits only by the cadre paired at the time, follow-ups that chain them, measures and overdue
households in the shares the demo promises. One load for them all (tests/demo/test_loading.py loads it again to
check the tables it leaves behind)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from server.clock import today
from server.demo.loader import load_demo
from tests.conftest import Demo, drop_database, migrated_copy, pool_on
from tests.pairing.test_kept_visit_dates import FROM_THE_SOURCE, KEPT

MONTHS = 40  # long enough that most households had an earlier cadre


@pytest.fixture(scope="module")
async def demo_township(migrated_template: str, database: str) -> AsyncIterator[Demo]:
    """The demo with its history generated (forty months), loaded once for the tests that read it."""
    url = await migrated_copy(migrated_template, "bangfu_demo_history")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("server.demo.areas.MONTHS", MONTHS)
            async with pool_on(url, back_to=database):
                summary = await load_demo(bulk=True)
        yield Demo(url, summary)
    finally:
        await drop_database(url)


async def rows(db: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in await db.connection.fetch(sql, *args)]


async def value(db: Any, sql: str, *args: Any) -> Any:
    return await db.connection.fetchval(sql, *args)


async def test_every_generated_visit_is_by_the_cadre_paired_with_the_household_that_day(demo: Any) -> None:
    visits = await value(demo, "SELECT count(*) FROM visit")
    unpaired = await value(
        demo,
        "SELECT count(*) FROM visit v WHERE NOT EXISTS (SELECT 1 FROM pairing p WHERE p.household = v.household"
        " AND p.cadre = v.cadre AND p.rank = 1 AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date"
        " BETWEEN p.started_on AND coalesce(p.ended_on, current_date))",
    )
    assert visits > 1000
    assert unpaired == 0
    span = (await rows(
        demo,
        "SELECT min((visited_at AT TIME ZONE 'Asia/Shanghai')::date) AS first,"
        " max((visited_at AT TIME ZONE 'Asia/Shanghai')::date) AS last FROM visit"
    ))[0]  # fmt: skip
    assert today() - timedelta(days=30 * MONTHS) <= span["first"] <= today() - timedelta(days=30 * MONTHS - 60)
    assert today() - timedelta(days=7) <= span["last"] < today()


async def test_the_history_reaches_back_through_an_earlier_cadre_who_moved_on(demo: Any) -> None:
    households = await value(
        demo, "SELECT count(*) FROM household WHERE status <> 'none' OR monitoring_type IS NOT NULL"
    )
    reaching_back = await value(
        demo,
        "SELECT count(DISTINCT household) FROM pairing WHERE started_on <= $1",
        today() - timedelta(days=30 * MONTHS),
    )
    handovers = await value(
        demo,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.started_on = a.ended_on + 1"
        " WHERE a.cadre <> b.cadre",
    )
    same_cadre = await value(
        demo,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.started_on = a.ended_on + 1"
        " WHERE a.cadre = b.cadre",
    )
    uncovered = await rows(
        demo,
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
        demo,
        "SELECT count(*) FROM pairing a JOIN pairing b ON b.household = a.household AND b.id > a.id AND a.rank = b.rank"
        " AND daterange(a.started_on, a.ended_on, '[]') && daterange(b.started_on, b.ended_on, '[]')",
    )
    assert overlapping == 0


async def test_follow_ups_chain_the_visits_and_each_current_pairing_has_one_open(demo: Any) -> None:
    wrong = await value(
        demo,
        "SELECT count(*) FROM follow_up f JOIN visit v ON v.id = f.closed_by_visit"
        " WHERE v.household <> f.household OR v.cadre <> f.cadre OR f.closed_at <> v.visited_at"
        " OR f.created_at >= v.visited_at OR f.closing_visit_cadre IS DISTINCT FROM v.cadre"
        " OR f.closing_visit_day IS DISTINCT FROM (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date",
    )
    assert wrong == 0
    visited_now = await value(
        demo,
        "SELECT count(DISTINCT p.household) FROM pairing p JOIN visit v ON v.household = p.household"
        " AND v.cadre = p.cadre WHERE p.ended_on IS NULL AND p.rank = 1"
        " AND (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date >= p.started_on",
    )
    open_ = await rows(demo, "SELECT household, due_on FROM follow_up WHERE closed_at IS NULL AND reason = 'schedule'")
    assert len(open_) == len({row["household"] for row in open_}) == visited_now
    overdue = sum(row["due_on"] < today() for row in open_) / len(open_)
    assert 0.05 < overdue < 0.25  # the demo's 12% overdue, and the odd one whose cadence ran out
    # The households' kept visit dates, written by the triggers of the bulk INSERT ... SELECT, are the source's.
    assert await rows(demo, KEPT + " ORDER BY h.id") == await rows(demo, FROM_THE_SOURCE + " ORDER BY h.id")


async def test_the_shares_of_measures_kinds_and_visits_per_household_are_the_demos(demo: Any) -> None:
    figures = (await rows(
        demo,
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
        demo, "SELECT count(*) FROM visit_measure WHERE type = 'condolence' AND amount NOT BETWEEN 200 AND 500"
    )
    assert amounts == 0
    # Written by the load itself with its trigger off: each measure's visit's cadre and time, as the trigger keeps them.
    unlike_their_visits = await value(
        demo,
        "SELECT count(*) FROM visit_measure m JOIN visit v ON v.id = m.visit"
        " WHERE m.cadre <> v.cadre OR m.visited_at <> v.visited_at",
    )
    assert unlike_their_visits == 0
