"""The app role and its privileges: rows, never tables; the audit trail append-only. Run by the owner after migrating.

Default privileges give the app every table and sequence a later migration adds (whoever writes that migration), and
this step, run again by every `bangfu migrate`, takes back what the app must not have even when a migration granted
it: UPDATE, DELETE and TRUNCATE on the audit trail, UPDATE on the key tables of visits and their photos, any write to
the households' kept visit dates and search keys, and anything on Piccolo's own migration table.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import asyncpg

from server.database import connect, database_name, password_of, user_of

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APP_SEQUENCE_PRIVILEGES = "USAGE, SELECT"
# table -> the only privileges the app keeps on it
RESTRICTED_TABLES = {
    "audit_event": ("SELECT", "INSERT"),
    "migration": (),
    # Filled and emptied by the triggers of visit and visit_photo (run as the app): a key is never changed.
    "visit_key": ("SELECT", "INSERT", "DELETE"),
    "visit_photo_key": ("SELECT", "INSERT", "DELETE"),
    # Kept by the triggers of visit and follow_up, which run as their owner: the app only reads it.
    "household_visit_dates": ("SELECT",),
    # Kept by the triggers of member and household, which run as their owner: the app only reads it.
    "household_search_keys": ("SELECT",),
    # Kept by the triggers of the delivered-measures ledger's tables, which run as their owner: the app only reads it.
    "delivered_count": ("SELECT",),
    "delivered_day": ("SELECT",),
    # Kept by the triggers of the plan items, plans and households and by delivered_count_recounted: the app reads it.
    "plan_item_open": ("SELECT",),
}
LOCK_KEY = 2026_1212  # two `bangfu migrate` of one database at once take turns (roles and grants clash otherwise)
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"


@dataclass(frozen=True)
class RoleSetup:
    """What the step did: `ready` when the app role holds exactly its privileges; otherwise `advice` says what to do."""

    role: str
    ready: bool
    created: bool = False
    advice: str = ""


async def set_up_app_role(owner_url: str, app_url: str) -> RoleSetup:
    """Create the app role when the owner may, and grant it the app's privileges in this database (idempotent)."""
    role, owner = user_of(app_url), user_of(owner_url)
    connection = await connect(owner_url)
    try:
        if role == owner or role == await connection.fetchval("SELECT current_user"):
            return RoleSetup(role, ready=False, advice=same_role_advice(role))
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
            created = await _ensure_role(connection, role, password_of(app_url))
            if created is None:
                return RoleSetup(role, ready=False, advice=missing_role_advice(role, database_name(owner_url)))
            await grant_app_privileges(connection, role)
        return RoleSetup(role, ready=True, created=created)
    finally:
        await connection.close()


async def _ensure_role(connection: asyncpg.Connection, role: str, password: str | None) -> bool | None:
    """True when created now, False when it existed, None when it is missing and this owner may not create roles."""
    may_create = await connection.fetchval(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    )
    exists = await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    if not may_create:
        return False if exists else None
    if exists:
        if password:  # keep the password in step with the URL (or the secret key it is derived from)
            statement = await _format(connection, "ALTER ROLE %I PASSWORD %L", role, password)
            with suppress(asyncpg.InsufficientPrivilegeError):  # a role this owner may not alter stays as it is
                async with connection.transaction():
                    await connection.execute(statement)
        return False
    secret = " PASSWORD %L" if password else ""
    statement = await _format(connection, f"CREATE ROLE %I {ROLE_ATTRIBUTES}{secret}", role, password)
    async with connection.transaction():  # a savepoint: another run may create the same role at this moment
        try:
            await connection.execute(statement)
        except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
            return False
    return True


async def _format(connection: asyncpg.Connection, template: str, *values: str | None) -> str:
    """A statement with identifiers and literals quoted by PostgreSQL itself (DDL takes no parameters)."""
    arguments = ", ".join(f"${i + 2}::text" for i in range(len(values)))
    return str(await connection.fetchval(f"SELECT format($1, {arguments})", template, *values))


async def grant_app_privileges(connection: asyncpg.Connection, role: str) -> None:
    """Rows of every table and the sequences, now and for tables created later; the restricted tables limited."""
    quoted = await connection.fetchval("SELECT quote_ident($1)", role)
    database = await connection.fetchval("SELECT quote_ident(current_database())")
    await connection.execute(f"GRANT CONNECT ON DATABASE {database} TO {quoted}")
    await connection.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    for creator in await _table_creators(connection):
        prefix = f"ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA public"
        await connection.execute(f"{prefix} GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {quoted}")
        await connection.execute(f"{prefix} GRANT {APP_SEQUENCE_PRIVILEGES} ON SEQUENCES TO {quoted}")
    await connection.execute(f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {quoted}")
    await connection.execute(f"GRANT {APP_SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    for table, kept in RESTRICTED_TABLES.items():
        if await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", f"public.{table}"):
            await connection.execute(f"REVOKE ALL ON {table} FROM {quoted}, PUBLIC")
            if kept:
                await connection.execute(f"GRANT {', '.join(kept)} ON {table} TO {quoted}")
    # A partition is reached through its table, whose grants and guards then apply: nothing on the partition itself.
    for partition in await connection.fetch(
        "SELECT oid::regclass::text AS name FROM pg_class"
        " WHERE relispartition AND relkind = 'r' AND relnamespace = 'public'::regnamespace"
    ):
        await connection.execute(f"REVOKE ALL ON {partition['name']} FROM {quoted}, PUBLIC")


async def _table_creators(connection: asyncpg.Connection) -> list[str]:
    """The migrating role and every owner of our tables it acts for: default privileges are per creating role."""
    rows = await connection.fetch(
        "SELECT DISTINCT quote_ident(r.rolname) AS name FROM pg_roles r WHERE r.rolname = current_user"
        " OR r.oid IN (SELECT c.relowner FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace)"
        " AND pg_has_role(current_user, r.oid, 'USAGE')"
    )
    return [row["name"] for row in rows]


def missing_role_advice(role: str, database: str) -> str:
    return (
        f"应用角色 {role} 不存在, 而迁移所用的角色无权创建角色。请由数据库管理员执行:\n"
        f"  CREATE ROLE {role} LOGIN PASSWORD '...';\n"
        f"并设置 BANGFU_APP_DATABASE_URL=postgresql://{role}:...@<host>/{database}, 再运行 bangfu migrate 授权;"
        f" 在此之前应用以所有者身份连接 (the app role is missing and this role may not create it: see README)"
    )


def same_role_advice(role: str) -> str:
    return (
        f"BANGFU_APP_DATABASE_URL 与迁移使用同一个角色 {role}: 应用将拥有修改表结构和审计日志的权限;"
        f" 请为应用另建角色 (the app would connect as the owner {role}: see README)"
    )
