"""Attaching stored photos to the row they belong to (a visit, a finding): one helper for every photo table.

A photo table has the columns of a StoredImage (storage_key, thumbnail_key, width, height, taken_at, latitude,
longitude, phash where kept) plus a `position` and its owner's columns (e.g. {"visit": 7}).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from piccolo.table import Table

from server.media.images import StoredImage

STORED = ("width", "height", "taken_at", "latitude", "longitude")


async def attach_photos(table: type[Table], owner: dict[str, Any], images: list[StoredImage]) -> list[int]:
    """Rows for `images` under `owner` (the same photo twice is kept once); returns the ids of the new rows.

    Call it in a transaction that locked the owner's row, so positions do not collide.
    """
    if not images:
        return []
    where = [table._meta.get_column_by_name(name) == value for name, value in owner.items()]
    condition = where[0]
    for extra in where[1:]:
        condition = condition & extra
    key = table._meta.get_column_by_name("storage_key")
    known = {row["storage_key"] for row in await table.select(key).where(condition)}
    keeps_hash = any(column._meta.name == "phash" for column in table._meta.columns)
    position, added = len(known), []
    for image in images:
        if image.key in known:
            continue
        known.add(image.key)
        stored = asdict(image)
        values = {name: stored[name] for name in STORED}
        extra = {"phash": image.phash} if keeps_hash else {}
        rows = await table.insert(
            table(
                **owner, **values, **extra, storage_key=image.key, thumbnail_key=image.thumbnail_key, position=position
            )
        ).returning(table._meta.primary_key)
        added += [row["id"] for row in rows]
        position += 1
    return added
