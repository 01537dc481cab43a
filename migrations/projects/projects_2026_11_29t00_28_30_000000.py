"""Project rules the database enforces: no negative money, dates in order, one row per source and household."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T00:28:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "project money not negative, dates in order, unique funding source and beneficiary"

CONSTRAINTS = (
    ("project", "project_budget_not_negative", "budget >= 0"),
    ("project", "project_progress_is_a_percentage", "progress_percent BETWEEN 0 AND 100"),
    ("project", "project_completed_after_start", "completed_on IS NULL OR started_on IS NULL OR completed_on >= started_on"),
    ("project", "project_accepted_after_completion", "accepted_on IS NULL OR (completed_on IS NOT NULL AND accepted_on >= completed_on)"),
    ("project", "project_status_is_known", "status IN ('planned', 'in_progress', 'completed', 'accepted')"),
    ("project_funding", "project_funding_not_negative", "amount >= 0"),
    ("project_quantity", "project_quantity_not_negative", "value >= 0"),
    ("project_progress", "project_progress_note_is_a_percentage", "percent BETWEEN 0 AND 100"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="projects", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})" for table, name, check in CONSTRAINTS),
            "CREATE UNIQUE INDEX project_funding_one_per_source ON project_funding (project, source)",
            "CREATE UNIQUE INDEX project_beneficiary_once ON project_beneficiary (project, household)",
        ],
        backwards=[
            "DROP INDEX IF EXISTS project_beneficiary_once",
            "DROP INDEX IF EXISTS project_funding_one_per_source",
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in reversed(CONSTRAINTS)),
        ],
    )
    return manager
