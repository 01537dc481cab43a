"""How many measures of each type each household received in each year (`delivered_count`), kept by the database from
the delivered-measures ledger (the view `delivered_measure`: visits' measures, placements, attended trainings,
completed projects' benefits) on every write of the tables it reads.

The township's figures ask, per village, how many plan items are overdue: the n-th planned item of a type is met when
its household received at least n measures of that type in the plan's year. Counting those deliveries through the
ledger's four branches on every request was about half of the leader's /coverage database time (a generic plan
comparing each of the year's visits with the planned households). The kept counts are one index probe per planned
household and type.

The year is the local year of the delivery (`delivered_on`: a visit's day in Asia/Shanghai), exactly the deliveries
between the local midnights a plan's year begins and ends with (server/plans/queries.py, `_year_span`).

Kept by recomputing: a write of any table the ledger reads finds the households its rows belong to, old and new (through
the tables above it: a placement's referral's member's household), locks those households' rows (FOR NO KEY UPDATE, in
household order) and counts their deliveries anew from the view in a new statement, which under READ COMMITTED sees
every write committed before the lock was granted. Before it looks the households up, a trigger locks the rows above its
rows (FOR SHARE: `PARENTS`), so that a write of those at the same moment is counted by one of the two. A cascade is
counted by the parent's trigger, which fires after it: a visit deleted takes its measures with it (their trigger no
longer finds the visit), then the visit's trigger counts its household again. A household deleted takes its counts (ON
DELETE CASCADE); its children's triggers find no household row to lock and count nothing. Increments (as
`household.active_pairings`) were not used: a cascade's rows can no longer be joined to the tables above them, so their
decrements would be lost. Writes that cannot change the ledger count nothing anew: a new visit, referral, member,
training or project has no measure yet; an UPDATE that changes none of the columns the ledger reads of its table (a
visit's note, a project's progress) finds no household; job posts and employers only name a placement.

The functions run as their owner (SECURITY DEFINER): the app role may only read the table (server/operations/roles.py).
TRUNCATE of a source (the owner's; the app role may not) counts every household anew.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delivered_count: measures per household, year and type, kept by triggers"

_DEFINER = "LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp"

# The ledger's rows counted per household, local year and type (`{where}`: which households).
_COUNTED = (
    "SELECT d.household, date_part('year', d.delivered_on)::int AS year, d.type, count(*)::int AS n"
    " FROM delivered_measure d WHERE {where} GROUP BY 1, 2, 3"
)

# Per source table: the households of its rows `r` (a transition table), the columns the ledger reads from it (an
# UPDATE that changes none of them changes no count and counts nothing anew), and whether an INSERT can change the
# ledger (a new row of a table above a measure has none yet).
SOURCES = {
    "visit_measure": ("SELECT v.household FROM {rows} r JOIN visit v ON v.id = r.visit", "visit, type", True),
    "visit": ("SELECT r.household FROM {rows} r", "household, visited_at", False),
    "placement": (
        "SELECT mb.household FROM {rows} r JOIN referral f ON f.id = r.referral JOIN member mb ON mb.id = f.member",
        "referral, start_date",
        True,
    ),
    "referral": ("SELECT mb.household FROM {rows} r JOIN member mb ON mb.id = r.member", "member", False),
    "member": ("SELECT r.household FROM {rows} r", "household", False),
    "training": (
        "SELECT mb.household FROM {rows} r JOIN training_enrolment te ON te.training = r.id"
        " JOIN member mb ON mb.id = te.member",
        "held_on, topic",
        False,
    ),
    "training_enrolment": (
        "SELECT mb.household FROM {rows} r JOIN member mb ON mb.id = r.member",
        "training, member, attended",
        True,
    ),
    "project": (
        "SELECT pb.household FROM {rows} r JOIN project_beneficiary pb ON pb.project = r.id",
        "status, completed_on, kind",
        False,
    ),
    "project_beneficiary": ("SELECT r.household FROM {rows} r", "project, household", True),
}


# Per source table: the rows above its rows `{rows}` that its households are found through, locked (FOR SHARE, in
# id order) before they are looked up. Without it two transactions could each count what the other had not yet
# committed and neither wait: one completes a project (its trigger finds the beneficiaries committed so far) while the
# other adds a beneficiary (its trigger reads the project as not yet completed); both commit and the new household's
# count lacks the project. A foreign key check takes only FOR KEY SHARE, which an UPDATE of the project's status does
# not wait for; FOR SHARE conflicts with that UPDATE in either order, so one of the two waits for the other and then
# counts what it committed.
PARENTS = {
    "visit_measure": ["FROM visit WHERE id IN (SELECT visit FROM {rows})"],
    "placement": [
        "FROM referral WHERE id IN (SELECT referral FROM {rows})",
        "FROM member WHERE id IN (SELECT f.member FROM referral f JOIN {rows} r ON r.referral = f.id)",
    ],
    "referral": ["FROM member WHERE id IN (SELECT member FROM {rows})"],
    "training_enrolment": [
        "FROM training WHERE id IN (SELECT training FROM {rows})",
        "FROM member WHERE id IN (SELECT member FROM {rows})",
    ],
    "project_beneficiary": ["FROM project WHERE id IN (SELECT project FROM {rows})"],
}


def _locked(table: str, rows: str) -> str:
    """plpgsql statements locking the rows above `rows` (none for a table with nothing above it)."""
    return "".join(f"\n    PERFORM {sql.format(rows=rows)} ORDER BY id FOR SHARE;" for sql in PARENTS.get(table, []))


def _changed(rows: str, other: str, columns: str) -> str:
    """The rows of `rows` without a row of `other` of the same id and the same `columns` (an UPDATE's changed rows)."""
    same = " AND ".join(f"o.{column} IS NOT DISTINCT FROM c.{column}" for column in columns.split(", "))
    return f"(SELECT c.* FROM {rows} c WHERE NOT EXISTS (SELECT FROM {other} o WHERE o.id = c.id AND {same}))"


def _households(table: str) -> str:
    """A plpgsql block setting `households` from the statement's transition tables (`made`, `gone`)."""
    rows, columns, _ = SOURCES[table]
    made, gone = _changed("made", "gone", columns), _changed("gone", "made", columns)
    return f"""
  IF TG_OP = 'INSERT' THEN{_locked(table, "made")}
    households := ARRAY({rows.format(rows="made")});
  ELSIF TG_OP = 'DELETE' THEN{_locked(table, "gone")}
    households := ARRAY({rows.format(rows="gone")});
  ELSE{_locked(table, "made")}{_locked(table, "gone")}
    households := ARRAY({rows.format(rows=made)} UNION {rows.format(rows=gone)});
  END IF;"""


FUNCTIONS = [
    # The households' counts anew, after locking their rows (in household order: no deadlock between two statements
    # touching the same households); a household no longer there (deleted in this statement) is left out.
    f"""CREATE FUNCTION delivered_count_recounted(households integer[]) RETURNS void {_DEFINER} AS $$
DECLARE present integer[];
BEGIN
  IF households IS NULL OR cardinality(households) = 0 THEN RETURN; END IF;
  present := ARRAY(SELECT id FROM household WHERE id = ANY(households) ORDER BY id FOR NO KEY UPDATE);
  DELETE FROM delivered_count WHERE household = ANY(households);
  INSERT INTO delivered_count (household, year, type, n) {_COUNTED.format(where="d.household = ANY(present)")};
END $$""",
    *[
        f"""CREATE FUNCTION {table}_delivered_counted() RETURNS trigger {_DEFINER} AS $$
DECLARE households integer[];
BEGIN{_households(table)}
  PERFORM delivered_count_recounted(households);
  RETURN NULL;
END $$"""
        for table in SOURCES
    ],
    f"""CREATE FUNCTION delivered_count_truncated() RETURNS trigger {_DEFINER} AS $$
BEGIN
  DELETE FROM delivered_count;
  INSERT INTO delivered_count (household, year, type, n) {_COUNTED.format(where="TRUE")};
  RETURN NULL;
END $$""",
]


def _triggers(table: str) -> list[str]:
    each = "FOR EACH STATEMENT EXECUTE FUNCTION"
    counted = f"{table}_delivered_counted()"
    triggers = [
        f"CREATE TRIGGER {table}_truncated_delivered AFTER TRUNCATE ON {table} {each} delivered_count_truncated()",
        f"CREATE TRIGGER {table}_deleted_delivered AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone {each} {counted}",
        f"CREATE TRIGGER {table}_updated_delivered AFTER UPDATE ON {table} REFERENCING OLD TABLE AS gone"
        f" NEW TABLE AS made {each} {counted}",
    ]
    if SOURCES[table][2]:
        triggers.append(
            f"CREATE TRIGGER {table}_inserted_delivered AFTER INSERT ON {table} REFERENCING NEW TABLE AS made"
            f" {each} {counted}"
        )
    return triggers


FORWARDS = [
    # No write of the sources between the count and the triggers (the migration is one transaction).
    f"LOCK TABLE {', '.join(SOURCES)} IN SHARE ROW EXCLUSIVE MODE",
    "CREATE TABLE delivered_count (household integer NOT NULL REFERENCES household (id) ON DELETE CASCADE,"
    " year integer NOT NULL, type text NOT NULL, n integer NOT NULL, PRIMARY KEY (household, year, type))",
    *FUNCTIONS,
    # Only the trigger functions (running as the owner) call it.
    "REVOKE EXECUTE ON FUNCTION delivered_count_recounted(integer[]) FROM PUBLIC",
    *[trigger for table in SOURCES for trigger in _triggers(table)],
    f"INSERT INTO delivered_count (household, year, type, n) {_COUNTED.format(where='TRUE')}",
    "ANALYZE delivered_count",
]
BACKWARDS = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_{event}_delivered ON {table}"
        for table in SOURCES
        for event in ("truncated", "deleted", "updated", "inserted")
    ],
    *[f"DROP FUNCTION IF EXISTS {table}_delivered_counted()" for table in SOURCES],
    "DROP FUNCTION IF EXISTS delivered_count_truncated()",
    "DROP FUNCTION IF EXISTS delivered_count_recounted(integer[])",
    "DROP TABLE IF EXISTS delivered_count",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plans", description=DESCRIPTION)
    add_raw_sql(manager, forwards=FORWARDS, backwards=BACKWARDS)
    return manager
