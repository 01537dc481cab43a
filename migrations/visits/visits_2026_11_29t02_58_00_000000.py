"""Visits read by date for the coverage figures of a whole county (recent visits of 50,000 households at once)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T02:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "visits by time, for the latest visit of many households in one range scan"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=["CREATE INDEX visit_recent ON visit (visited_at, household)"],
        backwards=["DROP INDEX IF EXISTS visit_recent"],
    )
    return manager
