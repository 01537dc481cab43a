"""Exactly once: a form sent again (a weak connection, the phone's offline outbox) finds the row it already made.

The form makes a random `client_id` when it opens; the row keeps it (unique) with a `fingerprint` of the content a
person typed. Sent again with the same id: the same content is the same submission ('repeated'), other content is a
'conflict' (nothing overwritten). Visits and inspection findings share this rule and the outbox that relies on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from piccolo.table import Table


@dataclass(frozen=True)
class Outcome:
    """What happened to a submission: 'created', 'repeated' (the same one again) or 'conflict'."""

    status: str
    id: int | None = None
    photos: int = 0
    expected_photos: int = 0

    @property
    def complete(self) -> bool:
        return self.photos >= self.expected_photos

    @property
    def visit_id(self) -> int | None:  # the visits area's name for it
        return self.id


@dataclass(frozen=True)
class Sent:
    """The row a client id already names, or None; `same`: the same content from the same person."""

    row: dict[str, Any] | None
    same: bool = False


async def already_sent(table: type[Table], client_id: str, fingerprint: str, owner: dict[str, Any]) -> Sent:
    """Look the client id up (call it in the caller's transaction, after taking its lock)."""
    column = table._meta.get_column_by_name("client_id")
    row = await table.select().where(column == uuid.UUID(client_id)).first()
    if row is None:
        return Sent(None)
    same = row["fingerprint"] == fingerprint and all(row[key] == value for key, value in owner.items())
    return Sent(row, same)


async def insert_once(transaction: Any, insert: Callable[[], Awaitable[int]]) -> int | None:
    """Run `insert` under a savepoint: None when the same client id was stored a moment ago by another request."""
    savepoint = await transaction.savepoint()
    try:
        return await insert()
    except asyncpg.UniqueViolationError:
        await savepoint.rollback_to()
        return None
