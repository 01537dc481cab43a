"""Photos used twice: the same picture sent for another visit is flagged at intake, never refused."""

from __future__ import annotations

from io import BytesIO

import httpx
from PIL import Image

from server.demo.photos import jpeg, scene
from server.visits.tables import PhotoMatch, Visit, VisitPhoto
from tests.helpers import log_in
from tests.visits.conftest import send_visit

ORIGINAL = scene("match-original")


def resaved_smaller_and_cropped(image: Image.Image) -> bytes:
    """What a cadre's phone makes of a picture sent again: cropped 3% each side, halved, re-saved at quality 60."""
    width, height = image.size
    dx, dy = width * 3 // 100, height * 3 // 100
    copy = image.crop((dx, dy, width - dx, height - dy)).resize((width // 2, height // 2))
    buffer = BytesIO()
    copy.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


async def test_the_same_scene_sent_for_another_household_is_flagged_and_both_visits_are_saved(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    first = await send_visit(client, world["monitored"], {"note": "看望"}, [("a.jpg", jpeg(ORIGINAL), "image/jpeg")])
    await log_in(client, "li")
    copy = resaved_smaller_and_cropped(ORIGINAL)
    second = await send_visit(client, world["ordinary"], {"note": "走访"}, [("b.jpg", copy, "image/jpeg")])
    assert first.status_code == second.status_code == 303
    page = await client.get(second.headers["location"])
    assert "重复" not in page.text
    assert "used twice" not in page.text
    assert await Visit.count() == 2
    [match] = await PhotoMatch.select()
    later = await VisitPhoto.select().where(VisitPhoto.id == match["photo"]).first()
    earlier = await VisitPhoto.select().where(VisitPhoto.id == match["earlier"]).first()
    assert later["visit"] != earlier["visit"]
    assert match["distance"] <= 64


async def test_distinct_scenes_and_photos_of_the_same_visit_are_not_flagged(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    photos = [(f"{n}.jpg", jpeg(scene(f"distinct-{n}")), "image/jpeg") for n in range(3)]
    await send_visit(client, world["monitored"], {"note": "看望"}, photos[:2])
    await send_visit(client, world["monitored"], {"note": "再访"}, photos[2:])
    burst = [("x.jpg", jpeg(ORIGINAL), "image/jpeg"), ("y.jpg", resaved_smaller_and_cropped(ORIGINAL), "image/jpeg")]
    await send_visit(client, world["monitored"], {"note": "连拍"}, burst)  # two shots of one scene, one visit
    assert await VisitPhoto.count() == 5
    assert await PhotoMatch.count() == 0
