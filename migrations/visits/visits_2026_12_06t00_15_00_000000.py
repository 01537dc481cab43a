"""A closed follow-up keeps who made the visit that closed it and that visit's local day (the annual assessment's
follow-ups kept on time or late), exact by trigger on every write of either side.

A follow-up due in a year may be closed by a visit of any date, and visits are partitioned by year: counting a
county's year through `closed_by_visit` joined all 1.8 million visits of every partition (docs/performance.md).
`follow_up_closing_visit_facts_set` fills both columns whenever a follow-up is written with its closing visit (or
without one: NULL); `visit_closing_facts_corrected` follows a correction of the visit's cadre or time. It is a
BEFORE trigger because a correction that moves the visit to another year's partition is carried out as a delete and
an insert, which fire no AFTER UPDATE trigger.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql, filled_in_slices

ID = "2026-12-06T00:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a closed follow-up keeps its closing visit's cadre and local day"


def local_day(visited_at: str) -> str:
    return f"({visited_at} AT TIME ZONE 'Asia/Shanghai')::date"


COLUMNS = [
    # No visit corrected between the fill and the triggers (the migration is one transaction; follow_up is locked by
    # the ALTER itself).
    "LOCK TABLE visit IN SHARE ROW EXCLUSIVE MODE",
    "ALTER TABLE follow_up ADD COLUMN closing_visit_cadre integer, ADD COLUMN closing_visit_day date",
]
BATCH = 200_000  # follow-ups filled per statement, each well within the engine's command timeout (a county has 1.8 M)
FILLED = (
    "UPDATE follow_up f SET closing_visit_cadre = v.cadre,"
    f" closing_visit_day = {local_day('v.visited_at')} FROM visit v"
    " WHERE v.id = f.closed_by_visit AND f.id >= {} AND f.id < {}"
)
TRIGGERS = [
    "CREATE OR REPLACE FUNCTION closing_visit_facts_set() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "   NEW.closing_visit_cadre := NULL; NEW.closing_visit_day := NULL;"
    f"  SELECT cadre, {local_day('visited_at')} INTO NEW.closing_visit_cadre, NEW.closing_visit_day FROM visit"
    "   WHERE id = NEW.closed_by_visit;"
    "   RETURN NEW; END $$",
    "CREATE TRIGGER follow_up_closing_visit_facts_set BEFORE INSERT OR UPDATE OF closed_by_visit ON follow_up"
    " FOR EACH ROW EXECUTE FUNCTION closing_visit_facts_set()",
    "CREATE OR REPLACE FUNCTION closing_visit_facts_corrected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "   UPDATE follow_up SET closing_visit_cadre = NEW.cadre,"
    f"  closing_visit_day = {local_day('NEW.visited_at')} WHERE closed_by_visit = NEW.id;"
    "   RETURN NEW; END $$",
    "CREATE TRIGGER visit_closing_facts_corrected BEFORE UPDATE ON visit FOR EACH ROW"
    " WHEN (NEW.cadre <> OLD.cadre OR NEW.visited_at <> OLD.visited_at)"
    " EXECUTE FUNCTION closing_visit_facts_corrected()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS visit_closing_facts_corrected ON visit",
    "DROP FUNCTION IF EXISTS closing_visit_facts_corrected()",
    "DROP TRIGGER IF EXISTS follow_up_closing_visit_facts_set ON follow_up",
    "DROP FUNCTION IF EXISTS closing_visit_facts_set()",
    "ALTER TABLE follow_up DROP COLUMN IF EXISTS closing_visit_day, DROP COLUMN IF EXISTS closing_visit_cadre",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=COLUMNS, backwards=BACKWARDS)
    manager.add_raw(filled_in_slices("follow_up", FILLED, BATCH))
    add_raw_sql(manager, forwards=TRIGGERS, backwards=[])
    return manager
