"""The households that need a responsible cadre, by village: a partial index whose condition is the rule's
(`server.pairing.rules.eligible_sql`: registered with any poverty status but 'none', or monitored).

The coverage figures count these households by village on every dashboard request (a county's 50,000 for the county
office's home, a township's for the leader's): read from this index alone, without the household's wide row (the
county demo's coverage by township read all 2,114 pages of `household`; its backend CPU 87 → 69 ms a request), and
a township's villages looked up in it instead of every household scanned."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T06:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the households needing a cadre, by village"

FORWARDS = [
    "CREATE INDEX household_needing_cadre ON household (village, id)"
    " WHERE status <> 'none' OR monitoring_type IS NOT NULL",
]
BACKWARDS = ["DROP INDEX IF EXISTS household_needing_cadre"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
