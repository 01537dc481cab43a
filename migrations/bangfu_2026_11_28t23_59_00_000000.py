"""Rules the database itself enforces: an append-only audit trail and one head per household."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T23:59:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit trail is append-only; one head per household"

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
]

BACKWARDS = [
    "DROP INDEX IF EXISTS member_one_head_per_household",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_is_append_only()",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="bangfu", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await engine_finder().run_ddl(statement)  # type: ignore[union-attr]

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
