"""Photos of visits: intake through server.media (before any transaction), and adding them to a visit."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from litestar.datastructures import UploadFile

from server.media.images import ImageRejected, StoredImage, ingest_image
from server.media.storage import Storage, StorageUnavailable
from server.visits.forms import MAX_PHOTOS
from server.visits.tables import VisitPhoto


def uploads_of(data: Any, name: str = "photos") -> list[UploadFile]:
    """The non-empty files of a multipart field (a browser sends one empty part when nothing was chosen)."""
    values = data.getall(name, []) if hasattr(data, "getall") else []
    return [value for value in values if isinstance(value, UploadFile) and value.filename]


async def ingest_uploads(uploads: list[UploadFile], storage: Storage) -> list[StoredImage]:
    """Check and store every photo first; raises ImageRejected or StorageUnavailable (nothing is in the database yet,
    and a photo already stored is swept later unless the visit is sent again)."""
    images = []
    for upload in uploads[:MAX_PHOTOS]:
        data = await upload.read()
        images.append(await ingest_image(data, storage=storage))
    return images


async def add_photos(visit_id: int, images: list[StoredImage]) -> int:
    """Attach photos to a visit (the same photo twice is kept once); returns how many the visit has now.

    Call it in a transaction that locked the visit row, so positions do not collide.
    """
    if images:
        existing = await VisitPhoto.select(VisitPhoto.storage_key).where(VisitPhoto.visit == visit_id)
        known = {row["storage_key"] for row in existing}
        position = len(known)
        for image in images:
            if image.key in known:
                continue
            known.add(image.key)
            await VisitPhoto.insert(_row(visit_id, image, position)).on_conflict(action="DO NOTHING")
            position += 1
    return int(await VisitPhoto.count().where(VisitPhoto.visit == visit_id))


async def referenced_keys() -> set[str]:
    """Every stored file a visit photo refers to (the photo and its thumbnail), for the media sweep."""
    rows = await VisitPhoto.select(VisitPhoto.storage_key, VisitPhoto.thumbnail_key)
    return {key for row in rows for key in (row["storage_key"], row["thumbnail_key"])}


def _row(visit_id: int, image: StoredImage, position: int) -> VisitPhoto:
    values = asdict(image)
    return VisitPhoto(
        visit=visit_id,
        storage_key=values["key"],
        thumbnail_key=values["thumbnail_key"],
        width=values["width"],
        height=values["height"],
        taken_at=values["taken_at"],
        latitude=values["latitude"],
        longitude=values["longitude"],
        position=position,
    )


__all__ = ["ImageRejected", "StorageUnavailable", "add_photos", "ingest_uploads", "referenced_keys", "uploads_of"]
