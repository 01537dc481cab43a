"""`refresh_statistics(tables)`: ANALYZE tables as their owner, for the app role after a bulk load.

PostgreSQL lets only a table's owner ANALYZE it; the app role (server/operations/roles.py) is not the owner, so a demo
loaded by the app (the township scale, the tests) skipped its ANALYZE with a warning and was planned without
statistics until autovacuum came round: every table taken for one row, joins nested inside each other, minutes per
statement. The function runs as its owner and analyzes the public schema's tables named in the call, or all of them
when called with NULL (a partitioned table with its partitions).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T03:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "refresh_statistics(tables) for the app role"

FORWARDS = [
    """
    CREATE FUNCTION refresh_statistics(tables text[] DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        name text;
    BEGIN
        IF tables IS NULL THEN
            tables := ARRAY(SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
                            AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname);
        END IF;
        FOREACH name IN ARRAY tables LOOP
            IF to_regclass(format('public.%I', name)) IS NULL THEN
                RAISE EXCEPTION 'refresh_statistics: no table public.%', name USING ERRCODE = 'undefined_table';
            END IF;
            EXECUTE format('ANALYZE public.%I', name);
        END LOOP;
    END
    $$
    """,
]
BACKWARDS = ["DROP FUNCTION refresh_statistics(text[])"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
