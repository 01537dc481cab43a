"""The households ever lifted out of poverty, by village, with their status and number of members: a partial index
whose condition is the return-to-poverty rate's (`server.monitoring.rate.LIFTED`).

The county office's home counts, for each of its townships, the lifted households and those that fell back, in
households and in people: it read `household`'s wide rows (the county demo: 34,530 of 50,285 households, all 6,400
pages, 46-48 ms of backend CPU a request). Each village's are now read from this index alone (about 100 pages), the
county's villages one after the other (6 ms)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the households lifted out of poverty, by village"

FORWARDS = [
    "CREATE INDEX household_lifted ON household (village) INCLUDE (status, member_count)"
    " WHERE status IN ('out_supported', 'out_unsupported', 'returned')",
]
BACKWARDS = ["DROP INDEX IF EXISTS household_lifted"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
