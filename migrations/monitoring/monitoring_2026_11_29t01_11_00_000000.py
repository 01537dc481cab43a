"""Risk case rules the database enforces: known states, one open case per household, dates in order."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T01:11:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "risk case states, one open case per household, dates in order"

FORWARDS = [
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_state_is_known"
    " CHECK (state IN ('found', 'noticed', 'monitored', 'cleared'))",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_source_is_known"
    " CHECK (source IN ('income_below', 'income_near', 'hardship', 'reported'))",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_type_is_known"
    " CHECK (monitoring_type IS NULL OR monitoring_type IN ('unstable', 'marginal', 'sudden'))",
    # A village notice lasts at least 5 days, counting the first and the last, and starts once the risk is found.
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_notice_in_order"
    " CHECK (notice_starts_on IS NULL OR (notice_starts_on >= found_on AND notice_ends_on >= notice_starts_on + 4))",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_confirmed_after_notice"
    " CHECK (confirmed_on IS NULL OR (notice_ends_on IS NOT NULL AND confirmed_on >= notice_ends_on"
    " AND monitoring_type IS NOT NULL))",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_cleared_after_confirmed"
    " CHECK (cleared_on IS NULL OR (confirmed_on IS NOT NULL AND cleared_on >= confirmed_on))",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_state_matches_dates CHECK ("
    " (state = 'found' AND notice_starts_on IS NULL)"
    " OR (state = 'noticed' AND notice_starts_on IS NOT NULL AND confirmed_on IS NULL)"
    " OR (state = 'monitored' AND confirmed_on IS NOT NULL AND cleared_on IS NULL)"
    " OR (state = 'cleared' AND cleared_on IS NOT NULL))",
    "CREATE UNIQUE INDEX risk_case_one_open_per_household ON risk_case (household) WHERE state <> 'cleared'",
    "CREATE INDEX risk_case_cleared_by_household ON risk_case (household, cleared_on DESC) WHERE state = 'cleared'",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS risk_case_cleared_by_household",
    "DROP INDEX IF EXISTS risk_case_one_open_per_household",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_state_matches_dates",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_cleared_after_confirmed",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_confirmed_after_notice",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_notice_in_order",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_type_is_known",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_source_is_known",
    "ALTER TABLE risk_case DROP CONSTRAINT IF EXISTS risk_case_state_is_known",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
