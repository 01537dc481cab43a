"""Piccolo's configuration module (PICCOLO_CONF): the engine and the app registry."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, Protocol

import asyncpg
from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from server.piccolo_apps import HISTORY_APP, TABLE_APPS

# Set while a figure query runs (server.database.from_standby): its reads may go to the hot standby.
prefer_standby: ContextVar[bool] = ContextVar("bangfu_prefer_standby", default=False)
# The standby could not serve the query (gone, or a replay conflict cancelled it, or a write marked as a figure read
# by mistake was refused there): the primary answers instead.
STANDBY_FAILURES = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.SerializationError,
    asyncpg.ReadOnlySQLTransactionError,
)


class ReadNode(Protocol):
    """A hot standby as the engine sees it (server.database.Standby)."""

    @property
    def engine(self) -> PostgresEngine: ...

    async def usable(self) -> bool: ...

    def failed(self) -> None: ...


class LazyPostgresEngine(PostgresEngine):
    """Piccolo's engine connects at construction to check the server version; ours connects on first use.

    The server is often not known (embedded) or not up yet when this module is imported. Outside transactions,
    queries made under `prefer_standby` go to the read standby when one is configured and caught up.
    """

    read_node: ReadNode | None = None

    async def check_version(self) -> None:
        return None

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> Any:
        node = self.read_node
        if node is not None and prefer_standby.get() and await node.usable():
            try:
                return await node.engine._run_in_pool(query, args)
            except STANDBY_FAILURES:
                node.failed()
        return await super()._run_in_pool(query, args)


# The DSN is filled in by server.database.use_database once the server is known.
DB = LazyPostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "")}, extensions=())

APP_REGISTRY = AppRegistry(apps=[*TABLE_APPS, HISTORY_APP])
