"""Photos of visits: intake through server.media (before any transaction), and adding them to a visit."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import UploadFile

from server.media.attach import attach_photos
from server.media.images import ImageRejected, StoredImage, ingest_image
from server.media.storage import Storage, StorageUnavailable
from server.visits.forms import MAX_PHOTOS
from server.visits.photo_matches import flag_photos_used_twice
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

    New photos that show the same picture as one stored for another visit are flagged (server.visits.photo_matches);
    the visit is saved all the same. Call it in a transaction that locked the visit row.
    """
    added = await attach_photos(VisitPhoto, {"visit": visit_id}, images)
    await flag_photos_used_twice(added)
    return int(await VisitPhoto.count().where(VisitPhoto.visit == visit_id))


__all__ = ["ImageRejected", "StorageUnavailable", "add_photos", "ingest_uploads", "uploads_of"]
