"""Who may see and do what: admins act, leaders read; another township's villages are 404; the notice is public-safe."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx

from server.clock import today
from server.households.tables import Household, Member
from server.identification import steps
from server.identification.steps import Actor
from server.identification.tables import Application, IdentificationSettings
from server.places.tables import Township
from tests.helpers import csrf_token_of, log_in, post_form, without_tokens
from tests.identification.conftest import add_village, head_of, household_of, in_state, new_id_number

FULL_ID = re.compile(r"\d{17}[\dX]")
MOBILE = re.compile(r"1[3-9]\d{9}")
HEALTH_WORDS = ("健康", "慢性病", "大病", "残疾", "患病")


async def test_the_printable_notice_lists_households_without_id_numbers_phones_or_health_details(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], township: dict[str, int]
) -> None:
    await IdentificationSettings.insert(
        IdentificationSettings(
            township=township["township"],
            office_name="临涧镇扶贫办",
            office_address="临涧镇政府院内",
            office_phone="0539-4521234",
        )
    )
    app_id = await in_state(admin, village, "noticed", head="孙有福")
    household = await household_of(app_id)
    head = await head_of(household["id"])
    await Household.update({Household.bank_account: "6231900000001234"}).where(Household.id == household["id"])
    response = await admin_client.get(f"/identification/villages/{village['id']}/notice")
    assert response.status_code == 200
    html = without_tokens(response.text)
    assert "孙有福" in html
    assert "贫困户识别公示" in html
    assert "公示期" in html
    assert head["id_number"][:6] + "********" + head["id_number"][-4:] not in html, "a public notice shows no ID number"
    assert ">身份证号<" not in html, "no ID number column"
    assert not FULL_ID.search(html), "a full ID number is on the notice"
    assert not MOBILE.search(html), "a mobile phone number is on the notice"
    assert "6231900000001234" not in html
    assert "1234</td>" not in html.replace(head["id_number"][-4:] + "</td>", "")
    assert not [word for word in HEALTH_WORDS if word in html]
    assert "临涧镇扶贫办" in html
    assert "0539-4521234" in html
    assert "临涧镇政府院内" in html
    assert "notice-doc" in html  # the A4 print layout


async def test_the_county_announcement_lists_the_approved_households(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    await in_state(admin, village, "approved", head="周国强")
    await in_state(admin, village, "noticed", head="吴未批")
    html = without_tokens(
        (await admin_client.get(f"/identification/villages/{village['id']}/notice?kind=announcement")).text
    )
    assert "贫困户识别结果公告" in html
    assert "周国强" in html
    assert "吴未批" not in html
    assert not FULL_ID.search(html)
    assert not MOBILE.search(html)


async def test_the_overview_shows_each_village_against_the_scale_guidance(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    await in_state(admin, village, "registered")
    html = (await admin_client.get("/identification")).text
    assert "双河村" in html
    assert "已建档立卡" in html
    assert "已识别 1 人 / 人口 900（0.1%，指导比例约 50%）" in html
    assert '<rect class="bar__fill" x="0" y="0" width="0"' in html


async def test_the_overview_counts_the_members_of_the_villages_registered_households_only(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], township: dict[str, int]
) -> None:
    registered = await household_of(await in_state(admin, village, "registered"))
    await Member.insert(
        *[Member(household=registered["id"], name=name, id_number=new_id_number()) for name in ("李小", "李二")]
    )
    pending = await household_of(await in_state(admin, village, "reviewed", head="赵五"))
    await Member.insert(Member(household=pending["id"], name="赵小", id_number=new_id_number()))
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    await in_state(admin, await add_village({**township, "township": other["id"]}, 800, name="外镇村"), "registered")
    html = (await admin_client.get("/identification")).text
    assert "已识别 3 人 / 人口 900" in html, "the head and two members; not the family still under review"
    assert "外镇村" not in html


async def test_another_townships_village_and_application_are_not_found(
    admin_client: httpx.AsyncClient, admin: Actor, township: dict[str, int]
) -> None:
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    far = await add_village({**township, "township": other["id"]}, 800, name="外镇村")
    app_id = await in_state(admin, far, "applied")
    for url in [
        f"/identification/villages/{far['id']}",
        f"/identification/villages/{far['id']}/notice",
        f"/identification/villages/{far['id']}/apply",
        f"/identification/applications/{app_id}",
    ]:
        assert (await admin_client.get(url)).status_code == 404, url
    survey = {"team": "甲、乙", "surveyed_on": "2026-05-01", "member_count": "2", "findings": "x", "eligible": "yes"}
    response = await post_form(
        admin_client, "/identification/settings", f"/identification/applications/{app_id}/survey", survey
    )
    assert response.status_code == 404


async def test_a_leader_reads_every_page_but_cannot_take_a_step(
    client: httpx.AsyncClient, make_user: Any, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "applied")
    await make_user("leader", username="ident_leader")
    await log_in(client, "ident_leader")
    for url in [
        "/identification",
        f"/identification/villages/{village['id']}",
        f"/identification/applications/{app_id}",
        f"/identification/villages/{village['id']}/notice",
        "/identification/settings",
    ]:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert 'method="post" action="/identification' not in response.text, f"{url} offers a leader a step"
    token = csrf_token_of((await client.get("/me")).text)
    survey = {"team": "甲、乙", "surveyed_on": "2026-05-01", "member_count": "2", "findings": "x", "eligible": "yes"}
    response = await client.post(f"/identification/applications/{app_id}/survey", data={**survey, "_csrf_token": token})
    assert response.status_code == 403
    assert (await client.get(f"/identification/villages/{village['id']}/apply")).status_code == 403


async def test_a_cadre_cannot_open_the_identification_pages(
    client: httpx.AsyncClient, make_user: Any, village: dict[str, Any]
) -> None:
    await make_user("cadre", username="ident_cadre")
    await log_in(client, "ident_cadre")
    assert (await client.get("/identification")).status_code == 403
    assert (await client.get(f"/identification/villages/{village['id']}")).status_code == 403


async def test_a_new_notice_does_not_hide_one_still_open_to_objections(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    ended = await in_state(admin, village, "noticed", head="甲已结束")  # its notice ended yesterday
    ended_notice = (await Application.select(Application.notice).where(Application.id == ended).first())["notice"]
    running = await in_state(admin, village, "appraised", head="刘芳")
    newest = await in_state(admin, village, "appraised", head="申请人乙")
    this_week = {
        "starts_on": today() - timedelta(days=2),
        "ends_on": today() + timedelta(days=4),
        "posted_at": "公示栏",
    }
    running_notice = await steps.start_notice(admin, village["id"], [running], this_week)
    next_week = {"starts_on": today(), "ends_on": today() + timedelta(days=6), "posted_at": "公示栏"}
    await steps.start_notice(admin, village["id"], [newest], next_week)
    page = (await admin_client.get(f"/identification/villages/{village['id']}")).text
    assert f'id="notice-{running_notice}"' in page, "刘芳's notice runs till next week: objections may still come"
    assert page.count('action="/identification/notices/') == 2
    assert f'id="notice-{ended_notice}"' not in page, "ended, and not the latest"
    printed = (await admin_client.get(f"/identification/villages/{village['id']}/notice?notice={running_notice}")).text
    assert "刘芳" in printed
    assert "申请人乙" not in printed
    latest = (await admin_client.get(f"/identification/villages/{village['id']}/notice")).text
    assert "申请人乙" in latest
