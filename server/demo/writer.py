"""Bulk writing for the demo data: ids drawn from the tables' own sequences, rows sent with COPY."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.table import Table


async def reserve_ids(connection: asyncpg.Connection, table: type[Table], count: int) -> list[int]:
    """`count` new ids from the table's sequence, so rows can refer to each other before they are sent."""
    rows = await connection.fetch(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)",
        table._meta.tablename,
        count,
    )
    return [int(row["id"]) for row in rows]


async def copy_rows(connection: asyncpg.Connection, table: type[Table], rows: Sequence[Mapping[str, Any]]) -> None:
    """COPY the rows (all with the same keys) into the table; the columns left out take their defaults."""
    if not rows:
        return
    columns = list(rows[0])
    records = [tuple(row[column] for column in columns) for row in rows]
    await copy_records(connection, table._meta.tablename, columns, records)


COPY_CHUNK = 100_000  # rows per COPY: each one well within the pool's command timeout, even on a busy machine


async def copy_records(
    connection: asyncpg.Connection, table: str, columns: Sequence[str], records: Sequence[tuple[Any, ...]]
) -> None:
    """COPY the records in chunks: the county's 1.86 million visits in one COPY outlasted the 60 s command timeout
    on a shared machine, and the demo load failed."""
    for start in range(0, len(records), COPY_CHUNK):
        await connection.copy_records_to_table(table, columns=columns, records=records[start : start + COPY_CHUNK])


async def insert_with_ids(
    connection: asyncpg.Connection, table: type[Table], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Give each row a reserved id, COPY them, and return the same rows."""
    for row, row_id in zip(rows, await reserve_ids(connection, table, len(rows)), strict=True):
        row["id"] = row_id
    await copy_rows(connection, table, rows)
    return rows


async def refresh_statistics(connection: asyncpg.Connection, *tables: str, seconds: float | None = None) -> None:
    """ANALYZE the tables (all of ours when none are named) after a bulk load, through the function that runs it as
    their owner: the app role, which loads the township demo and the tests' data, may not ANALYZE itself, and a
    table without statistics is planned as one row."""
    await connection.execute("SELECT refresh_statistics($1)", list(tables) or None, timeout=seconds)


async def owns(connection: asyncpg.Connection, *tables: str) -> bool:
    """Whether the connection's role owns the tables (`bangfu demo` does; the app role, which loads the tests' data,
    does not): only the owner may drop their indexes or turn their triggers off."""
    return bool(
        await connection.fetchval(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class"
            " WHERE oid = ANY($1::regclass[])",
            list(tables),
        )
    )


@asynccontextmanager
async def triggers_off(connection: asyncpg.Connection, owner: bool, *triggers: tuple[str, str]) -> AsyncIterator[None]:
    """The owner turns the triggers (table, trigger) off while the block writes, and on again when it ends, also
    when it fails half way (the app's own writes must not go unkept); the block then does their work once for all.
    For another role they stay on (and write the same, row by row)."""
    if not owner:
        yield
        return
    for table, trigger in triggers:
        await connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        for table, trigger in triggers:
            await connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
