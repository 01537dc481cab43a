"""A household keeps how many members it has (`household.member_count`), kept exact by the database on every write
of members: added (a form, the identification of a new family, an import, the demo's COPY), removed (one member, or
all of them with their household), or moved to another household.

The monitoring pages judge each watched household's per-capita income and count the people behind the
return-to-poverty rate, and the annual assessment counts the helped households above the line: each counted the
members of every household it read (an index probe per household, a third of the risk list's statement and half
of the rates'). The column is not in the Piccolo table (server/households/tables.py), so the app never writes it.

Statement triggers with transition tables: a COPY of a county's 150,000 members updates each household once, not
once per member. The counts change by increments, which a concurrent write to the same household cannot lose (the
second update waits for the first and adds to its result).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T06:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "household.member_count kept by triggers on member"

# Added rows count +1 for their household, removed rows -1; a moved member is both.
_CHANGED = {
    "INSERT": "SELECT household, 1 AS change FROM new_members",
    "DELETE": "SELECT household, -1 AS change FROM old_members",
    "UPDATE": "SELECT household, 1 AS change FROM new_members UNION ALL SELECT household, -1 FROM old_members",
}


def _counted(operation: str) -> str:
    return (
        "UPDATE household h SET member_count = h.member_count + d.change"
        f" FROM (SELECT household, sum(change) AS change FROM ({_CHANGED[operation]}) c"
        " GROUP BY household HAVING sum(change) <> 0) d WHERE h.id = d.household;"
    )


FORWARDS = [
    # No member written between the count and the triggers (the migration is one transaction).
    "LOCK TABLE member IN SHARE ROW EXCLUSIVE MODE",
    "ALTER TABLE household ADD COLUMN member_count integer NOT NULL DEFAULT 0",
    "UPDATE household h SET member_count = m.n"
    " FROM (SELECT household, count(*) AS n FROM member GROUP BY household) m WHERE m.household = h.id",
    f"""
    CREATE FUNCTION household_member_count_kept() RETURNS trigger LANGUAGE plpgsql AS $$
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
    "CREATE TRIGGER member_added_counted AFTER INSERT ON member REFERENCING NEW TABLE AS new_members"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_member_count_kept()",
    "CREATE TRIGGER member_removed_counted AFTER DELETE ON member REFERENCING OLD TABLE AS old_members"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_member_count_kept()",
    "CREATE TRIGGER member_moved_counted AFTER UPDATE ON member"
    " REFERENCING OLD TABLE AS old_members NEW TABLE AS new_members"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_member_count_kept()",
    # TRUNCATE fires no delete trigger: every household is left without members.
    """
    CREATE FUNCTION household_member_count_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE household SET member_count = 0 WHERE member_count <> 0;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER member_truncated_counted AFTER TRUNCATE ON member"
    " FOR EACH STATEMENT EXECUTE FUNCTION household_member_count_emptied()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS member_truncated_counted ON member",
    "DROP FUNCTION IF EXISTS household_member_count_emptied()",
    "DROP TRIGGER IF EXISTS member_moved_counted ON member",
    "DROP TRIGGER IF EXISTS member_removed_counted ON member",
    "DROP TRIGGER IF EXISTS member_added_counted ON member",
    "DROP FUNCTION IF EXISTS household_member_count_kept()",
    "ALTER TABLE household DROP COLUMN IF EXISTS member_count",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
