"""Raw SQL in Piccolo migrations: what Piccolo cannot express (partial indexes, triggers), reversibly."""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


def add_raw_sql(manager: MigrationManager, forwards: Sequence[str], backwards: Sequence[str]) -> None:
    """Run each statement of `forwards` when migrating, each of `backwards` when reversing."""

    async def run_forwards() -> None:
        for statement in forwards:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    async def run_backwards() -> None:
        for statement in backwards:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)


def moved_into_new_table(
    table: str, primary_key: str, *, partition_by: str | None, sequence: str | None = None, extras: Sequence[str] = ()
) -> list[str]:
    """Statements that move every row of `table` into a new table of the same columns: partitioned by range of
    `partition_by` (rows wait in a DEFAULT partition until server/operations/partitions.py gives each month its
    own), or plain again when `partition_by` is None. `sequence`, owned by the old table, goes to the new one;
    `extras` (indexes, constraints, triggers) are made on the new table after the old one is gone, under the same
    names. Nothing may reference `table` with a foreign key."""
    kind = f"PARTITION BY RANGE ({partition_by})" if partition_by else ""
    statements = [f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"]
    if sequence:
        statements.append(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
    statements += [
        f"ALTER TABLE {table} RENAME TO {table}_moving",
        f"CREATE TABLE {table} (LIKE {table}_moving INCLUDING DEFAULTS) {kind}",
    ]
    if partition_by:
        statements.append(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    statements += [
        f"INSERT INTO {table} SELECT * FROM {table}_moving",
        f"DROP TABLE {table}_moving",  # a DROP fires no row trigger: the rows live on in the new table
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({primary_key})",
    ]
    if sequence:
        statements.append(f"ALTER SEQUENCE {sequence} OWNED BY {table}.{primary_key.split(',')[0].strip()}")
    return [*statements, *extras]
