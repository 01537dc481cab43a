"""The follow-ups a cadre closed, by due date, with the closing visit's day in the index: the annual assessment's
follow-ups kept on time or late read them from the index alone. A township's ~300 cadres: 240-300 -> 15 ms (the
whole table of 1.8 million was scanned); a county's year, 290,000 of them: 260-510 ms on three processes (a parallel
scan) -> 240-260 ms on one (docs/performance.md, ninth session)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T15:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of follow-ups by closing cadre and due date"

FORWARDS = [
    "CREATE INDEX follow_up_closed_by_cadre ON follow_up (closing_visit_cadre, due_on) INCLUDE (closing_visit_day)"
    " WHERE closing_visit_cadre IS NOT NULL",
]
BACKWARDS = ["DROP INDEX IF EXISTS follow_up_closed_by_cadre"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
