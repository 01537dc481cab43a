"""The labour force ledger kept in step with members and households by statement-level triggers.

A member is in the ledger while they are ordinary, skilled or weak labour (server.jobs.codes.LABOUR_CAPABLE) and
their household is registered or monitored (status other than 'none', or a monitoring type). Inserting or updating
members, and changing a household's village, status or monitoring type, rewrites just the rows concerned; deleting
a member cascades through the foreign key. Bulk loads (COPY) fire each trigger once per statement.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-29T02:28:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "labour force ledger triggers, C-collated birth dates, initial fill"

SYNC = """
CREATE FUNCTION labour_force_sync(member_ids integer[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM labour_force WHERE member = ANY(member_ids);
  INSERT INTO labour_force (member, household, village, born, labour_skill, health)
  SELECT m.id, h.id, h.village, substr(m.id_number, 7, 8), m.labour_skill, m.health
  FROM member m JOIN household h ON h.id = m.household
  WHERE m.id = ANY(member_ids) AND m.labour_skill IN ('normal', 'skilled', 'weak')
    AND (h.status <> 'none' OR h.monitoring_type IS NOT NULL);
$$
"""

AFTER_MEMBER_CHANGE = """
CREATE FUNCTION labour_force_after_member_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM labour_force_sync(ARRAY(SELECT id FROM changed_members));
  RETURN NULL;
END $$
"""

AFTER_HOUSEHOLD_CHANGE = """
CREATE FUNCTION labour_force_after_household_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM labour_force_sync(ARRAY(
    SELECT m.id FROM new_households n JOIN old_households o ON o.id = n.id JOIN member m ON m.household = n.id
    WHERE (n.village, n.status, n.monitoring_type) IS DISTINCT FROM (o.village, o.status, o.monitoring_type)));
  RETURN NULL;
END $$
"""

TRIGGERS = (
    ("labour_force_member_insert", "INSERT ON member REFERENCING NEW TABLE AS changed_members", "member_change"),
    ("labour_force_member_update", "UPDATE ON member REFERENCING NEW TABLE AS changed_members", "member_change"),
    (
        "labour_force_household_update",
        "UPDATE ON household REFERENCING OLD TABLE AS old_households NEW TABLE AS new_households",
        "household_change",
    ),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=[
            'ALTER TABLE labour_force ALTER COLUMN born TYPE varchar(8) COLLATE "C"',
            SYNC,
            AFTER_MEMBER_CHANGE,
            AFTER_HOUSEHOLD_CHANGE,
            *(
                f"CREATE TRIGGER {name} AFTER {event} FOR EACH STATEMENT EXECUTE FUNCTION labour_force_after_{function}()"
                for name, event, function in TRIGGERS
            ),
            "SELECT labour_force_sync(ARRAY(SELECT id FROM member))",
        ],
        backwards=[
            *(f"DROP TRIGGER IF EXISTS {name} ON {event.split()[2]}" for name, event, _ in TRIGGERS),
            "DROP FUNCTION IF EXISTS labour_force_after_household_change()",
            "DROP FUNCTION IF EXISTS labour_force_after_member_change()",
            "DROP FUNCTION IF EXISTS labour_force_sync(integer[])",
            'ALTER TABLE labour_force ALTER COLUMN born TYPE varchar(8) COLLATE "default"',
        ],
    )
    return manager
