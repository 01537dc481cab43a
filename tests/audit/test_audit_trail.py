"""The audit trail can be added to, never edited, and young entries cannot be deleted."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from server.audit.queries import record
from server.audit.tables import AuditEvent


async def test_an_audit_entry_cannot_be_edited(db: Any) -> None:
    await record("login", actor_label="someone")
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the app role; the trigger stops even the owner
        await AuditEvent.update({AuditEvent.action: "nothing"}).where(AuditEvent.actor_label == "someone")
    await savepoint.rollback_to()


async def test_a_recent_audit_entry_cannot_be_deleted(db: Any) -> None:
    await record("login", actor_label="someone")
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await AuditEvent.delete().where(AuditEvent.actor_label == "someone")
    await savepoint.rollback_to()
    assert await AuditEvent.count().where(AuditEvent.actor_label == "someone") == 1
