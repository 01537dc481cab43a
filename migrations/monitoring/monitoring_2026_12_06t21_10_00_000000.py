"""Each status event's `next_on`: the day of the household's next event of the same kind (exit or return), in (day,
id) order, NULL for its last; kept by the database.

The rate by year (the rate page's years, a county's years on its home, a year closed) counts an event for a span of
years that ends with the household's next event of the same kind. Working that out per request was a window over
every counted event, sorted by household: the rate page's years statement 1.10-1.17 → 0.80 ms of backend CPU on the
township demo, the county's years (its office's home) 52-56 → 32-33 ms at county scale.
`status_event_next_on(households)` sets the column for the events of those households (the one place the chaining is
written: the trigger, this migration and the recount of tests/monitoring/test_next_on.py call it); the trigger calls
it after every insert, delete, and change of an event's household, kind or day (whatever writes it: an exit's
announcement, a return confirmed, the demo, a household deleted with its events), in the same transaction, with the
household's row locked so that two events of one household recorded at once are chained one after the other (both
steps that record an event have changed the row already)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each status event's next event of the same kind, kept"

FORWARDS = [
    "ALTER TABLE status_event ADD COLUMN next_on date",
    # The events written before hold no value of the new column: PostgreSQL supplies it for each row it reads, which
    # made a county-scale township's years, read from the county's 36,000 events, 0.35 ms slower than with the window
    # (5.3-5.5 → 5.7-5.8 ms). Written anew (in its own order, a second at county scale), every row holds it: 4.3-4.7
    # ms against 4.4-5.0 with the window on such a copy.
    "CLUSTER status_event USING status_event_pkey",
    """
    CREATE FUNCTION status_event_next_on(households integer[]) RETURNS void LANGUAGE sql AS $$
      UPDATE status_event e SET next_on = n.next_on
      FROM (SELECT s.id, lead(s.happened_on) OVER (PARTITION BY s.household, s.status_to
                                                    ORDER BY s.happened_on, s.id) AS next_on
            FROM status_event s WHERE s.household = ANY(households)) n
      WHERE e.id = n.id AND e.next_on IS DISTINCT FROM n.next_on
    $$
    """,
    """
    CREATE FUNCTION status_event_keep_next_on() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      touched integer[] := CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.household] WHEN 'DELETE' THEN ARRAY[OLD.household]
                                      ELSE ARRAY[OLD.household, NEW.household] END;
    BEGIN
      PERFORM 1 FROM household WHERE id = ANY(touched) ORDER BY id FOR NO KEY UPDATE;
      PERFORM status_event_next_on(touched);
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER status_event_next_on AFTER INSERT OR DELETE OR UPDATE OF household, status_to, happened_on"
    " ON status_event FOR EACH ROW EXECUTE FUNCTION status_event_keep_next_on()",
    "SELECT status_event_next_on(ARRAY(SELECT DISTINCT household FROM status_event))",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS status_event_next_on ON status_event",
    "DROP FUNCTION IF EXISTS status_event_keep_next_on()",
    "DROP FUNCTION IF EXISTS status_event_next_on(integer[])",
    "ALTER TABLE status_event DROP COLUMN IF EXISTS next_on",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
