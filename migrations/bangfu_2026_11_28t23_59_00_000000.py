"""Rules the database itself enforces: an append-only audit trail and one head per household."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-11-28T23:59:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit trail is append-only and indexed by target; one head per household"

FORWARDS = [
    """
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Entries are kept at least 6 months; older ones may be purged, nothing may be edited.
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP;
END;
$$
""",
    """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()
""",
    """
CREATE UNIQUE INDEX member_one_head_per_household ON member (household) WHERE relation = 'head'
""",
    # The history of a record is read from the audit trail by target.
    "CREATE INDEX audit_event_target ON audit_event (target_type, target_id, at)",
]

BACKWARDS = [
    "DROP INDEX IF EXISTS audit_event_target",
    "DROP INDEX IF EXISTS member_one_head_per_household",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_is_append_only()",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
