"""Visit rules the database enforces: kinds, one open schedule follow-up per household, photo order, ranges."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:17:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "visit kinds, follow-up reasons, one open schedule follow-up per household"

FORWARDS = [
    "ALTER TABLE visit ADD CONSTRAINT visit_kind_is_known CHECK (kind IN ('home', 'phone', 'group', 'condolence'))",
    "ALTER TABLE visit ADD CONSTRAINT visit_expected_photos_range CHECK (expected_photos BETWEEN 0 AND 9)",
    "ALTER TABLE visit ADD CONSTRAINT visit_version_positive CHECK (version >= 1)",
    "ALTER TABLE visit ADD CONSTRAINT visit_place_in_range"
    " CHECK ((latitude IS NULL OR latitude BETWEEN -90 AND 90) AND (longitude IS NULL OR longitude BETWEEN -180 AND 180))",
    "CREATE INDEX visit_household_latest ON visit (household, visited_at DESC)",
    "CREATE INDEX visit_cadre_time ON visit (cadre, visited_at DESC)",
    "ALTER TABLE visit_measure ADD CONSTRAINT visit_measure_amount_not_negative CHECK (amount IS NULL OR amount >= 0)",
    "CREATE UNIQUE INDEX visit_photo_once_per_visit ON visit_photo (visit, storage_key)",
    "ALTER TABLE follow_up ADD CONSTRAINT follow_up_reason_is_known"
    " CHECK (reason IN ('schedule', 'placement', 'measure'))",
    "ALTER TABLE follow_up ADD CONSTRAINT follow_up_closed_by_visit_is_closed"
    " CHECK (closed_by_visit IS NULL OR closed_at IS NOT NULL)",
    "CREATE UNIQUE INDEX follow_up_one_open_schedule ON follow_up (household)"
    " WHERE reason = 'schedule' AND closed_at IS NULL",
    "CREATE INDEX follow_up_open_by_due ON follow_up (due_on, household) WHERE closed_at IS NULL",
    "CREATE INDEX follow_up_by_closing_visit ON follow_up (closed_by_visit) WHERE closed_by_visit IS NOT NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS follow_up_by_closing_visit",
    "DROP INDEX IF EXISTS follow_up_open_by_due",
    "DROP INDEX IF EXISTS follow_up_one_open_schedule",
    "ALTER TABLE follow_up DROP CONSTRAINT IF EXISTS follow_up_closed_by_visit_is_closed",
    "ALTER TABLE follow_up DROP CONSTRAINT IF EXISTS follow_up_reason_is_known",
    "DROP INDEX IF EXISTS visit_photo_once_per_visit",
    "ALTER TABLE visit_measure DROP CONSTRAINT IF EXISTS visit_measure_amount_not_negative",
    "DROP INDEX IF EXISTS visit_cadre_time",
    "DROP INDEX IF EXISTS visit_household_latest",
    "ALTER TABLE visit DROP CONSTRAINT IF EXISTS visit_place_in_range",
    "ALTER TABLE visit DROP CONSTRAINT IF EXISTS visit_version_positive",
    "ALTER TABLE visit DROP CONSTRAINT IF EXISTS visit_expected_photos_range",
    "ALTER TABLE visit DROP CONSTRAINT IF EXISTS visit_kind_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
