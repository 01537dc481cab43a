"""Status events once per step; a closed year's figure once per village."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-05T00:06:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "status events once per step, closed years once per village"

FORWARDS = [
    "CREATE UNIQUE INDEX status_event_once ON status_event (source, source_id, status_to)",
    "ALTER TABLE status_event ADD CONSTRAINT status_event_source CHECK (source IN ('exit', 'monitoring'))",
    "CREATE UNIQUE INDEX return_rate_closed_once ON return_rate_closed (village, year)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS return_rate_closed_once",
    "ALTER TABLE status_event DROP CONSTRAINT IF EXISTS status_event_source",
    "DROP INDEX IF EXISTS status_event_once",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
