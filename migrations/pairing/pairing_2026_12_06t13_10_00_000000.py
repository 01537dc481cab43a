"""A cadre keeps how many households they are responsible for now (`app_user.active_households`: their active
pairings), kept exact by the database on every write of pairings, as `household.active_pairings` is for the household
(migration pairing_2026_12_06t07_25_00): paired, ended, handed over (moved to another cadre), moved to another
household, deleted (one, or all of them with their household or their cadre); a TRUNCATE of pairing (the owner's; the
app role may not) leaves every cadre at 0.

The coverage figures ask of every active leader and cadre whether they meet their quota: a township's 122 an index
probe each (about a tenth of the leader's /coverage statement), a county's 5,936 on the county office's home (4-5 ms
of its coverage statement). The column is not in the Piccolo table (server/accounts/tables.py), so the app never
writes it.

Statement triggers with transition tables; the counts change by increments, which a concurrent write for the same
cadre cannot lose (the second update waits for the first and adds to its result). The cadres' rows are locked in id
order before they are updated, so two statements changing the same cadres (two handovers between the same two
cadres, in opposite directions) take turns instead of deadlocking. Every UPDATE of pairing runs the trigger (transition
tables cannot go with a column list); one that changes neither `ended_on` nor `cadre` changes no count (HAVING) and
writes nothing.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T13:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_user.active_households kept by triggers on pairing"

# Active rows added count +1 for their cadre, active rows removed -1; an ended pairing or one handed over is both.
_CHANGED = {
    "INSERT": "SELECT cadre, 1 AS change FROM new_pairings WHERE ended_on IS NULL",
    "DELETE": "SELECT cadre, -1 AS change FROM old_pairings WHERE ended_on IS NULL",
    "UPDATE": "SELECT cadre, 1 AS change FROM new_pairings WHERE ended_on IS NULL"
    " UNION ALL SELECT cadre, -1 FROM old_pairings WHERE ended_on IS NULL",
}


def _counted(operation: str) -> str:
    changes = f"SELECT cadre, sum(change) AS change FROM ({_CHANGED[operation]}) c GROUP BY cadre HAVING sum(change) <> 0"
    return f"""
        PERFORM FROM app_user WHERE id IN (SELECT cadre FROM ({changes}) d) ORDER BY id FOR NO KEY UPDATE;
        UPDATE app_user u SET active_households = u.active_households + d.change FROM ({changes}) d
        WHERE u.id = d.cadre;"""


FORWARDS = [
    # No pairing written between the count and the triggers (the migration is one transaction).
    "LOCK TABLE pairing IN SHARE ROW EXCLUSIVE MODE",
    "ALTER TABLE app_user ADD COLUMN active_households integer NOT NULL DEFAULT 0",
    "UPDATE app_user u SET active_households = p.n FROM (SELECT cadre, count(*) AS n FROM pairing"
    " WHERE ended_on IS NULL GROUP BY cadre) p WHERE p.cadre = u.id",
    f"""
    CREATE FUNCTION cadre_active_households_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN{_counted("INSERT")}
      ELSIF TG_OP = 'DELETE' THEN{_counted("DELETE")}
      ELSE{_counted("UPDATE")}
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER pairing_added_counted_for_cadre AFTER INSERT ON pairing REFERENCING NEW TABLE AS new_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION cadre_active_households_kept()",
    "CREATE TRIGGER pairing_removed_counted_for_cadre AFTER DELETE ON pairing REFERENCING OLD TABLE AS old_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION cadre_active_households_kept()",
    "CREATE TRIGGER pairing_changed_counted_for_cadre AFTER UPDATE ON pairing"
    " REFERENCING OLD TABLE AS old_pairings NEW TABLE AS new_pairings"
    " FOR EACH STATEMENT EXECUTE FUNCTION cadre_active_households_kept()",
    # TRUNCATE fires no delete trigger: every cadre is left without pairings (as household.active_pairings).
    """
    CREATE FUNCTION cadre_active_households_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE app_user SET active_households = 0 WHERE active_households <> 0;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER pairing_truncated_counted_for_cadre AFTER TRUNCATE ON pairing"
    " FOR EACH STATEMENT EXECUTE FUNCTION cadre_active_households_emptied()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS pairing_truncated_counted_for_cadre ON pairing",
    "DROP FUNCTION IF EXISTS cadre_active_households_emptied()",
    "DROP TRIGGER IF EXISTS pairing_changed_counted_for_cadre ON pairing",
    "DROP TRIGGER IF EXISTS pairing_removed_counted_for_cadre ON pairing",
    "DROP TRIGGER IF EXISTS pairing_added_counted_for_cadre ON pairing",
    "DROP FUNCTION IF EXISTS cadre_active_households_kept()",
    "ALTER TABLE app_user DROP COLUMN IF EXISTS active_households",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
