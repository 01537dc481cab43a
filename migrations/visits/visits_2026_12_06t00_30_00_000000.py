"""Each household's last visit and first open follow-up due date, kept by the database (household_visit_dates).

The coverage figures (a county's 50,000 households on every dashboard request) need, per household, whether it was
visited within the alert period and whether a follow-up is overdue: max(visit.visited_at) and min(due_on) of its
open follow-ups. Statement triggers on `visit` and `follow_up` keep both in the writing transaction, so they are never
stale: an insert raises / lowers them from its rows (one GROUP BY over the statement's transition table, so a bulk
INSERT ... SELECT of millions of visits pays one upsert); an update or delete that may take a value back locks the
households' rows and then recomputes them from the source in a new statement, which under READ COMMITTED sees every
write committed before the lock was granted (a concurrent insert either committed before, or waits on the lock and
raises the value after). Rows moved between partitions by `bangfu maintain` fire no trigger and change nothing.
The functions run as their owner (SECURITY DEFINER): the app role may only read the table (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T00:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household visit dates kept by triggers"

_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"

# The households whose rows an UPDATE changed in the kept columns (`{columns}`), old and new rows paired by id.
_CHANGED = (
    "SELECT array_agg(DISTINCT o.household ORDER BY o.household) FROM gone o JOIN made n ON n.id = o.id"
    " WHERE ({columns}) IS DISTINCT FROM ({new_columns})"
)

FUNCTIONS = [
    # Recompute the households' values from the source, after locking their rows (in household order: no deadlock
    # between two statements touching the same households).
    f"""CREATE FUNCTION household_visit_dates_recomputed(households integer[]) RETURNS void {_DEFINER} AS $$
BEGIN
  IF households IS NULL THEN RETURN; END IF;
  PERFORM 1 FROM household_visit_dates WHERE household = ANY(households) ORDER BY household FOR UPDATE;
  UPDATE household_visit_dates d
  SET last_visited_at = (SELECT max(x.visited_at) FROM visit x WHERE x.household = d.household),
      first_open_due_on = (SELECT min(f.due_on) FROM follow_up f WHERE f.household = d.household
                           AND f.closed_at IS NULL)
  WHERE d.household = ANY(households);
END $$""",
    # New visits: the last visit can only move later.
    f"""CREATE FUNCTION visit_dates_raised() RETURNS trigger {_DEFINER} AS $$
BEGIN
  INSERT INTO household_visit_dates AS d (household, last_visited_at)
  SELECT household, max(visited_at) FROM made GROUP BY household ORDER BY household
  ON CONFLICT (household) DO UPDATE SET last_visited_at = greatest(d.last_visited_at, excluded.last_visited_at);
  RETURN NULL;
END $$""",
    # New open follow-ups: the first due date can only move earlier.
    f"""CREATE FUNCTION follow_up_dates_lowered() RETURNS trigger {_DEFINER} AS $$
BEGIN
  INSERT INTO household_visit_dates AS d (household, first_open_due_on)
  SELECT household, min(due_on) FROM made WHERE closed_at IS NULL GROUP BY household ORDER BY household
  ON CONFLICT (household) DO UPDATE
  SET first_open_due_on = least(d.first_open_due_on, excluded.first_open_due_on);
  RETURN NULL;
END $$""",
    # A visit's day corrected (within a partition or across), or moved to another household: the new values raised,
    # the old households recomputed (a corrected day may have been the latest).
    f"""CREATE FUNCTION visit_dates_changed() RETURNS trigger {_DEFINER} AS $$
DECLARE households integer[];
BEGIN
  {_CHANGED.format(columns="o.household, o.visited_at", new_columns="n.household, n.visited_at")} INTO households;
  IF households IS NULL THEN RETURN NULL; END IF;
  INSERT INTO household_visit_dates AS d (household, last_visited_at)
  SELECT n.household, max(n.visited_at) FROM made n JOIN gone o ON o.id = n.id
  WHERE (o.household, o.visited_at) IS DISTINCT FROM (n.household, n.visited_at)
  GROUP BY n.household ORDER BY n.household
  ON CONFLICT (household) DO UPDATE SET last_visited_at = greatest(d.last_visited_at, excluded.last_visited_at);
  PERFORM household_visit_dates_recomputed(households);
  RETURN NULL;
END $$""",
    # A follow-up closed, reopened, its due date changed or moved to another household: likewise.
    f"""CREATE FUNCTION follow_up_dates_changed() RETURNS trigger {_DEFINER} AS $$
DECLARE households integer[];
BEGIN
  {_CHANGED.format(
      columns="o.household, o.due_on, o.closed_at IS NULL", new_columns="n.household, n.due_on, n.closed_at IS NULL"
  )} INTO households;
  IF households IS NULL THEN RETURN NULL; END IF;
  INSERT INTO household_visit_dates AS d (household, first_open_due_on)
  SELECT n.household, min(n.due_on) FROM made n JOIN gone o ON o.id = n.id
  WHERE n.closed_at IS NULL AND (o.household, o.due_on, o.closed_at IS NULL) IS DISTINCT FROM (n.household, n.due_on, TRUE)
  GROUP BY n.household ORDER BY n.household
  ON CONFLICT (household) DO UPDATE
  SET first_open_due_on = least(d.first_open_due_on, excluded.first_open_due_on);
  PERFORM household_visit_dates_recomputed(households);
  RETURN NULL;
END $$""",
    # Visits or follow-ups deleted (also by cascade from their household, whose kept row goes the same way).
    f"""CREATE FUNCTION visit_dates_gone() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM household_visit_dates_recomputed((SELECT array_agg(DISTINCT household ORDER BY household) FROM gone));
  RETURN NULL;
END $$""",
    # TRUNCATE fires no delete trigger: every household's value of that table goes.
    f"""CREATE FUNCTION visit_dates_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN
  IF TG_TABLE_NAME = 'visit' THEN
    UPDATE household_visit_dates SET last_visited_at = NULL WHERE last_visited_at IS NOT NULL;
  ELSE
    UPDATE household_visit_dates SET first_open_due_on = NULL WHERE first_open_due_on IS NOT NULL;
  END IF;
  RETURN NULL;
END $$""",
]


def _triggers(table: str, raised: str, changed: str) -> list[str]:
    each = "FOR EACH STATEMENT EXECUTE FUNCTION"
    return [
        f"CREATE TRIGGER {table}_dates_made AFTER INSERT ON {table} REFERENCING NEW TABLE AS made {each} {raised}()",
        f"CREATE TRIGGER {table}_dates_changed AFTER UPDATE ON {table} REFERENCING OLD TABLE AS gone NEW TABLE AS made"
        f" {each} {changed}()",
        f"CREATE TRIGGER {table}_dates_gone AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone"
        f" {each} visit_dates_gone()",
        f"CREATE TRIGGER {table}_dates_truncated AFTER TRUNCATE ON {table} {each} visit_dates_truncated()",
    ]


FORWARDS = [
    "LOCK TABLE visit, follow_up IN SHARE ROW EXCLUSIVE MODE",  # no write between the triggers and the fill
    "CREATE TABLE household_visit_dates (household integer PRIMARY KEY REFERENCES household (id) ON DELETE CASCADE,"
    " last_visited_at timestamptz, first_open_due_on date)",
    *FUNCTIONS,
    # Only the trigger functions (running as the owner) call it.
    "REVOKE EXECUTE ON FUNCTION household_visit_dates_recomputed(integer[]) FROM PUBLIC",
    *_triggers("visit", "visit_dates_raised", "visit_dates_changed"),
    *_triggers("follow_up", "follow_up_dates_lowered", "follow_up_dates_changed"),
    "INSERT INTO household_visit_dates (household, last_visited_at, first_open_due_on)"
    " SELECT household, v.last_visited_at, f.first_open_due_on"
    " FROM (SELECT household, max(visited_at) AS last_visited_at FROM visit GROUP BY household) v"
    " FULL JOIN (SELECT household, min(due_on) AS first_open_due_on FROM follow_up WHERE closed_at IS NULL"
    "  GROUP BY household) f USING (household)",
    "ANALYZE household_visit_dates",
]
BACKWARDS = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_dates_{event} ON {table}"
        for table in ("visit", "follow_up")
        for event in ("made", "changed", "gone", "truncated")
    ],
    *[
        f"DROP FUNCTION IF EXISTS {name}"
        for name in (
            "visit_dates_raised()",
            "follow_up_dates_lowered()",
            "visit_dates_changed()",
            "follow_up_dates_changed()",
            "visit_dates_gone()",
            "visit_dates_truncated()",
            "household_visit_dates_recomputed(integer[])",
        )
    ],
    "DROP TABLE IF EXISTS household_visit_dates",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
