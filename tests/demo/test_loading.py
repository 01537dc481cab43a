"""Loading the demo into a database of its own: only into an empty one when asked; the bulk load of the visit
history (server/demo/history.py) leaves the tables' indexes, constraints and triggers as the migrations made them.
These tests write or change tables the demo of the other modules holds, so they load their own."""

from __future__ import annotations

from typing import Any

import pytest

from server.database import connect
from server.demo.history import BULK_TABLES, CLOSING_FACTS_TRIGGER, closing_lookup_off, indexes_deferred
from server.demo.loader import load_demo
from server.demo.plans import NEXT_ON_TRIGGER
from server.demo.writer import owns, triggers_off
from server.households.tables import Household
from tests.demo.test_generated_history import MONTHS, rows, value

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


async def test_loading_only_into_an_empty_database_skips_one_that_has_a_township(db: Any, township: Any) -> None:
    summary = await load_demo(only_if_empty=True)
    assert await Household.count() == 0
    assert "未加载" in summary


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


async def test_a_trigger_turned_off_for_the_owners_load_is_on_again_when_the_load_fails(database: str) -> None:
    connection = await connect(database)
    enabled = "SELECT tgenabled::text FROM pg_trigger WHERE tgname = $1"
    assert await owns(connection, "status_event"), "connect() is the tables' owner"
    seen = []
    try:
        async with connection.transaction():
            try:
                async with triggers_off(connection, True, ("status_event", NEXT_ON_TRIGGER)):
                    seen.append(await connection.fetchval(enabled, NEXT_ON_TRIGGER))
                    raise Rollback
            finally:
                seen.append(await connection.fetchval(enabled, NEXT_ON_TRIGGER))
    except Rollback:
        pass
    finally:
        await connection.close()
    assert seen == ["D", "O"]


class Rollback(Exception):
    """Leaves the owner's transaction without keeping anything."""
