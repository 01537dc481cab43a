"""Identification rules the database enforces: one open application per household, known states, sane numbers."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one open application per household, states, votes and notice dates checked"

STATES = "'applied', 'surveyed', 'preliminary', 'appraised', 'noticed', 'reviewed', 'approved', 'registered', 'struck_out'"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="identification", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            "CREATE UNIQUE INDEX identification_one_open_application ON identification_application (household)"
            " WHERE state NOT IN ('registered', 'struck_out')",
            "ALTER TABLE identification_application ADD CONSTRAINT identification_known_state"
            f" CHECK (state IN ({STATES}))",
            "ALTER TABLE identification_application ADD CONSTRAINT identification_votes_not_negative"
            " CHECK (coalesce(votes_for, 0) >= 0 AND coalesce(votes_against, 0) >= 0 AND member_count >= 1)",
            "ALTER TABLE village_notice ADD CONSTRAINT village_notice_ends_after_start CHECK (ends_on >= starts_on)",
            "ALTER TABLE appraisal_meeting ADD CONSTRAINT appraisal_meeting_representatives_positive"
            " CHECK (representatives_present > 0)",
        ],
        backwards=[
            "ALTER TABLE appraisal_meeting DROP CONSTRAINT IF EXISTS appraisal_meeting_representatives_positive",
            "ALTER TABLE village_notice DROP CONSTRAINT IF EXISTS village_notice_ends_after_start",
            "ALTER TABLE identification_application DROP CONSTRAINT IF EXISTS identification_votes_not_negative",
            "ALTER TABLE identification_application DROP CONSTRAINT IF EXISTS identification_known_state",
            "DROP INDEX IF EXISTS identification_one_open_application",
        ],
    )
    return manager
