"""A household keeps how many active pairings it has (`household.active_pairings`: its responsible cadres now), kept
exact by the database on every write of pairings: paired (a form, accepting the assistant's proposals, the demo's
history), ended, handed over, moved to another household, or deleted (one, or all of them with their household); a
TRUNCATE of pairing (the owner's; the app role may not) leaves every household at 0.

The coverage figures ask of every household needing a cadre whether it has an active pairing: for a township's
thousand households an index probe each (about 2,000 index buffers, 0.7 ms of the leader's /coverage), for a county's
50,000 every active pairing hashed. The index of the households needing a cadre (`household_needing_cadre`) now
carries the count, so the coverage reads village, id and count from that index alone. The column is not in the
Piccolo table (server/households/tables.py), so the app never writes it.

Statement triggers with transition tables (as `household.member_count`): a COPY or an INSERT of many rows updates
each household once, not once per pairing. The counts change by increments, which a concurrent write to the same
household cannot lose (the second update waits for the first and adds to its result). Transition tables cannot go
with a column list (`UPDATE OF ended_on, household`), so every UPDATE of pairing runs the trigger; one that changes
neither column changes no count (HAVING) and writes nothing.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T07:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household.active_pairings kept by triggers on pairing"

# Active rows added count +1 for their household, active rows removed -1; an ended or moved pairing is both.
_CHANGED = {
    "INSERT": "SELECT household, 1 AS change FROM new_pairings WHERE ended_on IS NULL",
    "DELETE": "SELECT household, -1 AS change FROM old_pairings WHERE ended_on IS NULL",
    "UPDATE": "SELECT household, 1 AS change FROM new_pairings WHERE ended_on IS NULL"
    " UNION ALL SELECT household, -1 FROM old_pairings WHERE ended_on IS NULL",
}


def _counted(operation: str) -> str:
    return (
        "UPDATE household h SET active_pairings = h.active_pairings + d.change"
        f" FROM (SELECT household, sum(change) AS change FROM ({_CHANGED[operation]}) c"
        " GROUP BY household HAVING sum(change) <> 0) d WHERE h.id = d.household;"
    )


FORWARDS = [
    # No pairing written between the count and the triggers (the migration is one transaction).
    "LOCK TABLE pairing IN SHARE ROW EXCLUSIVE MODE",
    "ALTER TABLE household ADD COLUMN active_pairings integer NOT NULL DEFAULT 0",
    "UPDATE household h SET active_pairings = p.n FROM (SELECT household, count(*) AS n FROM pairing"
    " WHERE ended_on IS NULL GROUP BY household) p WHERE p.household = h.id",
    f"""
    CREATE FUNCTION household_active_pairings_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_counted("INSERT")}
      ELSIF TG_OP = 'DELETE' THEN
        {_counted("DELETE")}
      ELSE
        {_counted("UPDATE")}
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER pairing_added_counted AFTER INSERT ON pairing REFERENCING NEW TABLE AS new_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_active_pairings_kept()",
    "CREATE TRIGGER pairing_removed_counted AFTER DELETE ON pairing REFERENCING OLD TABLE AS old_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_active_pairings_kept()",
    "CREATE TRIGGER pairing_changed_counted AFTER UPDATE ON pairing"
    " REFERENCING OLD TABLE AS old_pairings NEW TABLE AS new_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_active_pairings_kept()",
    # TRUNCATE fires no delete trigger: every household is left without pairings (as household.member_count).
    """
    CREATE FUNCTION household_active_pairings_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE household SET active_pairings = 0 WHERE active_pairings <> 0;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER pairing_truncated_counted AFTER TRUNCATE ON pairing"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_active_pairings_emptied()",
    # The households needing a cadre (pairing_2026_12_06t06_50_00) with their count: read from the index alone.
    "DROP INDEX household_needing_cadre",
    "CREATE INDEX household_needing_cadre ON household (village, id) INCLUDE (active_pairings)"
    " WHERE status <> 'none' OR monitoring_type IS NOT NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS household_needing_cadre",
    "CREATE INDEX household_needing_cadre ON household (village, id) WHERE status <> 'none' OR monitoring_type IS NOT NULL",
    "DROP TRIGGER IF EXISTS pairing_truncated_counted ON pairing",
    "DROP FUNCTION IF EXISTS household_active_pairings_emptied()",
    "DROP TRIGGER IF EXISTS pairing_changed_counted ON pairing",
    "DROP TRIGGER IF EXISTS pairing_removed_counted ON pairing",
    "DROP TRIGGER IF EXISTS pairing_added_counted ON pairing",
    "DROP FUNCTION IF EXISTS household_active_pairings_kept()",
    "ALTER TABLE household DROP COLUMN IF EXISTS active_pairings",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
