from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-29T02:57:14:495303"
VERSION = "1.38.0"
DESCRIPTION = "visits by household through the time index"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="visits", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Visit",
        tablename="visit",
        column_name="household",
        db_column_name="household",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
