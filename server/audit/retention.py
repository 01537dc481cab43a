"""Audit retention: entries older than 183 days may be deleted, by the owner only (`bangfu purge-audit`).

The database refuses the rest (the append-only trigger of migrations/bangfu_2026_11_28t23_59_00_000000.py), and the
app role may not delete any entry at all (server/operations/roles.py).
"""

from __future__ import annotations

from server.audit.tables import AuditEvent

RETENTION_DAYS = 183  # 等保 and the PIPL: at least 6 months


async def purge_expired(dry_run: bool = False) -> int:
    """Delete (or only count) the entries past the retention period; the engine must connect as the owner."""
    where = f"at < now() - interval '{RETENTION_DAYS} days'"
    if dry_run:
        rows = await AuditEvent.raw(f"SELECT count(*) AS n FROM audit_event WHERE {where}")
    else:
        rows = await AuditEvent.raw(
            f"WITH gone AS (DELETE FROM audit_event WHERE {where} RETURNING 1) SELECT count(*) AS n FROM gone"
        )
    return int(rows[0]["n"])
