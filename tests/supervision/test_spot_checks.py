"""Spot checks: planned by the inspection group, a finding recorded once at the household and assigned with a
deadline; the responsible person answers with evidence; the inspector accepts or sends back; overdue is marked."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx

from server.clock import today
from server.demo.photos import jpeg, scene
from server.supervision.tables import Finding, FindingPhoto, Rectification, SpotCheck, SpotCheckHousehold
from tests.helpers import csrf_token_of, log_in, post_form
from tests.supervision.conftest import Supervised

PHOTO = ("p.jpg", jpeg(scene("finding")), "image/jpeg")


async def plan_check(client: httpx.AsyncClient, s: Supervised) -> int:
    response = await post_form(client, "/checks/new", "/checks", {
        "title": "3月入户抽查", "checklist": "明白卡是否上墙", "planned_on": today().isoformat(),
        "villages": str(s.small.village_b), "per_village": "1", "codes": "A3"})  # fmt: skip
    assert response.status_code == 303, response.text[:300]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def send_finding(
    client: httpx.AsyncClient, check_id: int, fields: dict[str, str], **kw: object
) -> httpx.Response:
    page = await client.get(f"/checks/{check_id}")
    client_id = kw.get("client_id") or page.text.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    data = {"_csrf_token": csrf_token_of(page.text), "client_id": str(client_id), **fields}
    headers = {"Accept": "application/json"} if kw.get("json") else {}
    return await client.post(f"/checks/{check_id}/findings", data=data, files=[("photos", PHOTO)], headers=headers)


async def test_an_inspector_plans_a_check_with_drawn_and_named_households(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_insp")
    check_id = await plan_check(client, supervised)
    households = {row["household"] for row in await SpotCheckHousehold.select().where(
        SpotCheckHousehold.spot_check == check_id)}  # fmt: skip
    h = supervised.small.h
    assert h["A3"] in households
    assert len(households & {h["B1"], h["B2"]}) == 1  # one drawn in 周庄村 (B3 was never poor: not drawn)
    page = (await client.get(f"/checks/{check_id}")).text
    assert "甲户主3" in page
    assert "data-outbox-form" in page


async def test_a_finding_sent_twice_is_one_finding_with_its_photo(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_insp")
    check_id = await plan_check(client, supervised)
    client_id = str(uuid.uuid4())
    deadline = (today() + timedelta(days=15)).isoformat()
    fields = {"household": str(supervised.small.h["A3"]), "description": "明白卡未上墙",
              "responsible": str(supervised.small.m1), "deadline": deadline}  # fmt: skip
    first = await send_finding(client, check_id, fields, client_id=client_id, json=True)
    again = await send_finding(client, check_id, fields, client_id=client_id, json=True)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["photos_url"] == f"/findings/{first.json()['id']}/photos"
    assert await Finding.count() == 1
    assert await FindingPhoto.count() == 1
    assert "明白卡未上墙" in (await client.get(f"/checks/{check_id}")).text  # listed on its check
    other = await send_finding(client, check_id, {**fields, "description": "别的"}, client_id=client_id, json=True)
    assert other.status_code == 409


async def test_rectification_answered_sent_back_answered_again_and_accepted(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_insp")
    check_id = await plan_check(client, supervised)
    fields = {"household": str(supervised.small.h["A3"]), "description": "危房未改造",
              "responsible": str(supervised.small.m1), "deadline": today().isoformat()}  # fmt: skip
    sent = await send_finding(client, check_id, fields)
    assert sent.status_code == 303
    finding_id = int(sent.headers["location"].rsplit("/", 1)[1])
    await log_in(client, "t_m2")  # not responsible: cannot answer (and does not see it: another village's cadre)
    assert (await client.get(f"/findings/{finding_id}")).status_code == 404
    await log_in(client, "t_m1")
    assert 'href="/findings"' in (await client.get("/")).text  # on the responsible cadre's home
    finding_page = (await client.get(f"/findings/{finding_id}")).text
    assert 'class="app-header__back" href="/findings"' in finding_page, "back to their list, not to the check"
    assert (await client.get(f"/checks/{check_id}")).status_code == 403  # which a cadre may not open
    answer = await post_form(
        client, f"/findings/{finding_id}", f"/findings/{finding_id}/answer", {"answer": "已联系施工队"}
    )
    assert answer.status_code == 303
    twice = await post_form(client, "/me", f"/findings/{finding_id}/answer", {"answer": "再答"})  # an old page
    assert twice.status_code == 409  # one answer waits for a verdict at a time
    await log_in(client, "t_insp")
    back = await post_form(client, f"/findings/{finding_id}", f"/findings/{finding_id}/verdict",
                           {"verdict": "sent_back", "note": "缺少照片"})  # fmt: skip
    assert back.status_code == 303
    assert (await Finding.select(Finding.state).where(Finding.id == finding_id).first())["state"] == "open"
    await log_in(client, "t_m1")
    await post_form(client, f"/findings/{finding_id}", f"/findings/{finding_id}/answer", {"answer": "已完工，附照片"})
    await log_in(client, "t_insp")
    await post_form(client, f"/findings/{finding_id}", f"/findings/{finding_id}/verdict", {"verdict": "accepted"})
    assert (await Finding.select(Finding.state).where(Finding.id == finding_id).first())["state"] == "accepted"
    assert [r["verdict"] for r in await Rectification.select().order_by(Rectification.id)] == ["sent_back", "accepted"]


async def test_an_unanswered_finding_past_its_deadline_is_marked_overdue_and_the_township_sees_it(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_insp")
    check_id = await plan_check(client, supervised)
    fields = {"household": str(supervised.small.h["A3"]), "description": "走访记录与实际不符",
              "responsible": str(supervised.small.m1), "deadline": today().isoformat()}  # fmt: skip
    await send_finding(client, check_id, fields)
    await Finding.update({Finding.deadline: today() - timedelta(days=1)}).where(Finding.id > 0)
    await log_in(client, "t_admin")
    page = (await client.get("/findings")).text
    assert "走访记录与实际不符" in page
    assert "逾期" in page or "Overdue" in page


async def test_only_the_inspection_group_plans_checks_and_records_findings(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_admin")
    assert (await client.get("/checks")).status_code == 200
    assert (await client.get("/checks/new")).status_code == 403
    response = await post_form(client, "/me", "/checks", {"title": "x", "planned_on": today().isoformat()})
    assert response.status_code == 403
    assert await SpotCheck.count() == 0


async def test_the_inspection_group_reads_the_township_but_writes_nothing_of_it(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    await log_in(client, "t_insp")
    assert (await client.get("/households")).status_code == 200
    household = await client.get(f"/households/{supervised.small.h['B1']}")
    assert household.status_code == 200
    main = household.text.split('<main id="main"', 1)[1]
    for link in set(re.findall(r'href="(/[^"#]*)"', main)) - {"/outbox"}:  # nothing it may not open (a member's jobs)
        assert (await client.get(link.replace("&amp;", "&"))).status_code == 200, link
    assert "/visits/new" not in main, "no visit to record: the group writes none"
    assert (await client.get(f"/visits/{supervised.visits[0]}")).status_code == 200
    assert (await client.get("/monitoring")).status_code == 200
    assert (await client.get(f"/households/{supervised.small.h['A3']}/edit")).status_code == 403
    response = await post_form(client, f"/households/{supervised.small.h['A3']}/visits/new",
                               f"/households/{supervised.small.h['A3']}/visits", {"note": "x"})  # fmt: skip
    assert response.status_code == 403
