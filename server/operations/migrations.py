"""`bangfu migrate`: Piccolo's migrations as the owner, then the app role's privileges, every time."""

from __future__ import annotations

from datetime import timedelta

from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.forwards import run_forwards

from server import once
from server.accounts.sessions import ABSOLUTE_LIFETIME
from server.clock import now
from server.database import DatabaseUnavailable, app_database_url, connect, new_secret_key, secret_key
from server.operations.partitions import WEB_SESSIONS, drop_months_before, ensure_partitions
from server.operations.roles import RoleSetup, set_up_app_role
from server.settings import Settings


class MigrationFailed(RuntimeError):
    """Piccolo refused or failed; the message is Piccolo's."""


async def migrate(owner_url: str, settings: Settings, target: str | None = None, app_name: str = "all") -> RoleSetup:
    """Apply the migrations (or undo down to `target`) through the engine, which must be on `owner_url`."""
    if target:
        result = await run_backwards(app_name=app_name, migration_id=target, auto_agree=True)
    else:
        result = await run_forwards(app_name=app_name)
    if not result.success:
        raise MigrationFailed(result.message or "migration failed")
    if not target:
        await make_partitions(owner_url)
    try:
        key = await secret_key(settings, owner_url)
    except DatabaseUnavailable:  # migrated all the way back: there is no table left to keep the key in
        key = new_secret_key(settings)
    return await set_up_app_role(owner_url, app_database_url(settings, owner_url, key))


async def make_partitions(owner_url: str) -> list[str]:
    """The history tables' monthly partitions up to a few months ahead (also run nightly by `bangfu maintain`)."""
    connection = await connect(owner_url)
    try:
        return await ensure_partitions(connection)
    finally:
        await connection.close()


async def maintain(owner_url: str) -> tuple[list[str], int, int]:
    """Nightly: the months ahead made, the months of sessions that have all expired dropped (how many sessions), and
    the tokens of forms sent more than a month ago forgotten (how many)."""
    made = await make_partitions(owner_url)
    connection = await connect(owner_url)
    try:
        sessions = await drop_months_before(connection, WEB_SESSIONS, now() - ABSOLUTE_LIFETIME)
        forms = await connection.execute(
            "DELETE FROM form_submission WHERE created_at < $1", now() - timedelta(days=once.KEPT_DAYS)
        )
        return made, sessions, int(forms.split()[-1])
    finally:
        await connection.close()
