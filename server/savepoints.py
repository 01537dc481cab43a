"""A write that a unique index may refuse, without spoiling the caller's transaction (tests run inside one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from server.piccolo_conf import DB


@asynccontextmanager
async def undone_on_conflict() -> AsyncIterator[None]:
    """A transaction (or a savepoint of the caller's) rolled back when a unique index refuses a row; the
    `UniqueViolationError` is raised again for the caller to turn into a message."""
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            yield
        except asyncpg.UniqueViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise
