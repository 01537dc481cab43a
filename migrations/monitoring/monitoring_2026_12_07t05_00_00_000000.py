"""Each status event's `village`: its household's village, kept by the database, so that the rate by year reads a
township's (or a county's) events from an index of its villages, never through the households.

The rate by year (the rate page's years, a county's years on its office's home, a year closed) counted the events of
the households of the place's villages: every household of the township hashed and joined to its events (the
township demo's 1,000 households for its 697 events). With the village on the event, an index on (village, kind)
holding the columns counted gives them by an index-only scan: the rate page's statement 1.13 → 0.87 ms of backend CPU
on the township demo.

The value follows the household: set from it when an event is written or moved to another household (a trigger
before the row is stored, whatever writes it: an exit's announcement, a return confirmed, the demo), and moved with
the household to another village (a trigger on the household's village). Both triggers run as the writer: the app
may write events (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each status event's village, kept from its household"

FORWARDS = [
    "LOCK TABLE household, status_event IN SHARE ROW EXCLUSIVE MODE",  # no write between the triggers and the fill
    "ALTER TABLE status_event ADD COLUMN village integer",
    """
    CREATE FUNCTION status_event_village() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.village := (SELECT h.village FROM household h WHERE h.id = NEW.household);
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER status_event_village BEFORE INSERT OR UPDATE OF household, village ON status_event"
    " FOR EACH ROW EXECUTE FUNCTION status_event_village()",
    """
    CREATE FUNCTION status_event_village_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE status_event SET village = NEW.village WHERE household = NEW.id;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER status_event_village_moved AFTER UPDATE OF village ON household"
    " FOR EACH ROW WHEN (OLD.village IS DISTINCT FROM NEW.village) EXECUTE FUNCTION status_event_village_moved()",
    "UPDATE status_event e SET village = h.village FROM household h WHERE h.id = e.household",
    "ALTER TABLE status_event ALTER COLUMN village SET NOT NULL",
    # A place's events of a kind, with what the rate by year counts of them, read from the index alone.
    "CREATE INDEX status_event_by_village ON status_event (village, status_to) INCLUDE (happened_on, next_on, people)",
    "ANALYZE status_event",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS status_event_village_moved ON household",
    "DROP TRIGGER IF EXISTS status_event_village ON status_event",
    "DROP FUNCTION IF EXISTS status_event_village_moved()",
    "DROP FUNCTION IF EXISTS status_event_village()",
    "DROP INDEX IF EXISTS status_event_by_village",
    "ALTER TABLE status_event DROP COLUMN IF EXISTS village",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
