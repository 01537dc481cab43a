"""Exactly once: what the phone's queue sends again after a lost answer makes no second visit and no second photo."""

from __future__ import annotations

import uuid

import httpx

from server.visits.tables import Visit, VisitPhoto
from tests.visits.conftest import FIXTURES, PHOTO, form_token

OTHER_PHOTO = (FIXTURES / "photo.png").read_bytes()
JSON = {"Accept": "application/json"}


async def queue_post(client: httpx.AsyncClient, household: int, client_id: str, expected_photos: int) -> httpx.Response:
    """The visit as offline.js sends it: multipart, no photos, the number of photos to come, JSON wanted."""
    token, _, now = await form_token(client, household)
    data = {"client_id": client_id, "kind": "home", "note": "离线补传", "visited_at": now,
            "expected_photos": str(expected_photos)}  # fmt: skip
    return await client.post(
        f"/households/{household}/visits",
        data=data,
        files={"unused": ("", b"")},
        headers={**JSON, "X-CSRFToken": token},
    )


async def photo_post(client: httpx.AsyncClient, visit: int, photo: bytes, name: str) -> httpx.Response:
    token, _, _ = await form_token(
        client, (await Visit.select(Visit.household).where(Visit.id == visit).first())["household"]
    )
    return await client.post(
        f"/visits/{visit}/photos", files={"photos": (name, photo)}, headers={**JSON, "X-CSRFToken": token}
    )


async def test_the_same_visit_posted_twice_by_the_queue_is_one_visit(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    first = await queue_post(as_wang, world["monitored"], client_id, 0)
    second = await queue_post(as_wang, world["monitored"], client_id, 0)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.headers["content-type"].startswith("application/json")
    assert (first.json()["status"], second.json()["status"]) == ("created", "repeated")
    assert first.json()["visit"] == second.json()["visit"]
    assert await Visit.count().where(Visit.client_id == uuid.UUID(client_id)) == 1


async def test_photos_sent_one_by_one_with_a_repeat_are_each_stored_once_and_complete_the_visit(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    visit = (await queue_post(as_wang, world["monitored"], str(uuid.uuid4()), 2)).json()
    assert (visit["photos"], visit["expected_photos"], visit["complete"]) == (0, 2, False)
    one = await photo_post(as_wang, visit["visit"], PHOTO, "a.jpg")
    again = await photo_post(as_wang, visit["visit"], PHOTO, "a.jpg")  # the answer was lost: the phone sends it again
    two = await photo_post(as_wang, visit["visit"], OTHER_PHOTO, "b.png")
    assert [(r.json()["photos"], r.json()["complete"]) for r in (one, again, two)] == [
        (1, False),
        (1, False),
        (2, True),
    ]
    assert await VisitPhoto.count().where(VisitPhoto.visit == visit["visit"]) == 2


async def test_a_photo_sent_again_after_the_visit_is_complete_adds_no_row(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    visit = (await queue_post(as_wang, world["monitored"], str(uuid.uuid4()), 1)).json()
    done = await photo_post(as_wang, visit["visit"], PHOTO, "a.jpg")
    late = await photo_post(as_wang, visit["visit"], PHOTO, "a.jpg")
    assert done.json()["complete"] is True
    assert (late.status_code, late.json()["photos"], late.json()["complete"]) == (200, 1, True)
    assert await VisitPhoto.count().where(VisitPhoto.visit == visit["visit"]) == 1


async def test_the_visit_replayed_after_its_photos_arrived_stays_one_visit_with_its_photos(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    visit = (await queue_post(as_wang, world["monitored"], client_id, 1)).json()
    await photo_post(as_wang, visit["visit"], PHOTO, "a.jpg")
    replay = await queue_post(as_wang, world["monitored"], client_id, 1)
    assert replay.json() == {"status": "repeated", "visit": visit["visit"], "id": visit["visit"], "photos": 1,
                             "expected_photos": 1, "complete": True,
                             "photos_url": f"/visits/{visit['visit']}/photos"}  # fmt: skip


async def test_the_same_id_with_other_content_is_a_conflict_the_queue_can_show(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    await queue_post(as_wang, world["monitored"], client_id, 0)
    token, _, now = await form_token(as_wang, world["monitored"])
    other = await as_wang.post(
        f"/households/{world['monitored']}/visits",
        data={"client_id": client_id, "kind": "home", "note": "另一次走访", "visited_at": now},
        files={"unused": ("", b"")},
        headers={**JSON, "X-CSRFToken": token},
    )
    assert other.status_code == 409
    assert other.json()["error"]
    assert await Visit.count().where(Visit.client_id == uuid.UUID(client_id)) == 1
