"""The request id each audit event was recorded in, to follow one request from the logs of any host to the trail.

Raw SQL because audit_event belongs to the core app; server/audit/tables.py declares the column for queries.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-04T19:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit events carry the request id"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    add_raw_sql(
        manager,
        forwards=["ALTER TABLE audit_event ADD COLUMN request_id varchar(64)"],
        backwards=["ALTER TABLE audit_event DROP COLUMN IF EXISTS request_id"],
    )
    return manager
