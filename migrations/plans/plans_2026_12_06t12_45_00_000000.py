"""The days each household received a measure (`delivered_day`), kept with the counts per year and type
(`delivered_count`, migration plans_2026_12_06t09_40_00) by the same triggers, from the same read of the ledger.

A risk case's first measure since the risk was found (the open cases' list, a case's page; its clock against the
county's target) read the delivered-measures ledger's four parts for the cases' households: at county scale every
visit of those households in every year (3,337 visits from six partitions for a township's 49 open cases), about
three quarters of the leader's overview's statement (4.4 ms of backend CPU). With the days kept it is one index probe
per case (household, first day on or after the day the risk was found).

Kept as the counts are kept: `delivered_count_recounted(households)`, which every source table's trigger calls after
locking what it must (see that migration), now writes both tables from one read of the view for those households;
a TRUNCATE of a source (the owner's) writes every household's days anew. A household deleted takes its days (ON
DELETE CASCADE). The app role may only read the table (server/operations/roles.py).
"""

from collections.abc import Callable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T12:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delivered_day: the days each household received a measure, kept with delivered_count"

_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"
_SOURCES = (
    "visit_measure, visit, placement, referral, member, training, training_enrolment, project, project_beneficiary"
)


def _written(where: str) -> str:
    """One statement writing the counts and the days of the ledger's rows `where` (an SQL condition on `d`)."""
    return f"""WITH d AS MATERIALIZED (
    SELECT d.household, d.delivered_on, d.type FROM delivered_measure d WHERE {where}
  ), counted AS (
    INSERT INTO delivered_count (household, year, type, n)
    SELECT household, date_part('year', delivered_on)::int, type, count(*)::int FROM d GROUP BY 1, 2, 3
  )
  INSERT INTO delivered_day (household, delivered_on) SELECT DISTINCT household, delivered_on FROM d"""


def _counted(where: str) -> str:
    """The counts alone (migration plans_2026_12_06t09_40_00), for going back."""
    return (
        "INSERT INTO delivered_count (household, year, type, n)"
        " SELECT d.household, date_part('year', d.delivered_on)::int AS year, d.type, count(*)::int AS n"
        f" FROM delivered_measure d WHERE {where} GROUP BY 1, 2, 3"
    )


def _functions(emptied: list[str], written: Callable[[str], str]) -> list[str]:
    """The two functions every source table's trigger reaches: `delivered_count_recounted(households)` writes the
    households' rows anew after locking them (in household order: no deadlock between two statements touching the
    same households; a household no longer there, deleted in this statement, is left out), and
    `delivered_count_truncated()` every household's; `emptied`: the tables they write."""
    some = "".join(f"\n  DELETE FROM {table} WHERE household = ANY(households);" for table in emptied)
    every = "".join(f"\n  DELETE FROM {table};" for table in emptied)
    return [
        f"""CREATE OR REPLACE FUNCTION delivered_count_recounted(households integer[]) RETURNS void {_DEFINER} AS $$
DECLARE present integer[];
BEGIN
  IF households IS NULL OR cardinality(households) = 0 THEN RETURN; END IF;
  present := ARRAY(SELECT id FROM household WHERE id = ANY(households) ORDER BY id FOR NO KEY UPDATE);{some}
  {written("d.household = ANY(present)")};
END $$""",
        f"""CREATE OR REPLACE FUNCTION delivered_count_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN{every}
  {written("TRUE")};
  RETURN NULL;
END $$""",
    ]


FORWARDS = [
    # No write of the sources between the first days and the new functions (the migration is one transaction).
    f"LOCK TABLE {_SOURCES} IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TABLE delivered_day (household integer NOT NULL REFERENCES household (id) ON DELETE CASCADE,"
    " delivered_on date NOT NULL, PRIMARY KEY (household, delivered_on))",
    *_functions(["delivered_count", "delivered_day"], _written),
    "INSERT INTO delivered_day (household, delivered_on) SELECT DISTINCT household, delivered_on FROM delivered_measure",
    "ANALYZE delivered_day",
]
BACKWARDS = [*_functions(["delivered_count"], _counted), "DROP TABLE IF EXISTS delivered_day"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
