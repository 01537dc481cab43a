"""The audit trail partitioned by month of `at` (PostgreSQL's declarative partitioning).

Every existing entry moves into the DEFAULT partition here; `bangfu migrate` then gives each month its own partition
and makes the months ahead (server/operations/partitions.py), so retention drops whole months and a query for a
period reads only its months. The primary key becomes (id, at): a partitioned table's unique keys hold its partition
key. Nothing references audit_event, so no foreign key has to follow.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql, moved_into_new_table

ID = "2026-12-04T22:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit trail partitioned by month"

# What the table carries besides its columns, created on the parent so that every partition has it.
GUARDS_AND_INDEXES = [
    "CREATE INDEX audit_event_at ON audit_event (at)",
    "CREATE INDEX audit_event_action ON audit_event (action)",
    "CREATE INDEX audit_event_actor ON audit_event (actor)",
    "CREATE INDEX audit_event_target ON audit_event (target_type, target_id, at)",
    "CREATE INDEX audit_event_detail_household ON audit_event ((detail ->> 'household')) WHERE detail ? 'household'",
    "ALTER TABLE audit_event ADD CONSTRAINT audit_event_actor_fkey FOREIGN KEY (actor) REFERENCES app_user (id)"
    " ON UPDATE RESTRICT ON DELETE RESTRICT",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event"
    " FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=moved_into_new_table(
            "audit_event", "id, at", partition_by="at", sequence="audit_event_id_seq", extras=GUARDS_AND_INDEXES
        ),
        backwards=moved_into_new_table("audit_event", "id", partition_by=None, sequence="audit_event_id_seq", extras=GUARDS_AND_INDEXES),
    )
    return manager
