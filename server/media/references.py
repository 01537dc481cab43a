"""Which rows refer to stored photos. Every table that keeps storage keys is named here, so that `bangfu sweep-media`
never takes a photo a row still needs (a test fails when a table with a `storage_key` column is missing)."""

from __future__ import annotations

from piccolo.querystring import QueryString

from server.piccolo_conf import DB

# table: its columns holding keys (the photo and its thumbnail)
PHOTO_TABLES = {
    "visit_photo": ("storage_key", "thumbnail_key"),
    "visit_photo_key": ("storage_key",),  # the same keys again (a photo once per visit, across partitions)
    "finding_photo": ("storage_key", "thumbnail_key"),
    "visit_confirmation": ("storage_key",),  # the head's signature (empty for a call)
}


async def referenced_keys() -> set[str]:
    """Every stored key some row refers to, for the media sweep."""
    selects = [f"SELECT {column} AS key FROM {table}" for table, columns in PHOTO_TABLES.items() for column in columns]
    rows = await DB.run_querystring(QueryString(" UNION ".join(selects)))
    return {row["key"] for row in rows}
