"""What people see: distance for leaders only, the timeline, photos within scope, corrections, ledgers."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from server.audit.actions import DOOR_CARD
from server.audit.tables import AuditEvent
from server.clock import TIMEZONE
from server.identification.steps import Actor
from server.monitoring import steps as risk_steps
from server.visits.tables import FollowUp, Visit, VisitMeasure, VisitPhoto
from tests.helpers import csrf_token_of, log_in
from tests.visits.conftest import PHOTO, send_visit

JPEG = ("photo.jpg", PHOTO, "image/jpeg")


async def record(client: httpx.AsyncClient, household: int, **fields: str) -> int:
    answer = await send_visit(client, household, {"note": "看望", **fields}, photos=[JPEG])
    assert answer.status_code == 303, answer.text[:500]
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def test_leaders_see_the_distance_to_the_household_and_cadres_do_not(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    visit_id = await record(client, world["monitored"], latitude="35.3100", longitude="117.8000")
    assert "data-distance" not in (await client.get(f"/visits/{visit_id}")).text
    assert "data-distance" not in (await client.get(f"/households/{world['monitored']}/timeline")).text
    await log_in(client, "boss")
    page = await client.get(f"/visits/{visit_id}")
    assert "距农户 1.0 km" in page.text  # 35.31 vs the household's 35.301: 1.0 km; never refused
    assert "距农户" in (await client.get(f"/households/{world['monitored']}/timeline")).text


async def test_without_a_recorded_place_the_photos_gps_gives_the_distance(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    visit_id = await record(client, world["monitored"])
    await log_in(client, "boss")
    assert "距农户 144 m" in (await client.get(f"/visits/{visit_id}")).text


async def test_the_visit_list_shows_the_cadres_newest_30_visits_of_households_in_their_scope(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    same_time = start + timedelta(days=40)
    ids = []
    for day in [*range(34), 40, 40]:  # two visits at the same time: the later id first
        at = start + timedelta(days=day)
        [row] = await Visit.insert(
            Visit(household=world["monitored"], cadre=world["wang"], visited_at=at, note=f"v{day}")
        ).returning(Visit.id)
        ids.append(row["id"])
    # Newer, but of a household wang may not open (li's) and by li: neither is wang's list.
    await Visit.insert(
        Visit(household=world["ordinary"], cadre=world["wang"], visited_at=same_time + timedelta(days=1)),
        Visit(household=world["monitored"], cadre=world["li"], visited_at=same_time + timedelta(days=2)),
    )
    await log_in(client, "wang")
    page = (await client.get("/visits")).text
    listed = [int(found) for found in re.findall(r'<a class="cell visit-cell" href="/visits/(\d+)"', page)]
    assert listed == [ids[-1], ids[-2], *reversed(ids[6:34])]
    await log_in(client, "boss")  # the township's: li's newest first
    page = (await client.get("/visits")).text
    listed = [int(found) for found in re.findall(r'<a class="cell visit-cell" href="/visits/(\d+)"', page)]
    assert len(listed) == 30
    assert listed[2:4] == [ids[-1], ids[-2]]


async def test_the_timeline_shows_visits_measures_photos_follow_ups_and_changes(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    visit_id = await record(as_wang, world["monitored"], measure_type="medical", measure_amount="300")
    photo = await VisitPhoto.select().where(VisitPhoto.visit == visit_id).first()
    edit = await as_wang.get(f"/visits/{visit_id}/edit")
    await as_wang.post(
        f"/visits/{visit_id}/edit",
        data={"_csrf_token": csrf_token_of(edit.text), "version": "1", "kind": "home", "note": "看望并送药",
              "visited_at": edit.text.split('type="datetime-local" value="')[1][:16],
              "measure_type": "medical", "measure_amount": "300"},
    )  # fmt: skip
    page = await as_wang.get(f"/households/{world['monitored']}/timeline")
    assert page.status_code == 200
    text = page.text
    assert '<h2 class="section-title">走访与回访</h2>' in text, "the visits' section is titled as visits"
    assert "变更记录" not in text
    assert "入户走访" in text
    assert "看望并送药" in text
    assert "医疗扶持" in text
    assert "300.00" in text
    assert f"/media/visits/{photo['id']}/thumb" in text
    assert f'href="/media/visits/{photo["id"]}"' in text
    assert "定期回访" in text, "the next follow-up"
    assert "走访记录已修改" in text
    assert "看望 → 看望并送药" in text


async def test_photos_are_served_only_to_those_who_may_see_the_household(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    visit_id = await record(client, world["monitored"])
    photo = await VisitPhoto.select().where(VisitPhoto.visit == visit_id).first()
    own = await client.get(f"/media/visits/{photo['id']}/thumb")
    assert own.status_code == 200
    assert own.headers["content-type"] == "image/jpeg"
    await log_in(client, "li")
    assert (await client.get(f"/media/visits/{photo['id']}")).status_code == 404
    assert (await client.get(f"/media/visits/{photo['id']}/thumb")).status_code == 404
    assert (await client.get(f"/visits/{visit_id}")).status_code == 404
    assert (await client.get(f"/households/{world['monitored']}/timeline")).status_code == 404
    await log_in(client, "boss")
    assert (await client.get(f"/media/visits/{photo['id']}")).status_code == 200


async def edit(client: httpx.AsyncClient, visit_id: int, version: str, note: str) -> httpx.Response:
    page = await client.get("/me")
    return await client.post(
        f"/visits/{visit_id}/edit",
        data={"_csrf_token": csrf_token_of(page.text), "version": version, "kind": "phone", "note": note,
              "visited_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="minutes")},
    )  # fmt: skip


async def test_a_correction_is_kept_with_old_and_new_values(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    visit_id = await record(as_wang, world["monitored"])
    answer = await edit(as_wang, visit_id, "1", "电话问候")
    assert answer.status_code == 303
    row = await Visit.select().where(Visit.id == visit_id).first()
    assert row["note"] == "电话问候"
    assert row["kind"] == "phone"
    assert row["version"] == 2
    event = await AuditEvent.select().where(AuditEvent.action == "visit_edited").output(load_json=True).first()
    assert event["detail"]["changes"]["note"] == ["看望", "电话问候"]
    assert event["detail"]["changes"]["kind"] == ["home", "phone"]


async def test_an_edit_from_a_stale_page_is_refused(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    visit_id = await record(as_wang, world["monitored"])
    assert (await edit(as_wang, visit_id, "1", "第一次修改")).status_code == 303
    stale = await edit(as_wang, visit_id, "1", "旧页面的修改")
    assert stale.status_code == 409
    assert "您的修改未保存" in stale.text
    assert (await Visit.select(Visit.note).where(Visit.id == visit_id).first())["note"] == "第一次修改"


async def test_a_visit_can_be_corrected_only_for_7_days_by_its_cadre(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await log_in(client, "wang")
    visit_id = await record(client, world["monitored"])
    await log_in(client, "boss")
    assert (await edit(client, visit_id, "1", "领导改的")).status_code == 403
    await log_in(client, "wang")
    await Visit.update({Visit.created_at: datetime.now(UTC) - timedelta(days=8)}).where(Visit.id == visit_id)
    assert (await client.get(f"/visits/{visit_id}/edit")).status_code == 403
    assert (await edit(client, visit_id, "1", "太晚了")).status_code == 403
    assert (await Visit.select(Visit.note).where(Visit.id == visit_id).first())["note"] == "看望"


async def test_the_monthly_log_lists_the_visit_and_downloads_as_safe_xlsx(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await record(as_wang, world["monitored"], measure_type="condolence", measure_amount="200",
                 problems="=HYPERLINK(\"http://x\")")  # fmt: skip
    page = await as_wang.get("/visits/ledger/monthly")
    assert "张三" in page.text
    assert "慰问" in page.text
    download = await as_wang.get("/visits/ledger/monthly.xlsx")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    sheet = load_workbook(BytesIO(download.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert header[:4] == ["日期", "农户", "村", "方式"]
    assert row[3] == "入户走访"
    assert row[4] == "看望"
    assert "200.00" in row[5]
    assert row[6] == '\'=HYPERLINK("http://x")', "never a formula"
    assert sheet.cell(2, 7).data_type == "s"
    assert await AuditEvent.count().where(AuditEvent.action == "export") == 1


@pytest.mark.parametrize("viewer", ["boss", "office"])
async def test_a_leader_or_the_office_opens_a_cadres_monthly_log_and_its_xlsx(
    as_wang: httpx.AsyncClient, world: dict[str, int], make_user: Any, viewer: str
) -> None:
    await make_user("admin", username="office")
    await record(as_wang, world["monitored"], measure_type="condolence", measure_amount="200")
    await log_in(as_wang, viewer)
    page = await as_wang.get(f"/visits/ledger/monthly?cadre={world['wang']}")
    assert page.status_code == 200
    assert "王干部" in page.text
    assert "张三" in page.text
    download = await as_wang.get(f"/visits/ledger/monthly.xlsx?cadre={world['wang']}")
    assert download.status_code == 200
    row = [cell.value for cell in load_workbook(BytesIO(download.content)).active[2]]
    assert row[3] == "入户走访"


async def test_the_assistance_manual_lists_measures_with_amounts(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await record(as_wang, world["monitored"], measure_type=["medical", "dibao"], measure_amount=["300", "150.5"])  # type: ignore[arg-type]
    page = await as_wang.get(f"/households/{world['monitored']}/manual")
    assert "医疗扶持" in page.text
    assert "450.50" in page.text
    download = await as_wang.get(f"/households/{world['monitored']}/manual.xlsx")
    sheet = load_workbook(BytesIO(download.content)).active
    assert [sheet.cell(r, 3).value for r in (2, 3)] == [300, 150.5]
    assert sheet.cell(2, 6).value == "王干部"
    await log_in(as_wang, "li")
    assert (await as_wang.get(f"/households/{world['monitored']}/manual.xlsx")).status_code == 404


async def partition_of(visit_id: int) -> str:
    rows = await Visit.raw("SELECT tableoid::regclass::text AS partition FROM visit WHERE id = {}", visit_id)
    return str(rows[0]["partition"])


def last_year_end() -> str:
    """The last evening of last year, as the form writes it: within the year a visit may be back, in another partition
    (visits are partitioned by year)."""
    return f"{datetime.now(TIMEZONE).year - 1}-12-31T23:00"


async def test_a_visit_whose_day_is_corrected_into_last_year_keeps_its_measures_photos_and_follow_ups(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    visit_id = await record(as_wang, world["monitored"], measure_type="medical", measure_amount="300")
    photo = await VisitPhoto.select().where(VisitPhoto.visit == visit_id).first()
    closed = await FollowUp.count().where(FollowUp.closed_by_visit == visit_id)
    before = await partition_of(visit_id)
    edit = await as_wang.get(f"/visits/{visit_id}/edit")
    answer = await as_wang.post(
        f"/visits/{visit_id}/edit",
        data={"_csrf_token": csrf_token_of(edit.text), "version": "1", "kind": "home", "note": "看望",
              "visited_at": last_year_end(), "measure_type": "medical", "measure_amount": "300"},
    )  # fmt: skip
    assert answer.status_code == 303
    assert await partition_of(visit_id) != before, "the visit moved to the partition of its corrected day"
    assert await VisitMeasure.count().where(VisitMeasure.visit == visit_id) == 1
    assert await VisitPhoto.count().where(VisitPhoto.visit == visit_id) == 1
    assert await FollowUp.count().where(FollowUp.closed_by_visit == visit_id) == closed
    page = await as_wang.get(f"/households/{world['monitored']}/timeline")
    assert f"/media/visits/{photo['id']}/thumb" in page.text
    assert "300.00" in page.text


async def test_the_same_form_sent_with_a_day_of_another_year_is_still_one_visit(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    client_id = str(uuid.uuid4())
    fields = {"note": "看望", "visited_at": last_year_end()}
    first = await send_visit(as_wang, world["monitored"], fields, client_id=client_id)
    assert first.status_code == 303
    again = await send_visit(as_wang, world["monitored"], {"note": "看望"}, client_id=client_id)
    assert again.status_code == 409, "another day is other content: nothing overwritten"
    assert await Visit.count().where(Visit.client_id == uuid.UUID(client_id)) == 1


def timeline_visits(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<a class="timeline__title" href="/visits/(\d+)"', page)]


async def test_the_timeline_shows_30_entries_a_page_and_older_ones_follow_each_once(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    start = datetime(2025, 3, 1, 9, tzinfo=UTC)
    ids = []
    for day in [*range(68), 70, 70]:  # two visits at the same time: the later id first
        [row] = await Visit.insert(
            Visit(household=world["monitored"], cadre=world["wang"], visited_at=start + timedelta(days=day))
        ).returning(Visit.id)
        ids.append(row["id"])
    newest_first = [*reversed(ids)]
    path = f"/households/{world['monitored']}/timeline"
    first = (await as_wang.get(path)).text
    assert timeline_visits(first) == newest_first[:30]
    assert f'href="{path}?page=2"' in first
    assert "更早的记录" in first
    second = await as_wang.get(f"{path}?page=2", headers={"HX-Request": "true"})
    assert "<html" not in second.text, "more brings the entries alone"
    assert timeline_visits(second.text) == newest_first[30:60]
    assert f'href="{path}?page=3"' in second.text
    third = (await as_wang.get(f"{path}?page=3")).text  # without JavaScript: the whole page of the older ones
    assert "<html" in third
    assert timeline_visits(third) == newest_first[60:]
    assert "更早的记录" not in third
    assert (await as_wang.get(f"{path}?page=0")).status_code == 400


async def test_a_recent_correction_of_an_old_visit_shows_on_the_first_page_of_the_timeline(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    corrected = await record(as_wang, world["monitored"])
    assert (await edit(as_wang, corrected, "1", "看望并补记")).status_code == 303
    await Visit.update({Visit.visited_at: datetime(2025, 1, 6, 9, tzinfo=UTC)}).where(Visit.id == corrected)
    for day in range(40):
        await Visit.insert(
            Visit(household=world["monitored"], cadre=world["wang"], visited_at=datetime(2025, 6, 1, tzinfo=UTC)
                  + timedelta(days=day))
        )  # fmt: skip
    first = (await as_wang.get(f"/households/{world['monitored']}/timeline")).text
    assert corrected not in timeline_visits(first), "the visit itself is on a later page"
    assert "走访记录已修改" in first
    assert "看望 → 看望并补记" in first


async def test_a_risk_reported_through_the_door_card_reads_in_words_on_the_timeline(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    door_card = Actor(id=None, label=DOOR_CARD, ip="203.0.113.9")
    await risk_steps.open_case(door_card, world["monitored"], "reported", datetime.now(UTC).date(), note="家里有人生病")
    page = (await as_wang.get(f"/households/{world['monitored']}/timeline")).text
    assert "防返贫监测：发现风险 · 帮扶联系卡" in page, "the step and who took it, named"
    assert "发现日期" in page
    assert "风险发现方式" in page
    assert "发现日期、状态、风险发现方式" in page
    for raw in ("door card", "risk_found", "risk_state", "found_on"):
        assert raw not in page
    history = (await as_wang.get(f"/households/{world['monitored']}")).text.split('id="history"')[1]
    assert "防返贫监测：发现风险" in history, "the household's history names the step as the timeline does"
    assert "帮扶联系卡" in history
    assert "风险发现方式" in history
    assert "群众反映/主动申报" in history, "the source's value by its label"
    for raw in ("door card", "risk_found", "risk_state", "found_on", ">reported<", "→ reported"):
        assert raw not in history
