"""Each household's members' search keys, kept by the database (household_search_keys), for the register's search.

The search matched each typed term by probing every household of the scope for a member that matches it (an index
probe and three or four member rows per household: a thousand probes per term for a township, most of a search's
database time). The keys hold, per household, its members' names, full pinyin, pinyin initials, and ID and phone
numbers, each list written as one text with every value between newlines ("\\n张三\\n李四\\n"). A typed term never
holds a newline (the search splits what was typed at whitespace), so "a member's name contains the term" is "the
names contain it", "a member's initials begin with it" is "the initials contain newline + term", "a member's ID or
phone number ends with it" is "the numbers contain term + newline", and a whole value is newline + value + newline.
A newline inside a value is kept as a space, so that it never reads as the end of one value and the start of another.

The row also holds the household's village, so that a search reads only the keys of its scope's villages, from an
index that holds them (an index-only scan, wherever the rows lie in the table), never every household's keys of the
county (read in household order to join the township's few thousand households, they were 53,000 rows and 30-60 ms
a search on a county-sized database; read by a village index alone, PostgreSQL chose to read all 63,600).

Statement triggers on `member` keep the keys in the writing transaction: a household's first member makes its row
(computed in that statement); the households of the rows a statement changed or removed are locked (their keys' rows,
in household order) and their keys computed again from their members in a new statement, which under READ COMMITTED
sees every write committed before the lock was granted (as household_visit_dates' do). A statement trigger on
`household` moves the keys with a household moved to another village. A household's row goes with it (foreign key).
The functions run as their owner (SECURITY DEFINER): the app role may only read the table (server/operations/roles.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T06:41:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "household search keys kept by triggers on member and household"

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
COLUMNS = ("household", "village", *_SOURCE)
_KEYS = ", ".join(
    f"COALESCE(E'\\n' || string_agg({values}, E'\\n' ORDER BY m.id) || E'\\n', '')" for values in _SOURCE.values()
)

FUNCTIONS = [
    # The keys of the households (that still exist) as their members give them.
    f"""CREATE FUNCTION household_search_keys_of(households integer[])
RETURNS TABLE (household integer, village integer, names text, pinyins text, initials text, numbers text)
LANGUAGE sql STABLE AS $$
  SELECT h.id, h.village, {_KEYS}
  FROM household h LEFT JOIN member m ON m.household = h.id
  WHERE h.id = ANY(households) GROUP BY h.id ORDER BY h.id
$$""",
    # A household without a row gets it computed; the others' rows are locked (in household order: no deadlock
    # between two statements touching the same households) and computed again in a new statement.
    f"""CREATE FUNCTION household_search_keys_recomputed(households integer[]) RETURNS void {_DEFINER} AS $$
DECLARE made_now integer[];
BEGIN
  IF households IS NULL THEN RETURN; END IF;
  WITH made AS (
    INSERT INTO household_search_keys SELECT * FROM household_search_keys_of(households)
    ON CONFLICT (household) DO NOTHING RETURNING household
  ) SELECT array_agg(household) INTO made_now FROM made;
  households := ARRAY(SELECT unnest(households) EXCEPT SELECT unnest(made_now));
  PERFORM 1 FROM household_search_keys WHERE household = ANY(households) ORDER BY household FOR UPDATE;
  UPDATE household_search_keys d SET ({", ".join(COLUMNS[1:])}) = ({", ".join(f"s.{c}" for c in COLUMNS[1:])})
  FROM household_search_keys_of(households) s WHERE s.household = d.household;
END $$""",
    # Members added or removed (the statement's rows, `members`, new or old).
    f"""CREATE FUNCTION household_search_keys_added_or_removed() RETURNS trigger {_DEFINER} AS $$
BEGIN
  PERFORM household_search_keys_recomputed((SELECT array_agg(DISTINCT household) FROM members));
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
    # TRUNCATE fires no delete trigger: no household has a member left.
    f"""CREATE FUNCTION household_search_keys_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN
  UPDATE household_search_keys SET {", ".join(f"{key} = ''" for key in _SOURCE)};
  RETURN NULL;
END $$""",
    # A household moved to another village: its keys with it.
    f"""CREATE FUNCTION household_search_keys_moved() RETURNS trigger {_DEFINER} AS $$
BEGIN
  UPDATE household_search_keys k SET village = n.village
  FROM made n JOIN gone o ON o.id = n.id WHERE k.household = n.id AND n.village <> o.village;
  RETURN NULL;
END $$""",
]

_EACH = "FOR EACH STATEMENT EXECUTE FUNCTION"
TRIGGERS = [
    f"CREATE TRIGGER member_search_keys_made AFTER INSERT ON member REFERENCING NEW TABLE AS members {_EACH}"
    " household_search_keys_added_or_removed()",
    f"CREATE TRIGGER member_search_keys_changed AFTER UPDATE ON member REFERENCING OLD TABLE AS gone NEW TABLE AS made"
    f" {_EACH} household_search_keys_changed()",
    f"CREATE TRIGGER member_search_keys_gone AFTER DELETE ON member REFERENCING OLD TABLE AS members {_EACH}"
    " household_search_keys_added_or_removed()",
    f"CREATE TRIGGER member_search_keys_truncated AFTER TRUNCATE ON member {_EACH} household_search_keys_truncated()",
    "CREATE TRIGGER household_search_keys_moved AFTER UPDATE ON household"
    f" REFERENCING OLD TABLE AS gone NEW TABLE AS made {_EACH} household_search_keys_moved()",
]

FORWARDS = [
    "LOCK TABLE member, household IN SHARE ROW EXCLUSIVE MODE",  # no write between the triggers and the fill
    "CREATE TABLE household_search_keys (household integer PRIMARY KEY REFERENCES household (id) ON DELETE CASCADE,"
    f" village integer NOT NULL, {', '.join(f'{key} text NOT NULL' for key in _SOURCE)})",
    # A township's keys read through the index alone (index-only scan), wherever their rows lie in the table.
    f"CREATE INDEX household_search_keys_by_village ON household_search_keys (village, household)"
    f" INCLUDE ({', '.join(_SOURCE)})",
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
    "DROP TRIGGER IF EXISTS household_search_keys_moved ON household",
    *[
        f"DROP FUNCTION IF EXISTS household_search_keys_{name}"
        for name in (
            "added_or_removed()",
            "changed()",
            "truncated()",
            "moved()",
            "recomputed(integer[])",
            "of(integer[])",
        )
    ],
    "DROP TABLE IF EXISTS household_search_keys",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
