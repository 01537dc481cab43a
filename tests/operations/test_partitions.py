"""The audit trail lives in monthly partitions: made ahead, never missing for a new entry, read only where a query
looks, closed to the app role, and dropped whole at the end of retention."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from server.clock import today
from server.database import app_role_name, database_name, with_user
from server.operations.partitions import (
    AUDIT_EVENTS,
    PARTITIONED,
    WEB_SESSIONS,
    local_midnight,
    month_start,
    next_month,
)
from tests.cli.test_cli import bangfu


def months_from(first: date, count: int) -> list[date]:
    months = [first]
    while len(months) < count:
        months.append(next_month(months[-1]))
    return months


async def partitions(owner: asyncpg.Connection, table: str = "audit_event") -> set[str]:
    rows = await owner.fetch(
        "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = $1::regclass", table
    )
    return {row["name"] for row in rows}


async def where_is(owner: asyncpg.Connection, label: str) -> str:
    return str(await owner.fetchval("SELECT tableoid::regclass::text FROM audit_event WHERE actor_label = $1", label))


async def test_every_history_table_has_a_partition_from_this_month_to_three_ahead_after_migrating(
    owner: asyncpg.Connection,
) -> None:
    for table in PARTITIONED:
        ahead = {table.partition(month) for month in months_from(month_start(today()), 4)}
        assert ahead | {table.default} == await partitions(owner, table.table)


async def test_an_entry_for_a_month_without_partition_is_kept_and_moves_into_its_month_at_the_nightly_upkeep(
    owner: asyncpg.Connection, scratch: str
) -> None:
    url = scratch
    await owner.execute(
        "INSERT INTO audit_event (at, action, actor_label) VALUES (now() + interval '400 days', 'login', 'future'),"
        " (now() - interval '100 days', 'login', 'past')"
    )
    assert await where_is(owner, "future") == AUDIT_EVENTS.default
    upkeep = bangfu("maintain", env={"DATABASE_URL": url})
    assert upkeep.returncode == 0, upkeep.stderr
    assert "新建分区 2 个" in upkeep.stdout
    future = month_start(date.fromordinal(today().toordinal() + 400))
    assert await where_is(owner, "future") == AUDIT_EVENTS.partition(future)
    assert await where_is(owner, "past") != AUDIT_EVENTS.default
    assert await owner.fetchval(f"SELECT count(*) FROM {AUDIT_EVENTS.default}") == 0


async def test_a_query_for_one_month_reads_only_that_months_partition(owner: asyncpg.Connection) -> None:
    month = month_start(today())
    plan = await owner.fetch(
        "EXPLAIN SELECT count(*) FROM audit_event WHERE at >= $1 AND at < $2",
        local_midnight(month),
        local_midnight(next_month(month)),
    )
    lines = "\n".join(row[0] for row in plan)
    assert {name for name in await partitions(owner) if f" on {name} " in lines + " "} == {
        AUDIT_EVENTS.partition(month)
    }


async def test_the_app_role_has_no_way_into_a_partition(owner: asyncpg.Connection, scratch: str) -> None:
    url = scratch
    app = await asyncpg.connect(with_user(url, app_role_name(database_name(url)), None))
    try:
        month = AUDIT_EVENTS.partition(month_start(today()))
        for sql in (f"DELETE FROM {month}", f"UPDATE {month} SET action = 'x'", f"SELECT count(*) FROM {month}"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute(sql)
        await app.execute("INSERT INTO audit_event (action, actor_label) VALUES ('login', 'through the table')")
    finally:
        await app.close()
    assert await where_is(owner, "through the table") == month


async def test_purging_drops_the_months_past_retention_whole_and_keeps_the_rest(
    owner: asyncpg.Connection, scratch: str
) -> None:
    url = scratch
    await owner.execute(
        "INSERT INTO audit_event (at, action, actor_label) VALUES (now() - interval '300 days', 'login', 'old'),"
        " (now() - interval '299 days', 'login', 'old'), (now() - interval '10 days', 'login', 'recent')"
    )
    assert bangfu("maintain", env={"DATABASE_URL": url}).returncode == 0
    old_month = await where_is(owner, "old")
    purged = bangfu("purge-audit", env={"DATABASE_URL": url})
    assert purged.returncode == 0, purged.stderr
    assert "2 条已删除" in purged.stdout
    assert old_month not in await partitions(owner), "the whole month went at once"
    assert await owner.fetchval("SELECT count(*) FROM audit_event WHERE actor_label = 'recent'") == 1


async def test_sessions_of_a_month_that_has_all_expired_go_with_their_month_at_the_nightly_upkeep(
    owner: asyncpg.Connection, scratch: str
) -> None:
    user = await owner.fetchval(
        "INSERT INTO app_user (username, display_name, password_hash, role)"
        " VALUES ('old', '旧', 'x', 'cadre') RETURNING id"
    )
    await owner.execute(
        'INSERT INTO web_session (token_hash, "user", created_at, last_seen_at) VALUES'
        " ('expired', $1, now() - interval '70 days', now() - interval '70 days'), ('live', $1, now(), now())",
        user,
    )
    upkeep = bangfu("maintain", env={"DATABASE_URL": scratch})
    assert upkeep.returncode == 0, upkeep.stderr
    assert "清除过期会话 1 个" in upkeep.stdout
    assert [row["token_hash"] for row in await owner.fetch("SELECT token_hash FROM web_session")] == ["live"]
    assert await owner.fetchval("SELECT tableoid::regclass::text FROM web_session") == WEB_SESSIONS.partition(
        month_start(today())
    )
