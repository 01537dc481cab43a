"""The deployment table holds one row at most, of a known kind (after the table exists: Piccolo runs raw SQL of a
migration before its tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T22:27:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "deployment: one row of a known kind"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    # One row at most: a database is either a real deployment or the demo.
    add_raw_sql(
        manager,
        forwards=[
            "ALTER TABLE deployment ADD CONSTRAINT deployment_kind_is_known CHECK (kind IN ('real', 'demo'))",
            "CREATE UNIQUE INDEX deployment_one_row ON deployment ((true))",
        ],
        backwards=["DROP INDEX IF EXISTS deployment_one_row"],
    )

    return manager
