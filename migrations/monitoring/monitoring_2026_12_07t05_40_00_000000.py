"""Each risk case's `village`: its household's village, kept by the database, so that a place's open cases are read
from an index of its villages, never through its households.

The open cases (the monitoring overview's, a county's figures) were found by reading the households in scope and
hashing every open case of the database against them: at county scale a township's 1,000 households and the county's
2,588 open cases for its 49, 3.0 ms of the overview's statement. Joined on the household's village as well
(`h.village = rc.village`, true of every case), PostgreSQL finds the scope's villages, their open cases from the
partial index below and each case's household by its village index: 0.4 ms.

The value follows the household, as a status event's does (migration monitoring 2026-12-07T05:00): set from it when
a case is written or given to another household, moved with the household to another village. Both triggers run as
the writer: the app may write risk cases (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-07T05:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each risk case's village, kept from its household"

FORWARDS = [
    "LOCK TABLE household, risk_case IN SHARE ROW EXCLUSIVE MODE",  # no write between the triggers and the fill
    "ALTER TABLE risk_case ADD COLUMN village integer",
    """
    CREATE FUNCTION risk_case_village() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.village := (SELECT h.village FROM household h WHERE h.id = NEW.household);
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER risk_case_village BEFORE INSERT OR UPDATE OF household, village ON risk_case"
    " FOR EACH ROW EXECUTE FUNCTION risk_case_village()",
    """
    CREATE FUNCTION risk_case_village_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE risk_case SET village = NEW.village WHERE household = NEW.id;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER risk_case_village_moved AFTER UPDATE OF village ON household"
    " FOR EACH ROW WHEN (OLD.village IS DISTINCT FROM NEW.village) EXECUTE FUNCTION risk_case_village_moved()",
    "UPDATE risk_case r SET village = h.village FROM household h WHERE h.id = r.household",
    "ALTER TABLE risk_case ALTER COLUMN village SET NOT NULL",
    # A place's open cases (a few per village), whatever the number of cases cleared over the years.
    "CREATE INDEX risk_case_open_by_village ON risk_case (village) WHERE state <> 'cleared'",
    "ANALYZE risk_case",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS risk_case_village_moved ON household",
    "DROP TRIGGER IF EXISTS risk_case_village ON risk_case",
    "DROP FUNCTION IF EXISTS risk_case_village_moved()",
    "DROP FUNCTION IF EXISTS risk_case_village()",
    "DROP INDEX IF EXISTS risk_case_open_by_village",
    "ALTER TABLE risk_case DROP COLUMN IF EXISTS village",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
