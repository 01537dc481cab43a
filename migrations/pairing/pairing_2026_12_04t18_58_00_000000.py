"""Door card rules the database enforces: one card in force per household."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T18:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one door card in force per household"

FORWARDS = [
    "CREATE UNIQUE INDEX door_card_one_in_force ON door_card (household) WHERE revoked_at IS NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS door_card_one_in_force",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
