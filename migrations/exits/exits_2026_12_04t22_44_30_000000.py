"""Exit rules the database keeps: one open case per household, states known, every 三保障 answer and the income
above the line before a case exists, dates in order, votes not negative."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T22:44:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "exit case rules: one open case per household, checklist and income, dates in order"

CONSTRAINTS = (
    ("exit_case", "exit_case_state_known",
     "state IN ('checked', 'appraised', 'noticed', 'reviewed', 'approved', 'exited', 'refused')"),
    ("exit_case", "exit_case_year_plausible", "year BETWEEN 2000 AND 2100"),
    ("exit_case", "exit_case_meets_the_standard",
     "per_capita_income >= poverty_line AND food_clothing_ok AND schooling_ok AND medical_ok AND housing_ok"
     " AND water_ok AND household_agreed"),
    ("exit_case", "exit_case_votes_not_negative",
     "coalesce(votes_for, 0) >= 0 AND coalesce(votes_against, 0) >= 0 AND coalesce(representatives_present, 0) >= 0"),
    ("exit_case", "exit_case_notice_in_order",
     "notice_starts_on IS NULL OR (notice_ends_on >= notice_starts_on AND notice_starts_on >= appraised_on)"),
    ("exit_case", "exit_case_announced_after_approval",
     "announced_on IS NULL OR (approved_on IS NOT NULL AND announced_on >= approved_on)"),
)  # fmt: skip


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="exits", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})" for table, name, check in CONSTRAINTS),
            "CREATE UNIQUE INDEX exit_case_one_open ON exit_case (household) WHERE state NOT IN ('exited', 'refused')",
        ],
        backwards=[
            "DROP INDEX IF EXISTS exit_case_one_open",
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in reversed(CONSTRAINTS)),
        ],
    )
    return manager
