"""Household confirmation rules: a signature has its stored PNG, a call names who confirmed."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T23:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household confirmation rules"

FORWARDS = [
    "ALTER TABLE visit_confirmation ADD CONSTRAINT visit_confirmation_way CHECK ("
    " (way = 'signature' AND storage_key <> '' AND confirmed_by = '')"
    " OR (way = 'call' AND storage_key = '' AND confirmed_by <> ''))",
]
BACKWARDS = ["ALTER TABLE visit_confirmation DROP CONSTRAINT IF EXISTS visit_confirmation_way"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
