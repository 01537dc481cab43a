"""Audit retention: entries older than 183 days may be deleted, by the owner only (`bangfu purge-audit`).

Whole months past the retention period go at once (their partition detached and dropped, server/operations/
partitions.py); in the month that straddles the limit only the expired entries are deleted. The database refuses
anything younger (the append-only trigger of migrations/bangfu_2026_11_28t23_59_00_000000.py), and the app role may
not delete any entry at all (server/operations/roles.py).
"""

from __future__ import annotations

from datetime import timedelta

from server.clock import now
from server.database import connect
from server.operations.partitions import AUDIT_EVENTS, drop_months_before

RETENTION_DAYS = 183  # 等保 and the PIPL: at least 6 months


async def purge_expired(owner_url: str, dry_run: bool = False) -> int:
    """Delete (or only count) the entries past the retention period, connected as the owner."""
    cutoff = now() - timedelta(days=RETENTION_DAYS)
    connection = await connect(owner_url)
    try:
        if dry_run:
            return int(await connection.fetchval("SELECT count(*) FROM audit_event WHERE at < $1", cutoff))
        dropped = await drop_months_before(connection, AUDIT_EVENTS, cutoff)
        deleted = await connection.fetchval(
            "WITH gone AS (DELETE FROM audit_event WHERE at < $1 RETURNING 1) SELECT count(*) FROM gone", cutoff
        )
        return dropped + int(deleted)
    finally:
        await connection.close()
