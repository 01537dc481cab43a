"""Sudden hardships on visits: known codes only, and an index for the monitoring risk list."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T01:09:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "visit hardship codes and index"

FORWARDS = [
    "ALTER TABLE visit ADD CONSTRAINT visit_hardship_is_known"
    " CHECK (hardship IS NULL OR hardship IN ('illness', 'disaster', 'accident', 'other'))",
    "CREATE INDEX visit_hardship_by_household ON visit (household, visited_at DESC) WHERE hardship IS NOT NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS visit_hardship_by_household",
    "ALTER TABLE visit DROP CONSTRAINT IF EXISTS visit_hardship_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
