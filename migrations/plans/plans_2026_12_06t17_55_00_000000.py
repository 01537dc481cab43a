"""The plan items not yet met (`plan_item_open`: each with its household's village, its plan's year and its date),
kept by the database from the plans' items and the measures each household received (`delivered_count`).

The leader's coverage page shows, per village, the open plan items past their date. Counting them on every request
(each plan's items of a type past their date, grouped, against the household's kept deliveries of that type) was
about half of the page's statement (0.8 of 1.7 ms of backend CPU on the township demo); with the open items kept it is
an index-only count per village of the items before today.

An item is open when its household received fewer measures of its type in the plan's year than its rank among its
plan's items of that type by date (and id): the n-th item of a type is met exactly when at least n were received
(as server/plans/queries.py's `_MATCHED` pairs items with deliveries). A plan is its household's for one year, so an item's group is its plan
and type.

Kept by recomputing, as `delivered_count` is: `plan_item_open_recounted(households)` locks the households' rows (FOR NO
KEY UPDATE, in household order, as `delivered_count_recounted` does) and writes their open items anew in a new
statement, which under READ COMMITTED sees every write committed before the lock was granted; households without a
plan or an open item are left at once (most of those a visit's measures are delivered to). It runs after every
statement that writes plan items (their plans locked FOR SHARE first, so a plan moved at the same moment is counted by
one of the two) or that moves a plan to another household or year, and at the end of `delivered_count_recounted` and
`delivered_count_truncated` (replaced here, the open items counted anew at their end: they are the only writers of
the kept deliveries; a trigger on `delivered_count` counted each household twice, after its counts were deleted and
after they were written again). The cost: a recount of a planned household's deliveries (a visit with measures, a
placement, a training, a project) 0.8 -> 1.6 ms of backend CPU on the township demo (its open items deleted and
written again, each checking its two foreign keys); of a household without a plan, the same as before.
A household's new village is written into its open items. An item, a plan or a household deleted takes its open items
(ON DELETE CASCADE; the others of the same plan and type are counted anew by the item's trigger).

The functions run as their owner (SECURITY DEFINER): the app role may only read the table (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T17:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plan_item_open: the plan items not yet met, kept by triggers"

_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"
_EACH = "FOR EACH STATEMENT EXECUTE FUNCTION"

# The open items of the plans of the households `{where}` selects (a condition on the household `h`: found by their
# ids first, then their plans and items by index; from the items, a trigger's generic plan read every household).
_FRESH = """SELECT x.id AS item, x.household, x.village, x.year, x.due_on FROM (
    SELECT i.id, h.id AS household, h.village, p.year, i.type, i.due_on,
           row_number() OVER (PARTITION BY i.plan, i.type ORDER BY i.due_on, i.id) AS rank
    FROM household h JOIN help_plan p ON p.household = h.id JOIN help_plan_item i ON i.plan = p.id WHERE {where}
  ) x LEFT JOIN delivered_count got ON got.household = x.household AND got.year = x.year AND got.type = x.type
  WHERE x.rank > coalesce(got.n, 0)"""
_OPEN = f"INSERT INTO plan_item_open (item, household, village, year, due_on) {_FRESH}"

FUNCTIONS = [
    f"""CREATE FUNCTION plan_item_open_recounted(households integer[]) RETURNS void {_DEFINER} AS $$
DECLARE present integer[];
BEGIN
  IF households IS NULL OR cardinality(households) = 0
     OR NOT EXISTS (SELECT FROM help_plan WHERE household = ANY(households))
        AND NOT EXISTS (SELECT FROM plan_item_open WHERE household = ANY(households)) THEN
    RETURN;
  END IF;
  present := ARRAY(SELECT id FROM household WHERE id = ANY(households) ORDER BY id FOR NO KEY UPDATE);
  DELETE FROM plan_item_open WHERE household = ANY(households);
  {_OPEN.format(where="h.id = ANY(present)")};
END $$""",
    # Plan items written: their plans' households, the plans locked first.
    f"""CREATE FUNCTION help_plan_item_open_counted() RETURNS trigger {_DEFINER} AS $$
DECLARE households integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM FROM help_plan WHERE id IN (SELECT plan FROM made) ORDER BY id FOR SHARE;
    households := ARRAY(SELECT p.household FROM help_plan p WHERE p.id IN (SELECT plan FROM made));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM FROM help_plan WHERE id IN (SELECT plan FROM gone) ORDER BY id FOR SHARE;
    households := ARRAY(SELECT p.household FROM help_plan p WHERE p.id IN (SELECT plan FROM gone));
  ELSE
    PERFORM FROM help_plan WHERE id IN (SELECT plan FROM made UNION SELECT plan FROM gone) ORDER BY id FOR SHARE;
    households := ARRAY(SELECT p.household FROM help_plan p WHERE p.id IN (
      SELECT c.plan FROM made c WHERE NOT EXISTS (
        SELECT FROM gone o WHERE o.id = c.id AND o.plan = c.plan AND o.type = c.type AND o.due_on = c.due_on)
      UNION SELECT o.plan FROM gone o WHERE NOT EXISTS (
        SELECT FROM made c WHERE c.id = o.id AND c.plan = o.plan AND c.type = o.type AND c.due_on = o.due_on)));
  END IF;
  PERFORM plan_item_open_recounted(households);
  RETURN NULL;
END $$""",
    # Plans moved to another household or year: both households.
    f"""CREATE FUNCTION help_plan_open_counted() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM plan_item_open_recounted(ARRAY(
    SELECT c.household FROM made c JOIN gone o ON o.id = c.id WHERE (c.household, c.year) <> (o.household, o.year)
    UNION SELECT o.household FROM made c JOIN gone o ON o.id = c.id WHERE (c.household, c.year) <> (o.household, o.year)
  ));
  RETURN NULL;
END $$""",
    # A household moved to another village: its open items with it.
    f"""CREATE FUNCTION household_open_items_moved() RETURNS trigger {_DEFINER} AS $$
BEGIN
  UPDATE plan_item_open SET village = NEW.village WHERE household = NEW.id;
  RETURN NULL;
END $$""",
]

# `delivered_count_recounted` and `delivered_count_truncated` as migration plans_2026_12_06t12_45_00 left them
# (`{more}`: nothing, for going back), then with the open items counted anew after the deliveries.
_DELIVERED = """
  WITH d AS MATERIALIZED (
    SELECT d.household, d.delivered_on, d.type FROM delivered_measure d WHERE {where}
  ), counted AS (
    INSERT INTO delivered_count (household, year, type, n)
    SELECT household, date_part('year', delivered_on)::int, type, count(*)::int FROM d GROUP BY 1, 2, 3
  )
  INSERT INTO delivered_day (household, delivered_on) SELECT DISTINCT household, delivered_on FROM d;"""


def _delivered_functions(some: str, every: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION delivered_count_recounted(households integer[]) RETURNS void {_DEFINER} AS $$
DECLARE present integer[];
BEGIN
  IF households IS NULL OR cardinality(households) = 0 THEN RETURN; END IF;
  present := ARRAY(SELECT id FROM household WHERE id = ANY(households) ORDER BY id FOR NO KEY UPDATE);
  DELETE FROM delivered_count WHERE household = ANY(households);
  DELETE FROM delivered_day WHERE household = ANY(households);{_DELIVERED.format(where="d.household = ANY(present)")}{some}
END $$""",
        f"""CREATE OR REPLACE FUNCTION delivered_count_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN
  DELETE FROM delivered_count;
  DELETE FROM delivered_day;{_DELIVERED.format(where="TRUE")}{every}
  RETURN NULL;
END $$""",
    ]


_WITH_OPEN_ITEMS = _delivered_functions(
    "\n  PERFORM plan_item_open_recounted(present);", f"\n  DELETE FROM plan_item_open;\n  {_OPEN.format(where='TRUE')};"
)


# Each event of the plan items, with its transition tables.
_EVENTS = {
    "inserted": "INSERT ON {table} REFERENCING NEW TABLE AS made",
    "deleted": "DELETE ON {table} REFERENCING OLD TABLE AS gone",
    "updated": "UPDATE ON {table} REFERENCING OLD TABLE AS gone NEW TABLE AS made",
}
TRIGGERS = [
    *[
        f"CREATE TRIGGER help_plan_item_{event}_open AFTER {on.format(table='help_plan_item')} {_EACH}"
        " help_plan_item_open_counted()"
        for event, on in _EVENTS.items()
    ],
    f"CREATE TRIGGER help_plan_updated_open AFTER UPDATE ON help_plan REFERENCING OLD TABLE AS gone NEW TABLE AS made"
    f" {_EACH} help_plan_open_counted()",
    "CREATE TRIGGER household_moved_open AFTER UPDATE OF village ON household FOR EACH ROW"
    " WHEN (OLD.village IS DISTINCT FROM NEW.village) EXECUTE FUNCTION household_open_items_moved()",
]

FORWARDS = [
    # No write of the sources between the first count and the triggers (the migration is one transaction).
    "LOCK TABLE help_plan_item, help_plan, delivered_count, household IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TABLE plan_item_open (item integer PRIMARY KEY REFERENCES help_plan_item (id) ON DELETE CASCADE,"
    " household integer NOT NULL REFERENCES household (id) ON DELETE CASCADE, village integer NOT NULL,"
    " year integer NOT NULL, due_on date NOT NULL)",
    # The figure per village: an index-only count of the items before today; the household's, to count them anew.
    "CREATE INDEX plan_item_open_village ON plan_item_open (village, year, due_on)",
    "CREATE INDEX plan_item_open_household ON plan_item_open (household)",
    *FUNCTIONS,
    # Only the trigger functions (running as the owner) call it.
    "REVOKE EXECUTE ON FUNCTION plan_item_open_recounted(integer[]) FROM PUBLIC",
    *_WITH_OPEN_ITEMS,
    *TRIGGERS,
    _OPEN.format(where="TRUE"),
    "ANALYZE plan_item_open",
]
BACKWARDS = [
    *_delivered_functions("", ""),
    *[f"DROP TRIGGER IF EXISTS help_plan_item_{event}_open ON help_plan_item" for event in _EVENTS],
    "DROP TRIGGER IF EXISTS help_plan_updated_open ON help_plan",
    "DROP TRIGGER IF EXISTS household_moved_open ON household",
    "DROP FUNCTION IF EXISTS household_open_items_moved()",
    "DROP FUNCTION IF EXISTS help_plan_open_counted()",
    "DROP FUNCTION IF EXISTS help_plan_item_open_counted()",
    "DROP FUNCTION IF EXISTS plan_item_open_recounted(integer[])",
    "DROP TABLE IF EXISTS plan_item_open",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
