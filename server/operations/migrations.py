"""`bangfu migrate`: Piccolo's migrations as the owner, then the app role's privileges, every time."""

from __future__ import annotations

from piccolo.apps.migrations.commands.backwards import run_backwards
from piccolo.apps.migrations.commands.forwards import run_forwards

from server.database import app_database_url
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
    return await set_up_app_role(owner_url, app_database_url(settings, owner_url))
