"""Each household's members' search keys, kept by the database (household_search_keys), for the register's search.

The search matched each typed term by probing every household of the scope for a member that matches it (an index
probe and three or four member rows per household: a thousand probes per term for a township, most of a search's
database time). The keys hold, per household, its members' names, full pinyin, pinyin initials, and ID and phone
numbers, each list written as one text with every value between newlines ("\\n张三\\n李四\\n"). A typed term never
holds a newline (the search splits what was typed at whitespace), so "a member's name contains the term" is "the
names contain it", "a member's initials begin with it" is "the initials contain newline + term", "a member's ID or
phone number ends with it" is "the numbers contain term + newline", and a whole value is newline + value + newline.
A newline inside a value is kept as a space, so that it never reads as the end of one value and the start of another.

Statement triggers on `member` keep the keys in the writing transaction: the households a statement touched are
locked (their keys' rows, in household order) and their keys computed again from their members in a new statement,
which under READ COMMITTED sees every write committed before the lock was granted (as household_visit_dates' do). A
household gets its row with its first member; its row goes with it (foreign key). The functions run as their owner
(SECURITY DEFINER): the app role may only read the table (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T06:41:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "household search keys kept by triggers on member"

_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"


def _one(column: str) -> str:
    return f"translate(m.{column}, E'\\n', ' ')"


# Each key: its members' values (the columns are NOT NULL), in the order they were added, between newlines.
_SOURCE = {
    "names": _one("name"),
    "pinyins": _one("pinyin"),
    "initials": _one("initials"),
    "numbers": f"{_one('id_number')} || E'\\n' || {_one('phone')}",
}
_COMPUTED = (
    f"({', '.join(_SOURCE)}) = (SELECT "
    + ", ".join(
        f"COALESCE(E'\\n' || string_agg({values}, E'\\n' ORDER BY m.id) || E'\\n', '')" for values in _SOURCE.values()
    )
    + " FROM member m WHERE m.household = d.household)"
)

FUNCTIONS = [
    # The households' keys computed again from their members, after locking their rows (in household order: no
    # deadlock between two statements touching the same households). A household deleted meanwhile gets no row.
    f"""CREATE FUNCTION household_search_keys_recomputed(households integer[]) RETURNS void {_DEFINER} AS $$
BEGIN
  IF households IS NULL THEN RETURN; END IF;
  INSERT INTO household_search_keys (household)
  SELECT h.id FROM household h WHERE h.id = ANY(households) ORDER BY h.id
  ON CONFLICT (household) DO NOTHING;
  PERFORM 1 FROM household_search_keys WHERE household = ANY(households) ORDER BY household FOR UPDATE;
  UPDATE household_search_keys d SET {_COMPUTED} WHERE d.household = ANY(households);
END $$""",
    f"""CREATE FUNCTION household_search_keys_made() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM household_search_keys_recomputed((SELECT array_agg(DISTINCT household) FROM made));
  RETURN NULL;
END $$""",
    # An update recomputes the households of the rows whose keyed columns or household changed (old and new).
    f"""CREATE FUNCTION household_search_keys_changed() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM household_search_keys_recomputed((
    SELECT array_agg(DISTINCT x.household)
    FROM gone o JOIN made n ON n.id = o.id, LATERAL (VALUES (o.household), (n.household)) x(household)
    WHERE (o.household, o.name, o.pinyin, o.initials, o.id_number, o.phone)
          IS DISTINCT FROM (n.household, n.name, n.pinyin, n.initials, n.id_number, n.phone)));
  RETURN NULL;
END $$""",
    f"""CREATE FUNCTION household_search_keys_gone() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM household_search_keys_recomputed((SELECT array_agg(DISTINCT household) FROM gone));
  RETURN NULL;
END $$""",
    # TRUNCATE fires no delete trigger: no household has a member left.
    f"""CREATE FUNCTION household_search_keys_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN
  UPDATE household_search_keys SET {", ".join(f"{key} = ''" for key in _SOURCE)};
  RETURN NULL;
END $$""",
]

_EACH = "FOR EACH STATEMENT EXECUTE FUNCTION"
TRIGGERS = [
    f"CREATE TRIGGER member_search_keys_made AFTER INSERT ON member REFERENCING NEW TABLE AS made {_EACH}"
    " household_search_keys_made()",
    f"CREATE TRIGGER member_search_keys_changed AFTER UPDATE ON member REFERENCING OLD TABLE AS gone NEW TABLE AS made"
    f" {_EACH} household_search_keys_changed()",
    f"CREATE TRIGGER member_search_keys_gone AFTER DELETE ON member REFERENCING OLD TABLE AS gone {_EACH}"
    " household_search_keys_gone()",
    f"CREATE TRIGGER member_search_keys_truncated AFTER TRUNCATE ON member {_EACH} household_search_keys_truncated()",
]

FORWARDS = [
    "LOCK TABLE member IN SHARE ROW EXCLUSIVE MODE",  # no write between the triggers and the fill
    "CREATE TABLE household_search_keys (household integer PRIMARY KEY REFERENCES household (id) ON DELETE CASCADE,"
    f" {', '.join(f'{key} text NOT NULL DEFAULT {chr(39) * 2}' for key in _SOURCE)})",
    *FUNCTIONS,
    # Only the trigger functions (running as the owner) call it.
    "REVOKE EXECUTE ON FUNCTION household_search_keys_recomputed(integer[]) FROM PUBLIC",
    *TRIGGERS,
    "SELECT household_search_keys_recomputed(ARRAY(SELECT DISTINCT household FROM member))",
    "ANALYZE household_search_keys",
]
BACKWARDS = [
    *[
        f"DROP TRIGGER IF EXISTS member_search_keys_{event} ON member"
        for event in ("made", "changed", "gone", "truncated")
    ],
    *[
        f"DROP FUNCTION IF EXISTS household_search_keys_{name}"
        for name in ("made()", "changed()", "gone()", "truncated()", "recomputed(integer[])")
    ],
    "DROP TABLE IF EXISTS household_search_keys",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
