"""Rules of the county's decisions the database enforces: one pending list per subject, known states, reasons."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T22:24:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "a subject pending on one list at a time; known states; a household sent back says why"

CONSTRAINTS = (
    ("county_submission", "county_submission_state_is_known", "state IN ('submitted', 'decided', 'announced')"),
    ("county_submission", "county_submission_decided_when_decided", "state = 'submitted' OR decided_at IS NOT NULL"),
    (
        "county_submission",
        "county_submission_announcement_in_order",
        "announcement_ends_on IS NULL OR announcement_ends_on >= announcement_starts_on",
    ),
    ("county_submission_item", "county_item_decision_is_known", "decision IN ('pending', 'approved', 'returned')"),
    ("county_submission_item", "county_item_returned_with_reason", "decision <> 'returned' OR btrim(reason) <> ''"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="county", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check})" for table, name, check in CONSTRAINTS),
            "CREATE UNIQUE INDEX county_item_pending_once ON county_submission_item (kind, subject)"
            " WHERE decision = 'pending'",
            "CREATE UNIQUE INDEX county_item_once_per_list ON county_submission_item (submission, subject)",
        ],
        backwards=[
            "DROP INDEX IF EXISTS county_item_once_per_list",
            "DROP INDEX IF EXISTS county_item_pending_once",
            *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}" for table, name, _ in reversed(CONSTRAINTS)),
        ],
    )
    return manager
