"""Sessions partitioned by month of `created_at`, like the audit trail (server/operations/partitions.py).

A session lives at most 12 hours, and every lookup bounds `created_at` by that, so a request reads only the newest
one or two partitions, and `bangfu maintain` drops the months whose sessions have all expired, whole. The primary
key becomes (token_hash, created_at): a partitioned table's unique keys hold its partition key (the token is 256
random bits, so the hash alone stays unique in practice). Nothing references web_session.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql, moved_into_new_table

ID = "2026-12-04T22:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sessions partitioned by month"

INDEXES_AND_KEYS = [
    'CREATE INDEX web_session_user ON web_session ("user")',
    'ALTER TABLE web_session ADD CONSTRAINT web_session_user_fkey FOREIGN KEY ("user") REFERENCES app_user (id)'
    " ON UPDATE CASCADE ON DELETE CASCADE",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=moved_into_new_table(
            "web_session", "token_hash, created_at", partition_by="created_at", extras=INDEXES_AND_KEYS
        ),
        backwards=moved_into_new_table("web_session", "token_hash", partition_by=None, extras=INDEXES_AND_KEYS),
    )
    return manager
