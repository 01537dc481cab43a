"""A disabled account takes no new pairing, decided by the database: the trigger reads the cadre's row FOR SHARE, so
it waits for an admin who is disabling that account (server/accounts/admin.py locks the row FOR UPDATE and counts the
pairings), and either the pairing is refused or the disabling sees it and is refused."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T23:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "no new pairing for a disabled account"

FORWARDS = [
    """
    CREATE FUNCTION pairing_cadre_is_active() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM app_user WHERE id = NEW.cadre AND is_active FOR SHARE) THEN
        RAISE EXCEPTION 'the account of cadre % is disabled', NEW.cadre
          USING ERRCODE = 'check_violation', CONSTRAINT = 'pairing_cadre_is_active';
      END IF;
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER pairing_cadre_is_active BEFORE INSERT ON pairing"
    " FOR EACH ROW EXECUTE FUNCTION pairing_cadre_is_active()",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS pairing_cadre_is_active ON pairing",
    "DROP FUNCTION IF EXISTS pairing_cadre_is_active()",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pairing", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
