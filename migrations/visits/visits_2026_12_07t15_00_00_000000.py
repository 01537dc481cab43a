"""A visit's measure keeps its visit's cadre and time (`cadre`, `visited_at`), exact by trigger on every write of
either side, with an index by cadre and time: the annual assessment counts each cadre's measures of a year from it.

Visits are partitioned by year, their measures are not: counting a county's year joined the year's 297,000 visits
with the measures one index probe at a time (or hashed all 564,000 of them), about 400 ms of the county workbook's
1.5 s; read from the measures alone, 130 ms (docs/performance.md, eighteenth session).
`visit_measure_visit_facts_set` fills both columns whenever a measure is written; `visit_measure_facts_corrected`
follows a correction of the visit's cadre or time. It is a BEFORE trigger, as `visit_closing_facts_corrected`
(visits_2026_12_06t00_15_00_000000), because a correction that moves the visit to another year's partition is
carried out as a delete and an insert, which fire no AFTER UPDATE trigger.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql, filled_in_slices

ID = "2026-12-07T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a visit's measure keeps its visit's cadre and time"

COLUMNS = [
    # No visit corrected between the fill and the triggers (the migration is one transaction; visit_measure is
    # locked by the ALTER itself).
    "LOCK TABLE visit IN SHARE ROW EXCLUSIVE MODE",
    "ALTER TABLE visit_measure ADD COLUMN cadre integer, ADD COLUMN visited_at timestamptz",
]
BATCH = 200_000  # measures filled per statement, each well within the engine's command timeout (a county has 564,000)
FILLED = (
    "UPDATE visit_measure m SET cadre = v.cadre, visited_at = v.visited_at FROM visit v"
    " WHERE v.id = m.visit AND m.id >= {} AND m.id < {}"
)
KEPT = [
    "ALTER TABLE visit_measure ALTER COLUMN cadre SET NOT NULL, ALTER COLUMN visited_at SET NOT NULL",
    "CREATE INDEX visit_measure_by_cadre ON visit_measure (cadre, visited_at)",
    "CREATE OR REPLACE FUNCTION measure_visit_facts_set() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "   SELECT cadre, visited_at INTO NEW.cadre, NEW.visited_at FROM visit WHERE id = NEW.visit;"
    "   RETURN NEW; END $$",
    "CREATE TRIGGER visit_measure_visit_facts_set BEFORE INSERT OR UPDATE OF visit ON visit_measure"
    " FOR EACH ROW EXECUTE FUNCTION measure_visit_facts_set()",
    "CREATE OR REPLACE FUNCTION measure_visit_facts_corrected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "   UPDATE visit_measure SET cadre = NEW.cadre, visited_at = NEW.visited_at WHERE visit = NEW.id;"
    "   RETURN NEW; END $$",
    "CREATE TRIGGER visit_measure_facts_corrected BEFORE UPDATE ON visit FOR EACH ROW"
    " WHEN (NEW.cadre <> OLD.cadre OR NEW.visited_at <> OLD.visited_at)"
    " EXECUTE FUNCTION measure_visit_facts_corrected()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS visit_measure_facts_corrected ON visit",
    "DROP FUNCTION IF EXISTS measure_visit_facts_corrected()",
    "DROP TRIGGER IF EXISTS visit_measure_visit_facts_set ON visit_measure",
    "DROP FUNCTION IF EXISTS measure_visit_facts_set()",
    "ALTER TABLE visit_measure DROP COLUMN IF EXISTS visited_at, DROP COLUMN IF EXISTS cadre",  # and the index
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)
    add_raw_sql(manager, forwards=COLUMNS, backwards=BACKWARDS)
    manager.add_raw(filled_in_slices("visit_measure", FILLED, BATCH))
    add_raw_sql(manager, forwards=KEPT, backwards=[])
    return manager
