"""Piccolo's configuration module (PICCOLO_CONF): the engine and the app registry."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from contextvars import ContextVar
from string import Formatter
from typing import Any, Protocol

import asyncpg
from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

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

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        """Piccolo's, the statement compiled from its templates as each was parsed the first time (`compiled`)."""
        return await super().run_querystring(_Compiled(querystring), in_pool)

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> Any:
        node = self.read_node
        if node is not None and prefer_standby.get() and await node.usable():
            try:
                return await node.engine._run_in_pool(query, args)
            except STANDBY_FAILURES:
                node.failed()
        return await super()._run_in_pool(query, args)


def compiled(query: QueryString) -> tuple[str, list[Any]]:
    """The statement with $1, $2, … for its values, and the values: what `QueryString.compile_string` gives, with each
    template split at its `{}` once (`_pieces`) instead of on every statement. Piccolo parses every nested template
    again each time: the monitoring overview's fourteen, 7 KB of SQL, took 64 µs to compile, now 17."""
    text: list[str] = []
    args: list[Any] = []

    def write(part: QueryString) -> None:
        *before_placeholders, last = _pieces(part.template)
        for piece, value in zip(before_placeholders, part.args, strict=False):
            text.append(piece)
            if isinstance(value, QueryString):
                write(value)
            else:
                args.append(value)
                text.append(f"${len(args)}")
        text.extend(before_placeholders[len(part.args) :])  # a placeholder without a value left out, as by Piccolo
        text.append(last)

    write(query)
    return "".join(text), args


@functools.lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[str, ...]:
    """A template's text before each `{}` and after the last, `{{` and `}}` read as one brace (string.Formatter). The
    templates are the code's own: a few hundred, each parsed once. (Piccolo's compile took the text before an escaped
    brace for a placeholder's: no statement of ours escapes one.)"""
    pieces, text = [], ""
    for literal, field, _, _ in Formatter().parse(template):
        text += literal
        if field is not None:
            pieces.append(text)
            text = ""
    return (*pieces, text)


class _Compiled(QueryString):
    """A statement as the engine runs it: compiled by `compiled`, written out (a logged query) as it is."""

    __slots__ = ("query",)

    def __init__(self, query: QueryString) -> None:  # not QueryString's: the arguments were taken in by `query`
        self.query = query

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        return compiled(self.query)

    def __str__(self) -> str:
        return str(self.query)


# The DSN is filled in by server.database.use_database once the server is known.
DB = LazyPostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "")}, extensions=())

APP_REGISTRY = AppRegistry(apps=[*TABLE_APPS, HISTORY_APP])
