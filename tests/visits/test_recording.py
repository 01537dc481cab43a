"""Recording a visit: one photo is enough, the same submission makes one visit, bad inputs leave nothing behind."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from server.clock import TIMEZONE
from server.visits.tables import FollowUp, Visit, VisitMeasure, VisitPhoto
from tests.helpers import csrf_token_of, log_in
from tests.visits.conftest import FIXTURES, PHOTO, send_visit

JPEG = ("photo.jpg", PHOTO, "image/jpeg")


async def test_a_visit_with_only_a_photo_is_saved_with_the_photos_gps(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    answer = await send_visit(as_wang, world["monitored"], photos=[JPEG])
    assert answer.status_code == 303
    visit = await Visit.select().where(Visit.household == world["monitored"]).first()
    assert answer.headers["location"] == f"/visits/{visit['id']}"
    assert visit["cadre"] == world["wang"]
    assert visit["kind"] == "home"
    assert visit["expected_photos"] == 1
    photo = await VisitPhoto.select().where(VisitPhoto.visit == visit["id"]).first()
    assert round(photo["latitude"], 2) == 35.30
    assert round(photo["longitude"], 2) == 117.80
    assert photo["height"] > photo["width"], "the EXIF rotation was applied"
    page = await as_wang.get(answer.headers["location"])
    assert "走访已保存" in page.text or "已保存" in page.text
    assert f"/media/visits/{photo['id']}/thumb" in page.text


async def test_the_form_offers_one_tap_defaults(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    page = await as_wang.get(f"/households/{world['monitored']}/visits/new")
    assert 'name="kind" value="home" checked' in page.text
    assert 'capture="environment"' in page.text
    assert "data-shrink" in page.text
    now = datetime.now(TIMEZONE)
    assert f'value="{now:%Y-%m-%dT%H}' in page.text  # date and time default to now
    tomorrow = now.date() + timedelta(days=1)
    assert f'min="{tomorrow.isoformat()}" data-after-today' in page.text, "the browser refuses a past follow-up day"


async def test_the_same_submission_twice_makes_one_visit(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    client_id = str(uuid.uuid4())
    fields = {"note": "送去米面油", "measure_type": "condolence", "measure_amount": "200"}
    first = await send_visit(as_wang, world["monitored"], fields, client_id=client_id)
    second = await send_visit(as_wang, world["monitored"], fields, client_id=client_id)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await Visit.count().where(Visit.client_id == uuid.UUID(client_id)) == 1
    assert await VisitMeasure.count() == 1
    assert await FollowUp.count().where(FollowUp.household == world["monitored"]) == 1


async def test_the_same_client_id_with_other_content_is_a_conflict_the_cadre_sees(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    await send_visit(as_wang, world["monitored"], {"note": "第一次"}, client_id=client_id)
    answer = await send_visit(as_wang, world["monitored"], {"note": "改过的内容"}, client_id=client_id)
    assert answer.status_code == 409
    assert "已用这张表单提交过另一条走访" in answer.text
    assert await Visit.count() == 1
    rows = await Visit.select(Visit.note)
    assert rows[0]["note"] == "第一次"


async def test_the_offline_queue_gets_an_explicit_json_answer(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    headers = {"Accept": "application/json"}
    fields = {"note": "电话问候", "kind": "phone", "expected_photos": "2"}
    first = await send_visit(as_wang, world["monitored"], fields, client_id=client_id, headers=headers)
    again = await send_visit(as_wang, world["monitored"], fields, client_id=client_id, headers=headers)
    assert first.status_code == 201
    assert first.json()["status"] == "created"
    assert again.status_code == 200
    assert again.json()["status"] == "repeated"
    assert again.json()["visit"] == first.json()["visit"]
    assert again.json()["complete"] is False


async def test_photos_arrive_one_per_request_until_the_visit_is_complete(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    answer = await send_visit(as_wang, world["monitored"], {"note": "看望", "expected_photos": "2"})
    visit_id = int(answer.headers["location"].rsplit("/", 1)[1])
    page = await as_wang.get(f"/visits/{visit_id}")
    assert "还有 2 张照片未到" in page.text
    token = csrf_token_of(page.text)
    headers = {"Accept": "application/json"}
    png = ("b.png", (FIXTURES / "photo.png").read_bytes(), "image/png")
    for photo, expected in ((JPEG, 1), (JPEG, 1), (png, 2)):  # the same photo twice is kept once
        sent = await as_wang.post(
            f"/visits/{visit_id}/photos", data={"_csrf_token": token}, files=[("photos", photo)], headers=headers
        )
        assert sent.status_code == 200
        assert sent.json()["photos"] == expected
    assert sent.json()["complete"] is True
    assert await VisitPhoto.count().where(VisitPhoto.visit == visit_id) == 2


async def test_photos_added_from_the_visits_page_say_what_happened(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """Added, already there, or none chosen: each of the three reloaded the page without a word."""
    answer = await send_visit(as_wang, world["monitored"], {"note": "看望", "expected_photos": "1"})
    visit = answer.headers["location"]
    token = csrf_token_of((await as_wang.get(visit)).text)
    for photos, told in (([JPEG], "已补传 1 张照片"), ([JPEG], "该走访已有这些照片，没有重复保存")):
        sent = await as_wang.post(f"{visit}/photos", data={"_csrf_token": token}, files=[("photos", p) for p in photos])
        assert sent.status_code == 303
        assert told in (await as_wang.get(sent.headers["location"])).text
    empty = await as_wang.post(
        f"{visit}/photos", data={"_csrf_token": token}, files=[("photos", ("", b"", "application/octet-stream"))]
    )
    assert empty.status_code == 422
    assert "请选择要补传的照片" in empty.text
    assert await VisitPhoto.count() == 1


async def test_text_and_photos_both_empty_are_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    answer = await send_visit(as_wang, world["monitored"], {"note": "  "})
    assert answer.status_code == 422
    assert "请填写做了什么，或者添加照片" in answer.text
    assert await Visit.count() == 0


async def test_a_visit_in_the_future_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    later = (datetime.now(TIMEZONE) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    answer = await send_visit(as_wang, world["monitored"], {"note": "x", "visited_at": later})
    assert answer.status_code == 422
    assert "走访时间不能晚于现在" in answer.text
    assert await Visit.count() == 0


async def test_a_few_minutes_of_clock_skew_are_accepted(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    soon = (datetime.now(TIMEZONE) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    answer = await send_visit(as_wang, world["monitored"], {"note": "x", "visited_at": soon})
    assert answer.status_code == 303


async def _refused(client: httpx.AsyncClient, world: dict[str, int], photo: tuple[str, bytes, str]) -> httpx.Response:
    answer = await send_visit(client, world["monitored"], {"note": "有照片"}, photos=[JPEG, photo])
    assert answer.status_code == 422
    assert await Visit.count() == 0, "nothing half written"
    assert await VisitPhoto.count() == 0
    return answer


async def test_a_file_that_is_not_an_image_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    answer = await _refused(as_wang, world, ("x.jpg", (FIXTURES / "not_a_photo.jpg").read_bytes(), "image/jpeg"))
    assert "不是照片" in answer.text


async def test_a_broken_image_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    answer = await _refused(as_wang, world, ("t.jpg", (FIXTURES / "truncated.jpg").read_bytes(), "image/jpeg"))
    assert "照片已损坏" in answer.text


async def test_a_decompression_bomb_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    answer = await _refused(as_wang, world, ("b.png", (FIXTURES / "bomb.png").read_bytes(), "image/png"))
    assert "像素太多" in answer.text


async def test_an_oversized_photo_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    answer = await _refused(as_wang, world, ("big.jpg", PHOTO + b"\0" * (15 * 1024 * 1024), "image/jpeg"))
    assert "照片文件太大" in answer.text


async def test_an_upload_over_the_request_limit_gets_the_413_page(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    page = await as_wang.get(f"/visits/{await _a_visit(as_wang, world)}")
    answer = await as_wang.post(
        page.url.path + "/photos",
        data={"_csrf_token": csrf_token_of(page.text)},
        files=[("photos", ("big.jpg", b"\xff" * (17 * 1024 * 1024), "image/jpeg"))],
    )
    assert answer.status_code == 413
    assert await VisitPhoto.count() == 0


async def _a_visit(client: httpx.AsyncClient, world: dict[str, int]) -> int:
    answer = await send_visit(client, world["monitored"], {"note": "看望"})
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def test_cadre_cannot_record_a_visit_to_another_cadres_household(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    assert (await as_wang.get(f"/households/{world['ordinary']}/visits/new")).status_code == 404
    page = await as_wang.get(f"/households/{world['monitored']}/visits/new")
    answer = await as_wang.post(
        f"/households/{world['ordinary']}/visits",
        data={"_csrf_token": csrf_token_of(page.text), "client_id": str(uuid.uuid4()), "note": "x", "kind": "home"},
    )
    assert answer.status_code == 404
    assert await Visit.count() == 0


async def test_measures_are_stored_with_their_amounts(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    fields: dict[str, Any] = {
        "note": "落实帮扶",
        "measure_type": ["medical", "education", ""],
        "measure_amount": ["1500.50", "", ""],
        "measure_note": ["住院报销", "助学", ""],
    }
    assert (await send_visit(as_wang, world["monitored"], fields)).status_code == 303
    rows = await VisitMeasure.select().order_by(VisitMeasure.position)
    assert [(r["type"], r["amount"] and str(r["amount"]), r["note"]) for r in rows] == [
        ("medical", "1500.50", "住院报销"),
        ("education", None, "助学"),
    ]


async def test_a_bad_amount_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    fields = {"note": "x", "measure_type": "medical", "measure_amount": "一千"}
    answer = await send_visit(as_wang, world["monitored"], fields)
    assert answer.status_code == 422
    assert await Visit.count() == 0


async def test_a_measure_note_over_its_limit_is_refused_stating_it_not_cut(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    fields = {"note": "x", "measure_type": "medical", "measure_note": "报" * 201}
    answer = await send_visit(as_wang, world["monitored"], fields)
    assert answer.status_code == 422
    assert "200" in answer.text
    assert await Visit.count() == 0


async def test_a_leader_may_record_a_visit_too(client: httpx.AsyncClient, world: dict[str, int]) -> None:
    await log_in(client, "boss")
    assert (await send_visit(client, world["ordinary"], {"note": "调研"})).status_code == 303
