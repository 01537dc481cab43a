"""Each status event's and risk case's `village`: its household's village, kept by the database, so that a place's
events and open cases are read from an index of its villages, never through its households.

The rate by year (the rate page's years, a county's years on its office's home, a year closed) counted the events of
the households of the place's villages: every household of the township hashed and joined to its events. With the
village on the event, an index on (village, kind) holding the columns counted gives them by an index-only scan: the
rate page's statement 1.13 → 0.87 ms of backend CPU on the township demo, 5.4-5.7 → 0.8 ms for a county-scale township.
The open cases (the monitoring overview's) were found by hashing every open case of the database against the
households in scope: at county scale a township's 1,000 households against the county's 2,588 open cases for its 49,
3.0 ms of the overview's statement. Joined on the household's village as well (`h.village = rc.village`, true of
every case), PostgreSQL finds the scope's villages, their open cases from the partial index below and each case's
household by its village index: 0.4 ms.

The value follows the household: set from it when a row is written or given to another household (one trigger
function before the row is stored, whatever writes it: an exit's announcement, a case opened, a return confirmed, the
demo), and moved with the household to another village (one trigger on the household's village, for both tables).
The triggers run as the writer: the app may write events and cases (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each status event's and risk case's village, kept from its household"

KEEPING = ("status_event", "risk_case")

FORWARDS = [
    f"LOCK TABLE household, {', '.join(KEEPING)} IN SHARE ROW EXCLUSIVE MODE",  # no write between triggers and fill
    """
    CREATE FUNCTION households_village() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.village := (SELECT h.village FROM household h WHERE h.id = NEW.household);
      RETURN NEW;
    END $$
    """,
    f"""
    CREATE FUNCTION household_village_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {" ".join(f"UPDATE {table} SET village = NEW.village WHERE household = NEW.id;" for table in KEEPING)}
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER household_village_moved AFTER UPDATE OF village ON household"
    " FOR EACH ROW WHEN (OLD.village IS DISTINCT FROM NEW.village) EXECUTE FUNCTION household_village_moved()",
    *(
        statement
        for table in KEEPING
        for statement in (
            f"ALTER TABLE {table} ADD COLUMN village integer",
            f"CREATE TRIGGER {table}_village BEFORE INSERT OR UPDATE OF household, village ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION households_village()",
            f"UPDATE {table} k SET village = h.village FROM household h WHERE h.id = k.household",
            f"ALTER TABLE {table} ALTER COLUMN village SET NOT NULL",
        )
    ),
    # A place's events of a kind, with what the rate by year counts of them, read from the index alone.
    "CREATE INDEX status_event_by_village ON status_event (village, status_to) INCLUDE (happened_on, next_on, people)",
    # A place's open cases (a few per village), whatever the number of cases cleared over the years.
    "CREATE INDEX risk_case_open_by_village ON risk_case (village) WHERE state <> 'cleared'",
    *(f"ANALYZE {table}" for table in KEEPING),
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS household_village_moved ON household",
    *(f"DROP TRIGGER IF EXISTS {table}_village ON {table}" for table in KEEPING),
    "DROP FUNCTION IF EXISTS household_village_moved()",
    "DROP FUNCTION IF EXISTS households_village()",
    "DROP INDEX IF EXISTS status_event_by_village",
    "DROP INDEX IF EXISTS risk_case_open_by_village",
    *(f"ALTER TABLE {table} DROP COLUMN IF EXISTS village" for table in KEEPING),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
