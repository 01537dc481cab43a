"""Visits with photos when the photos live in the object store: stored there, served only after the scope check,
and refused cleanly (nothing half-written, the phone keeps the visit) while the store is down."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from server.app import create_app
from server.media.objects import S3Storage
from server.visits.tables import Visit, VisitPhoto
from tests.helpers import log_in
from tests.services import Blackhole, SeaweedFS
from tests.visits.conftest import PHOTO, send_visit

JPEG = ("photo.jpg", PHOTO, "image/jpeg")
OUTBOX = {"Accept": "application/json"}


async def client_on(storage: S3Storage, db: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(storage=storage))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def wang(bucket: S3Storage, db: Any, world: dict[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    async for http in client_on(bucket, db):
        await log_in(http, "wang")
        yield http


async def photo_of(visit_id: int) -> dict[str, Any]:
    return await VisitPhoto.select().where(VisitPhoto.visit == visit_id).first()


async def test_a_visits_photos_go_to_the_bucket_and_are_served_to_its_cadre_only(
    wang: httpx.AsyncClient, bucket: S3Storage, world: dict[str, int], db: Any
) -> None:
    answer = await send_visit(wang, world["monitored"], {"note": "入户"}, photos=[JPEG])
    assert answer.status_code == 303
    photo = await photo_of(int(answer.headers["location"].rsplit("/", 1)[1]))
    assert {item.key for item in bucket.list()} == {photo["storage_key"], photo["thumbnail_key"]}
    served = await wang.get(f"/media/visits/{photo['id']}")
    assert served.status_code == 200
    assert served.content == bucket.get(photo["storage_key"])
    assert served.headers["content-type"] == "image/jpeg"
    async for li in client_on(bucket, db):
        await log_in(li, "li")
        assert (await li.get(f"/media/visits/{photo['id']}")).status_code == 404, "another cadre's household"


async def test_a_photo_whose_object_is_gone_is_a_clean_404(
    wang: httpx.AsyncClient, bucket: S3Storage, world: dict[str, int]
) -> None:
    answer = await send_visit(wang, world["monitored"], {"note": "入户"}, photos=[JPEG])
    photo = await photo_of(int(answer.headers["location"].rsplit("/", 1)[1]))
    bucket.delete(photo["thumbnail_key"])
    gone = await wang.get(f"/media/visits/{photo['id']}/thumb")
    assert gone.status_code == 404
    assert "页面不存在" in gone.text


async def test_while_the_store_is_stopped_the_outbox_is_told_to_retry_and_nothing_is_saved(
    wang: httpx.AsyncClient, seaweedfs: SeaweedFS | None, world: dict[str, int]
) -> None:
    if seaweedfs is None:
        pytest.skip("stops the session's own SeaweedFS (an outside store is not ours to stop)")
    client_id = str(uuid.uuid4())
    fields = {"note": "村里没信号, 回镇上再发"}
    seaweedfs.pause()
    try:
        refused = await send_visit(wang, world["monitored"], fields, [JPEG], client_id=client_id, headers=OUTBOX)
    finally:
        seaweedfs.resume()
    assert refused.status_code == 503, "5xx: the phone's outbox keeps the visit and sends it again later"
    assert refused.headers["retry-after"] == "60"
    assert "照片存储暂时无法访问" in refused.json()["error"]
    assert not await Visit.exists().where(Visit.client_id == uuid.UUID(client_id))
    again = await send_visit(wang, world["monitored"], fields, [JPEG], client_id=client_id, headers=OUTBOX)
    assert again.status_code == 201
    assert again.json()["photos"] == 1


async def test_a_store_too_slow_to_answer_gives_the_form_back_with_the_text_kept(
    bucket: S3Storage, db: Any, world: dict[str, int]
) -> None:
    hole = Blackhole()
    slow = S3Storage(dataclasses.replace(bucket.settings, endpoint=f"http://127.0.0.1:{hole.port}", timeout=1.0))
    try:
        async for http in client_on(slow, db):
            await log_in(http, "wang")
            answer = await send_visit(http, world["monitored"], {"note": "送去米面油"}, photos=[JPEG])
    finally:
        hole.close()
    assert answer.status_code == 503
    assert "照片存储暂时无法访问" in answer.text
    assert "送去米面油" in answer.text, "what the cadre typed is still in the form"
    assert not await Visit.exists().where(Visit.household == world["monitored"])
