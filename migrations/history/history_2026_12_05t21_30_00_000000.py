"""Visits partitioned by month of `visited_at`, their photos by month of `created_at` (docs/scale-out.md).

A partitioned table's unique keys must hold its partition key, so neither `visit.id` nor `visit_photo.id` can be
referenced any more. Each gets a narrow, unpartitioned key table filled by a statement trigger: `visit_key (id,
client_id)` keeps the exactly-once client id unique across every month, `visit_photo_key (id, visit, storage_key)`
keeps a photo once per visit. Every foreign key that referenced a visit or a photo (measures, photos, follow-ups,
confirmations, verification calls, risk cases, photo matches) references the key table instead, under its old name
and with its old actions; the Piccolo models do not change. Deleting a visit deletes its key, and so by cascade what
references it, as before. Every existing row moves into the DEFAULT partition; `bangfu migrate` then gives each
month its own (server/operations/partitions.py).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import KEY_FUNCTIONS_DROPPED, KeyTable, add_raw_sql, partitioned_behind_key, plain_again

ID = "2026-12-05T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "visits and visit photos partitioned by month"

VISIT_KEY = KeyTable(
    name="visit_key",
    columns="id, client_id",
    definition="id integer PRIMARY KEY, client_id uuid NOT NULL",
    unique=["ALTER TABLE visit_key ADD CONSTRAINT visit_client_id_key UNIQUE (client_id)"],
    unique_dropped=["ALTER TABLE visit DROP CONSTRAINT visit_client_id_key"],
    unique_restored=[
        "DROP INDEX IF EXISTS visit_client_id",
        "ALTER TABLE visit ADD CONSTRAINT visit_client_id_key UNIQUE (client_id)",
    ],
    changed_when="NEW.id <> OLD.id OR NEW.client_id <> OLD.client_id",
)
VISIT_PHOTO_KEY = KeyTable(
    name="visit_photo_key",
    columns="id, visit, storage_key",
    definition="id integer PRIMARY KEY, visit integer NOT NULL REFERENCES visit_key (id)"
    " ON UPDATE CASCADE ON DELETE CASCADE, storage_key varchar(200) NOT NULL",
    unique=["CREATE UNIQUE INDEX visit_photo_once_per_visit ON visit_photo_key (visit, storage_key)"],
    unique_dropped=["DROP INDEX visit_photo_once_per_visit"],
    unique_restored=["CREATE UNIQUE INDEX visit_photo_once_per_visit ON visit_photo (visit, storage_key)"],
    changed_when="NEW.id <> OLD.id OR NEW.visit <> OLD.visit OR NEW.storage_key <> OLD.storage_key",
)
# The exactly-once lookup by client id (server/submissions.py) reads each month's index of it.
CLIENT_ID_INDEX = "CREATE INDEX visit_client_id ON visit (client_id)"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="history", description=DESCRIPTION)
    manager.add_raw(partitioned_behind_key("visit", partition_by="visited_at", key=VISIT_KEY, sequence="visit_id_seq"))
    add_raw_sql(manager, forwards=[CLIENT_ID_INDEX], backwards=[])
    manager.add_raw(
        partitioned_behind_key(
            "visit_photo", partition_by="created_at", key=VISIT_PHOTO_KEY, sequence="visit_photo_id_seq"
        )
    )
    manager.add_raw_backwards(plain_again("visit_photo", key=VISIT_PHOTO_KEY, sequence="visit_photo_id_seq"))
    manager.add_raw_backwards(plain_again("visit", key=VISIT_KEY, sequence="visit_id_seq"))
    add_raw_sql(manager, forwards=["ANALYZE visit_key", "ANALYZE visit_photo_key"], backwards=KEY_FUNCTIONS_DROPPED)
    return manager
