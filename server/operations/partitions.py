"""Partitions by month (or year) of the history tables, made ahead and dropped whole at the end of retention; run by
the owner.

`bangfu migrate` and `bangfu maintain` (nightly) make the partitions from the current month to MONTHS_AHEAD months
ahead. A row for a month nobody made a partition for (the nightly job stopped, a clock far off) lands in the DEFAULT
partition instead of failing; the next run moves it into its own partition. Partitions are reached only through their
table: the app role holds no privilege on any of them, so the table's own grants and guards are the only way in.
Months are the township's months (Asia/Shanghai), like every date the app shows. Visits and their photos take a year
per partition (VISITS): the same code, with `months=12`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from server.clock import TIMEZONE, today

MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Partitioned:
    """A table partitioned by time on one timestamp column: a partition per month, or per year (`months=12`)."""

    table: str
    column: str
    months: int = 1  # how many months one partition holds: 1 or 12

    @property
    def default(self) -> str:
        return f"{self.table}_default"

    def start_of(self, day: date) -> date:
        """The first day of the partition that holds `day`."""
        return date(day.year, 1, 1) if self.months == 12 else month_start(day)

    def after(self, start: date) -> date:
        """The first day of the partition after the one starting on `start`."""
        return date(start.year + 1, 1, 1) if self.months == 12 else next_month(start)

    def partition(self, day: date) -> str:
        start = self.start_of(day)
        return f"{self.table}_{start:%Y}" if self.months == 12 else f"{self.table}_{start:%Y_%m}"


AUDIT_EVENTS = Partitioned("audit_event", "at")
WEB_SESSIONS = Partitioned("web_session", "created_at")
# By year: the windows the app reads visits by are on visited_at, and a month per partition made every query without
# a window (a household's history, a visit by id) plan dozens of partitions (docs/scale-out.md "Visits in partitions")
VISITS = Partitioned("visit", "visited_at", months=12)
VISIT_PHOTOS = Partitioned("visit_photo", "created_at", months=12)
PARTITIONED = (AUDIT_EVENTS, WEB_SESSIONS, VISITS, VISIT_PHOTOS)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def local_midnight(month: date) -> datetime:
    return datetime(month.year, month.month, month.day, tzinfo=TIMEZONE)


async def ensure_partitions(connection: asyncpg.Connection, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Make each missing month from this one to `months_ahead` ahead, and any month the default holds rows of."""
    first = month_start(today())
    wanted = [first]
    for _ in range(months_ahead):
        wanted.append(next_month(wanted[-1]))
    made: list[str] = []
    for table in PARTITIONED:
        if not await _is_partitioned(connection, table) or not await _missing(connection, table, wanted):
            continue  # the nightly case: nothing to do, and no lock taken
        async with connection.transaction():
            await connection.execute(f"LOCK TABLE {table.table} IN ACCESS EXCLUSIVE MODE")  # one maker at a time
            made += await _make_months(connection, table, await _missing(connection, table, wanted))
    return made


async def ensure_span(connection: asyncpg.Connection, table: Partitioned, first: date, last: date) -> list[str]:
    """Make the missing partitions of `table` from `first`'s to `last`'s, e.g. before a bulk load of past years
    (the demo's visit history), so the rows go straight into their own partitions instead of the default."""
    if not await _is_partitioned(connection, table):
        return []
    starts, start = [], table.start_of(first)
    while start <= last:
        starts.append(start)
        start = table.after(start)
    return await _make_months(
        connection, table, [s for s in starts if not await _exists(connection, table.partition(s))]
    )


async def _missing(connection: asyncpg.Connection, table: Partitioned, wanted: list[date]) -> list[date]:
    stray = await connection.fetch(
        f"SELECT DISTINCT date_trunc('month', {table.column} AT TIME ZONE $1)::date AS month FROM {table.default}",
        TIMEZONE.key,
    )
    starts = {table.start_of(month) for month in {row["month"] for row in stray} | set(wanted)}
    return sorted([start for start in starts if not await _exists(connection, table.partition(start))])


async def _make_months(connection: asyncpg.Connection, table: Partitioned, months: list[date]) -> list[str]:
    stray = await connection.fetchval(f"SELECT EXISTS (SELECT FROM {table.default})")
    if stray:  # the default partition may not keep rows of a month that gets its own partition: take them out first
        await connection.execute(f"ALTER TABLE {table.table} DETACH PARTITION {table.default}")
        await connection.execute(f"ALTER TABLE {table.default} RENAME TO {table.default}_moving")
        await connection.execute(f"CREATE TABLE {table.default} PARTITION OF {table.table} DEFAULT")
        await _keep_out_the_app(connection, table.default)
    for month in months:
        start, end = local_midnight(month).isoformat(), local_midnight(table.after(month)).isoformat()
        await connection.execute(
            f"CREATE TABLE {table.partition(month)} PARTITION OF {table.table} FOR VALUES FROM ('{start}') TO ('{end}')"
        )
        await _keep_out_the_app(connection, table.partition(month))
    if stray:  # rows moved, not new: no trigger of the table fires for them (a key table keeps their keys already)
        await connection.execute(f"ALTER TABLE {table.table} DISABLE TRIGGER USER")
        await connection.execute(f"INSERT INTO {table.table} SELECT * FROM {table.default}_moving")
        await connection.execute(f"ALTER TABLE {table.table} ENABLE TRIGGER USER")
        await connection.execute(f"DROP TABLE {table.default}_moving")  # no row trigger fires: the rows moved
        # Statistics for the partitions that took the rows (a migration moves a whole table at once): without them the
        # planner takes a year of visits for a few hundred rows until autovacuum comes by, and picks plans to match.
        await connection.execute(f"ANALYZE {table.table}")
    return [table.partition(m) for m in months]


async def _is_partitioned(connection: asyncpg.Connection, table: Partitioned) -> bool:
    """False before the migration that partitions the table (migrating one area at a time)."""
    return bool(
        await connection.fetchval(
            "SELECT EXISTS (SELECT FROM pg_partitioned_table WHERE partrelid = to_regclass($1))", table.table
        )
    )


async def _exists(connection: asyncpg.Connection, name: str) -> bool:
    return bool(await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", f"public.{name}"))


async def _keep_out_the_app(connection: asyncpg.Connection, partition: str) -> None:
    """No privilege on a partition for anyone but its owner (default privileges would give the app role rows)."""
    grantees = await connection.fetch(
        "SELECT DISTINCT quote_ident(grantee) AS name FROM information_schema.role_table_grants"
        " WHERE table_schema = 'public' AND table_name = $1 AND grantee <> current_user",
        partition,
    )
    for grantee in grantees:
        name = "PUBLIC" if grantee["name"] == "PUBLIC" else grantee["name"]
        await connection.execute(f"REVOKE ALL ON {partition} FROM {name}")


async def drop_months_before(connection: asyncpg.Connection, table: Partitioned, cutoff: datetime) -> int:
    """Detach and drop the partitions that end at or before `cutoff`; the number of rows they held."""
    rows = 0
    for name, month in await monthly_partitions(connection, table):
        if local_midnight(table.after(month)) > cutoff:
            continue
        async with connection.transaction():
            rows += await connection.fetchval(f"SELECT count(*) FROM {name}")
            await connection.execute(f"ALTER TABLE {table.table} DETACH PARTITION {name}")
            await connection.execute(f"DROP TABLE {name}")
    return rows


async def monthly_partitions(connection: asyncpg.Connection, table: Partitioned) -> list[tuple[str, date]]:
    """The table's partitions but the default (by name, which says the month or the year it starts), oldest first."""
    rows = await connection.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = $1::regclass AND c.relname <> $2 ORDER BY c.relname",
        table.table,
        table.default,
    )
    named = [(row["relname"], row["relname"].removeprefix(f"{table.table}_").split("_")) for row in rows]
    return [(name, date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, 1)) for name, parts in named]
