"""The index of households by village carries their ids (`household_village`: (village) becomes (village, id)).

A township's plan figures (the coverage page's plan items overdue per village, the due lists' planned households)
select the plans of the township's households: with the index of (village) alone, the generic plan read the whole
`household` table (on the county demo, 6,415 pages for a township's 1,000 households) to learn which households are
in the township's villages; with the id in the index it reads the township's entries alone (about 60 pages, no heap
visits where the visibility map allows). The same name as Piccolo's index of the column (`index=True` in
server/households/tables.py), so Piccolo still finds the index it made.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T09:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household_village carries the household's id"

FORWARDS = [
    "DROP INDEX household_village",
    "CREATE INDEX household_village ON household (village, id)",
]
BACKWARDS = [
    "DROP INDEX household_village",
    "CREATE INDEX household_village ON household (village)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
