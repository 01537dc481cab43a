"""Raw SQL in Piccolo migrations: what Piccolo cannot express (partial indexes, triggers), reversibly."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

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


def filled_in_slices(table: str, statement: str, batch: int) -> Callable[[], Awaitable[None]]:
    """A step that runs `statement` (an UPDATE with `{}` for the first id of a slice and `{}` for the end, exclusive)
    over every id of `table` in slices of `batch`, each statement well within the engine's command timeout."""

    async def fill() -> None:
        engine = engine_finder()
        assert engine is not None
        [row] = await engine.run_ddl(f"SELECT coalesce(max(id), 0) AS last FROM {table}")
        for start in range(0, row["last"] + 1, batch):
            await engine.run_ddl(statement.format(start, start + batch))

    return fill


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


@dataclass(frozen=True)
class KeyTable:
    """The narrow, unpartitioned table that holds the keys of a partitioned table's rows, so that other tables can
    reference a row by its id alone and a unique rule can hold across partitions: `columns` are copied from each
    row by a statement trigger (server.migration_helpers.key_triggers), `definition` makes the table, `unique` the
    rules moved over from the partitioned table (which may only keep unique keys that hold its partition key)."""

    name: str
    columns: str
    definition: str
    unique: Sequence[str] = ()
    unique_dropped: Sequence[str] = ()  # statements dropping those rules from the plain table (their names move)
    unique_restored: Sequence[str] = ()  # and making them on the plain table again (backwards)
    changed_when: str = "NEW.id <> OLD.id"  # a row-trigger condition: the row's key columns changed


# One set of functions for every key table: the trigger's arguments name the key table and its columns.
KEY_FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION key_rows_made() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM made', TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);"
    " RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION key_rows_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " EXECUTE format('DELETE FROM %I WHERE id IN (SELECT id FROM gone)', TG_ARGV[0]);"
    " RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION key_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION 'the key columns of a % row never change', TG_TABLE_NAME USING ERRCODE = 'check_violation';"
    " END $$",
]
KEY_FUNCTIONS_DROPPED = [
    "DROP FUNCTION IF EXISTS key_rows_made()",
    "DROP FUNCTION IF EXISTS key_rows_gone()",
    "DROP FUNCTION IF EXISTS key_is_kept()",
]


def key_triggers(table: str, key: KeyTable) -> list[str]:
    """A statement inserting rows into `table` inserts their keys (set-based: COPY and INSERT ... SELECT of millions
    of rows pay one INSERT); deleting rows deletes their keys (and so, by cascade, what references them); the key
    columns never change. A row moved to another partition by an UPDATE fires neither statement trigger."""
    arguments = f"'{key.name}', '{key.columns}'"
    return [
        f"CREATE TRIGGER {table}_keys_made AFTER INSERT ON {table} REFERENCING NEW TABLE AS made"
        f" FOR EACH STATEMENT EXECUTE FUNCTION key_rows_made({arguments})",
        f"CREATE TRIGGER {table}_keys_gone AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone"
        f" FOR EACH STATEMENT EXECUTE FUNCTION key_rows_gone('{key.name}')",
        f"CREATE TRIGGER {table}_keys_kept BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({key.changed_when})"
        " EXECUTE FUNCTION key_is_kept()",
    ]


def partitioned_behind_key(
    table: str, *, partition_by: str, key: KeyTable, sequence: str
) -> Callable[[], Awaitable[None]]:
    """Partition `table` by range of `partition_by` (moved_into_new_table), behind the key table `key`: every foreign
    key that referenced `table` references the key table instead (same name, same actions), the table's own id
    references its key (deferred: the statement trigger adds the key at the end of the statement), views on the
    table are made again. Indexes, checks, foreign keys and triggers of the table are read from the catalog when
    the migration runs, so whatever an earlier migration added to the table moves with it."""

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        shape = await _shape(table)
        for statement in [
            *[f"DROP VIEW {name}" for name, _ in shape.views],
            *[f"ALTER TABLE {owner} DROP CONSTRAINT {name}" for owner, name, _ in shape.references],
            *key.unique_dropped,
            f"CREATE TABLE {key.name} ({key.definition})",
            f"INSERT INTO {key.name} ({key.columns}) SELECT {key.columns} FROM {table}",
            *key.unique,
            *moved_into_new_table(
                table,
                f"id, {partition_by}",
                partition_by=partition_by,
                sequence=sequence,
                extras=[
                    *shape.own,
                    *shape.indexes,
                    f"ALTER TABLE {table} ADD CONSTRAINT {table}_key_fkey FOREIGN KEY (id) REFERENCES {key.name} (id)"
                    " ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
                    *shape.triggers,
                    *KEY_FUNCTIONS,
                    *key_triggers(table, key),
                ],
            ),
            *[
                f"ALTER TABLE {owner} ADD CONSTRAINT {name} {_retargeted(definition, table, key.name)}"
                for owner, name, definition in shape.references
            ],
            *[f"CREATE VIEW {name} AS {definition}" for name, definition in shape.views],
        ]:
            await engine.run_ddl(statement)

    return run


def plain_again(table: str, *, key: KeyTable, sequence: str) -> Callable[[], Awaitable[None]]:
    """The reverse of partitioned_behind_key: one plain table again, referenced directly, its key table gone."""

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        shape = await _shape(table, key_of=key.name)
        references = [reference for reference in await _references(key.name) if reference[0] != table]
        for statement in [
            *[f"DROP VIEW {name}" for name, _ in shape.views],
            *[f"ALTER TABLE {owner} DROP CONSTRAINT {name}" for owner, name, _ in references],
            *moved_into_new_table(
                table, "id", partition_by=None, sequence=sequence, extras=[*shape.own, *shape.indexes, *shape.triggers]
            ),
            f"DROP TABLE {key.name}",
            *key.unique_restored,
            *[
                f"ALTER TABLE {owner} ADD CONSTRAINT {name} {_retargeted(definition, key.name, table)}"
                for owner, name, definition in references
            ],
            *[f"CREATE VIEW {name} AS {definition}" for name, definition in shape.views],
        ]:
            await engine.run_ddl(statement)

    return run


@dataclass(frozen=True)
class _Shape:
    """What a table carries besides its columns, as statements that make it again; and what depends on it."""

    own: list[str] = field(default_factory=list)  # checks and foreign keys
    indexes: list[str] = field(default_factory=list)  # those that are no constraint's
    triggers: list[str] = field(default_factory=list)  # besides the key triggers
    references: list[tuple[str, str, str]] = field(default_factory=list)  # (table, constraint, definition)
    views: list[tuple[str, str]] = field(default_factory=list)  # (name, query)


KEY_FUNCTION_NAMES = ("key_rows_made", "key_rows_gone", "key_is_kept")


async def _shape(table: str, key_of: str | None = None) -> _Shape:
    engine = engine_finder()
    assert engine is not None
    not_to_key = f" AND confrelid <> '{key_of}'::regclass" if key_of else ""
    own = await engine.run_ddl(
        "SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        f" WHERE conrelid = '{table}'::regclass AND contype IN ('c', 'f'){not_to_key} ORDER BY conname"
    )
    indexes = await engine.run_ddl(
        "SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index"
        f" WHERE indrelid = '{table}'::regclass AND NOT indisunique ORDER BY indexrelid"
    )
    triggers = await engine.run_ddl(
        "SELECT pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
        f" WHERE t.tgrelid = '{table}'::regclass AND NOT t.tgisinternal AND t.tgparentid = 0"
        f" AND p.proname NOT IN {KEY_FUNCTION_NAMES} ORDER BY t.tgname"
    )
    views = await engine.run_ddl(
        "SELECT DISTINCT v.relname AS name, pg_get_viewdef(v.oid) AS definition FROM pg_depend d"
        " JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class"
        f" WHERE d.refobjid = '{table}'::regclass AND v.oid <> '{table}'::regclass ORDER BY v.relname"
    )
    return _Shape(
        own=[f"ALTER TABLE {table} ADD CONSTRAINT {row['conname']} {row['definition']}" for row in own],
        indexes=[row["definition"].replace(" ON ONLY ", " ON ") for row in indexes],
        triggers=[row["definition"] for row in triggers],
        references=await _references(table),
        views=[(row["name"], row["definition"]) for row in views],
    )


async def _references(table: str) -> list[tuple[str, str, str]]:
    engine = engine_finder()
    assert engine is not None
    rows = await engine.run_ddl(
        "SELECT conrelid::regclass::text AS owner, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        f" WHERE confrelid = '{table}'::regclass AND contype = 'f' AND conparentid = 0 ORDER BY conrelid, conname"
    )
    return [(row["owner"], row["conname"], row["definition"]) for row in rows]


def _retargeted(definition: str, old: str, new: str) -> str:
    return re.sub(rf"REFERENCES (public\.)?{old}\(", f"REFERENCES {new}(", definition)
