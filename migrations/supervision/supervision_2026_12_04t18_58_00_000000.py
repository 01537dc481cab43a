"""Supervision rules the database enforces: known outcomes and states, a household once per check, one answer waiting per finding."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T18:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outcomes, states, one waiting answer per finding"

FORWARDS = [
    "ALTER TABLE verification_call ADD CONSTRAINT verification_call_outcome_is_known CHECK (outcome IS NULL OR outcome IN ('confirmed', 'reached', 'denied', 'unreachable'))",
    "ALTER TABLE verification_call ADD CONSTRAINT verification_call_outcome_when_called CHECK ((outcome IS NULL) = (called_at IS NULL))",
    "ALTER TABLE verification_sample ADD CONSTRAINT verification_sample_share_in_range CHECK (share_percent BETWEEN 1 AND 100)",
    "CREATE UNIQUE INDEX spot_check_household_once ON spot_check_household (spot_check, household)",
    "ALTER TABLE finding ADD CONSTRAINT finding_state_is_known CHECK (state IN ('open', 'answered', 'accepted'))",
    "ALTER TABLE rectification ADD CONSTRAINT rectification_verdict_is_known CHECK (verdict IS NULL OR verdict IN ('accepted', 'sent_back'))",
    "CREATE UNIQUE INDEX rectification_one_waiting ON rectification (finding) WHERE verdict IS NULL",
    "CREATE INDEX finding_open_by_deadline ON finding (deadline) WHERE state <> 'accepted'",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS finding_open_by_deadline",
    "DROP INDEX IF EXISTS rectification_one_waiting",
    "ALTER TABLE rectification DROP CONSTRAINT IF EXISTS rectification_verdict_is_known",
    "ALTER TABLE finding DROP CONSTRAINT IF EXISTS finding_state_is_known",
    "DROP INDEX IF EXISTS spot_check_household_once",
    "ALTER TABLE verification_sample DROP CONSTRAINT IF EXISTS verification_sample_share_in_range",
    "ALTER TABLE verification_call DROP CONSTRAINT IF EXISTS verification_call_outcome_when_called",
    "ALTER TABLE verification_call DROP CONSTRAINT IF EXISTS verification_call_outcome_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="supervision", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
