"""Pairing rules the database enforces, so two admins pairing at once cannot break them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one active pairing per household and cadre, and per household and rank"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            "CREATE UNIQUE INDEX pairing_one_active_per_cadre ON pairing (household, cadre) WHERE ended_on IS NULL",
            "CREATE UNIQUE INDEX pairing_one_active_per_rank ON pairing (household, rank) WHERE ended_on IS NULL",
            "CREATE INDEX pairing_active_by_cadre ON pairing (cadre) WHERE ended_on IS NULL",
            "ALTER TABLE pairing ADD CONSTRAINT pairing_rank_is_first_or_second CHECK (rank IN (1, 2))",
            "ALTER TABLE pairing ADD CONSTRAINT pairing_ends_after_start"
            " CHECK (ended_on IS NULL OR ended_on >= started_on)",
        ],
        backwards=[
            "ALTER TABLE pairing DROP CONSTRAINT IF EXISTS pairing_ends_after_start",
            "ALTER TABLE pairing DROP CONSTRAINT IF EXISTS pairing_rank_is_first_or_second",
            "DROP INDEX IF EXISTS pairing_active_by_cadre",
            "DROP INDEX IF EXISTS pairing_one_active_per_rank",
            "DROP INDEX IF EXISTS pairing_one_active_per_cadre",
        ],
    )
    return manager
