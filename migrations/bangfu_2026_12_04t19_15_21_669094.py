from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey

ID = "2026-12-04T19:15:21:669094"
VERSION = "1.38.0"
DESCRIPTION = "audit entries outlive their account"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="bangfu", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="AuditEvent",
        tablename="audit_event",
        column_name="actor",
        db_column_name="actor",
        params={"on_delete": OnDelete.restrict, "on_update": OnUpdate.restrict},
        old_params={"on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
