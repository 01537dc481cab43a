"""The audit trail partitioned by month of `at` (PostgreSQL's declarative partitioning).

Every existing entry moves into the DEFAULT partition here; `bangfu migrate` then gives each month its own partition
and makes the months ahead (server/operations/partitions.py), so retention drops whole months and a query for a
period reads only its months. The primary key becomes (id, at): a partitioned table's unique keys hold its partition
key. Nothing references audit_event, so no foreign key has to follow.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

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


def rebuilt(partitioned: bool) -> list[str]:
    """Move the entries into a new audit_event, partitioned or plain, keeping the ids and their sequence."""
    kind = "PARTITION BY RANGE (at)" if partitioned else ""
    key = "(id, at)" if partitioned else "(id)"
    statements = [
        "LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE",
        "ALTER SEQUENCE audit_event_id_seq OWNED BY NONE",
        "ALTER TABLE audit_event RENAME TO audit_event_moving",
        f"CREATE TABLE audit_event (LIKE audit_event_moving INCLUDING DEFAULTS) {kind}",
    ]
    if partitioned:
        statements.append("CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT")
    return [
        *statements,
        "INSERT INTO audit_event SELECT * FROM audit_event_moving",
        "DROP TABLE audit_event_moving",  # a DROP fires no row trigger: the entries live on in the new table
        f"ALTER TABLE audit_event ADD CONSTRAINT audit_event_pkey PRIMARY KEY {key}",
        "ALTER SEQUENCE audit_event_id_seq OWNED BY audit_event.id",
        *GUARDS_AND_INDEXES,
    ]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    add_raw_sql(manager, forwards=rebuilt(partitioned=True), backwards=rebuilt(partitioned=False))
    return manager
