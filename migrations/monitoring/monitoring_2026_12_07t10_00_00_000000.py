"""The households monitoring watches (`server.monitoring.queries.WATCHED_STATUSES`), by village, with every column the
risks' judgement reads of them: a partial index whose condition is the judgement's.

To find the households to check, the judgement filtered every watched household of the scope by its per-capita
income (under the "near" limit) or a hardship visit: the township demo's 684 rows read from `household`'s wide rows,
where the income is the 37th column (a bitmap scan of `household_status`, then each row taken apart up to it). From
this index PostgreSQL reads them by the scope's villages alone (an index-only scan): the risk list's statement 1.23 →
1.07 ms of backend CPU on the township demo, 2.10 → 1.70 ms for a county-scale township (least of twelve and six
alternations), and the overview's likewise.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-07T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of the households monitoring watches, by village, with what the risks' judgement reads"

FORWARDS = [
    "CREATE INDEX household_watched ON household (village)"
    " INCLUDE (id, per_capita_income, status, monitoring_type, code, income_year)"
    " WHERE status IN ('out_supported', 'out_unsupported', 'none')",
]
BACKWARDS = ["DROP INDEX IF EXISTS household_watched"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
