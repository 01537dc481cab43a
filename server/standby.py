"""Reads from a hot standby: figure queries marked @from_standby, the standby's pool, and how far behind it is.

The engine (server/piccolo_conf.py) sends a marked query's reads to the standby while it answers and is caught up,
else to the primary; writes, transactions and everything unmarked always use the primary.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import asyncpg

from server.database import pool_options
from server.piccolo_conf import DB, LazyPostgresEngine, prefer_standby
from server.settings import Settings, get_settings

logger = logging.getLogger("bangfu.standby")


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
            logger.warning("standby unavailable at start: %s", error)

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
                await self.engine.start_connection_pool(**self.options(get_settings().db_pool_size))
            lag = float((await self.engine._run_in_pool(LAG))[0][0])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            logger.warning("standby not answering, reading the primary: %s", error)
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
