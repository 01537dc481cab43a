"""A risk's village notice keeps its order in the database; its fewest days are a policy value (server/policy)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T19:00:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "the notice's fewest days are the county's rule, not a constraint"

FORWARDS = [
    "ALTER TABLE risk_case DROP CONSTRAINT risk_case_notice_in_order",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_notice_in_order"
    " CHECK (notice_starts_on IS NULL OR (notice_starts_on >= found_on AND notice_ends_on >= notice_starts_on))",
]
BACKWARDS = [
    "ALTER TABLE risk_case DROP CONSTRAINT risk_case_notice_in_order",
    "ALTER TABLE risk_case ADD CONSTRAINT risk_case_notice_in_order"
    " CHECK (notice_starts_on IS NULL OR (notice_starts_on >= found_on AND notice_ends_on >= notice_starts_on + 4))"
    " NOT VALID",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
