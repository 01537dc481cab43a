"""An index for "everything about household N": events that name the household in their detail (members, visits)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit events by the household named in their detail"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            "CREATE INDEX audit_event_detail_household ON audit_event ((detail ->> 'household'))"
            " WHERE detail ? 'household'"
        ],
        backwards=["DROP INDEX IF EXISTS audit_event_detail_household"],
    )
    return manager
