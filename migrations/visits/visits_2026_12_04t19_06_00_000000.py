"""Photo match rules: a pair is recorded once, never a photo with itself."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T19:06:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "photo matches once per pair"

FORWARDS = [
    "CREATE UNIQUE INDEX photo_match_pair ON photo_match (photo, earlier)",
    "ALTER TABLE photo_match ADD CONSTRAINT photo_match_two_photos CHECK (photo <> earlier)",
    "ALTER TABLE photo_match ADD CONSTRAINT photo_match_distance_in_range CHECK (distance BETWEEN 0 AND 256)",
]
BACKWARDS = [
    "ALTER TABLE photo_match DROP CONSTRAINT IF EXISTS photo_match_distance_in_range",
    "ALTER TABLE photo_match DROP CONSTRAINT IF EXISTS photo_match_two_photos",
    "DROP INDEX IF EXISTS photo_match_pair",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
