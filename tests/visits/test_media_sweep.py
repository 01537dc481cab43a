"""A photo whose visit was never saved is swept; the photos of saved visits, and their thumbnails, are not."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from server.media.images import ingest_image
from server.media.references import PHOTO_TABLES, referenced_keys
from server.media.storage import LocalStorage
from server.media.sweep import sweep
from server.visits.photos import add_photos
from server.visits.tables import Visit
from tests.visits.conftest import FIXTURES


async def test_only_the_photo_of_the_unsaved_visit_is_swept(world: dict[str, int], tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    saved = await ingest_image((FIXTURES / "photo.png").read_bytes(), storage=storage)
    unsaved = await ingest_image((FIXTURES / "rotated_gps.jpg").read_bytes(), storage=storage)
    [visit] = await Visit.insert(Visit(client_id=uuid.uuid4(), household=world["monitored"], cadre=world["wang"]))
    await add_photos(visit["id"], [saved])
    long_ago = time.time() - 3 * 24 * 3600
    for path in tmp_path.rglob("*.*"):
        os.utime(path, (long_ago, long_ago))
    result = sweep(storage, await referenced_keys(), older_than_seconds=24 * 3600)
    assert result.files == 2, "the unsaved photo and its thumbnail"
    assert storage.exists(saved.key)
    assert storage.exists(saved.thumbnail_key)
    assert not storage.exists(unsaved.key)
    assert not storage.exists(unsaved.thumbnail_key)


async def test_every_table_that_keeps_photo_keys_is_known_to_the_sweep(db: object) -> None:
    """A new table with photos must be added to PHOTO_TABLES, or the nightly sweep would delete its photos."""
    rows = await Visit.raw(
        "SELECT table_name, array_agg(column_name::text ORDER BY column_name) AS columns"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " AND column_name IN ('storage_key', 'thumbnail_key') GROUP BY table_name"
    )
    assert {row["table_name"]: tuple(sorted(row["columns"])) for row in rows} == {
        table: tuple(sorted(columns)) for table, columns in PHOTO_TABLES.items()
    }
