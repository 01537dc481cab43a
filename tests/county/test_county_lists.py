"""The county approves identification on the list the township sent; the township reads each decision and reason."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from server.audit.tables import AuditEvent
from server.clock import today
from server.county.tables import Submission, SubmissionItem
from server.identification.steps import Actor
from server.identification.tables import Application
from server.monitoring.tables import RiskCase
from server.places.tables import County
from tests.helpers import csrf_token_of, log_in, without_tokens
from tests.identification.conftest import head_of, household_of, in_state
from tests.pairing.conftest import add_household

FULL_ID = re.compile(r"\d{17}[\dX]")
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


async def post(client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Post as the page's htmx would: with the CSRF token every page carries (not every page has a form)."""
    match = HEADER_TOKEN.search((await client.get(page_url)).text)
    assert match, "the page carries no CSRF token"
    return await client.post(action, data={**data, "_csrf_token": match.group(1)})


@pytest.fixture
async def county_office(make_user: Any, township: dict[str, int]) -> int:
    return await make_user(
        "county", username="xian", display_name="周主任", township_id=None, county_id=township["county"]
    )


async def state_of(app_id: int) -> str:
    row = await Application.select(Application.state).where(Application.id == app_id).first()
    assert row is not None
    return str(row["state"])


async def sent_list(client: httpx.AsyncClient) -> int:
    """The township admin (logged in on `client`) sends what is ready; the new list's id."""
    response = await post(client, "/submissions", "/submissions", {})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_the_county_approves_one_household_sends_one_back_and_the_township_reads_why(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], county_office: int
) -> None:
    approved_app = await in_state(admin, village, "reviewed", head="周国强")
    returned_app = await in_state(admin, village, "reviewed", head="吴退回")
    head = await head_of((await household_of(approved_app))["id"])
    ready = await admin_client.get("/submissions")
    assert "2" in ready.text
    assert 'id="submit-form"' in ready.text
    list_id = await sent_list(admin_client)

    await log_in(admin_client, "xian")
    lists = await admin_client.get("/county/lists")
    assert lists.status_code == 200
    assert f'data-list="{list_id}"' in lists.text
    assert "临涧镇" in lists.text
    page = await admin_client.get(f"/county/lists/{list_id}")
    html = without_tokens(page.text)
    assert "周国强" in html
    assert "吴退回" in html
    assert head["id_number"][:6] + "********" + head["id_number"][-4:] in html
    assert not FULL_ID.search(html), "the county reads masked ID numbers only"
    assert "13912345678" not in html, "no phone on the county's list"
    assert "30 人参会" in html, "the appraisal record is attached"
    day = r'<span class="nowrap">\d{4}-\d\d-\d\d</span>'
    assert re.search(f"{day} – {day}", html), "a phone breaks the notice's period between its days, never inside one"
    items = {
        row["subject"]: row["id"] for row in await SubmissionItem.select().where(SubmissionItem.submission == list_id)
    }
    decision = {
        "on": today().isoformat(),
        "document": "平扶发〔2026〕7号",
        f"decision_{items[approved_app]}": "approve",
        f"decision_{items[returned_app]}": "return",
        f"reason_{items[returned_app]}": "家庭收入核实有误，请重新核实务工收入",
    }
    response = await admin_client.post(
        f"/county/lists/{list_id}/decision", data={**decision, "_csrf_token": csrf_token_of(page.text)}
    )
    assert response.status_code == 303
    assert (await state_of(approved_app), await state_of(returned_app)) == ("approved", "noticed")
    audited = await AuditEvent.select().where(AuditEvent.action == "county_decided").first()
    assert audited is not None
    assert audited["actor_label"] == "xian"
    detail = audited["detail"] if isinstance(audited["detail"], dict) else json.loads(audited["detail"])
    assert {row["head_name"] for row in detail["list"]} == {"周国强", "吴退回"}, "the list as it stood"
    assert [d["reason"] for d in detail["decisions"] if not d["approved"]] == ["家庭收入核实有误，请重新核实务工收入"]

    await log_in(admin_client, "ident_admin")
    township_view = (await admin_client.get(f"/submissions/{list_id}")).text
    assert "家庭收入核实有误" in township_view
    assert "退回乡镇" in township_view
    assert "平扶发〔2026〕7号" in township_view
    application = (await admin_client.get(f"/identification/applications/{returned_app}")).text
    assert "县级退回：家庭收入核实有误" in application


async def test_a_township_admin_cannot_take_the_county_approval(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "reviewed")
    page = f"/identification/applications/{app_id}"
    response = await post(admin_client, page, f"{page}/approve", {"on": today().isoformat(), "document": "x"})
    assert response.status_code == 403
    assert "县级审批由县扶贫办在乡镇报送的名单上进行" in response.text
    assert await state_of(app_id) == "reviewed"
    assert f'action="/identification/applications/{app_id}/approve"' not in (await admin_client.get(page)).text


async def test_a_county_office_cannot_open_or_decide_another_countys_list(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], make_user: Any
) -> None:
    await in_state(admin, village, "reviewed")
    list_id = await sent_list(admin_client)
    [fei] = await County.insert(County(name="费县", code="371325000000"))
    await make_user("county", username="feixian", township_id=None, county_id=fei["id"])
    await log_in(admin_client, "feixian")
    assert (await admin_client.get(f"/county/lists/{list_id}")).status_code == 404
    decided = await post(admin_client, "/county/lists", f"/county/lists/{list_id}/decision", {})
    assert decided.status_code == 404
    assert (await Submission.select(Submission.state).first())["state"] == "submitted"  # type: ignore[index]


async def test_sending_a_household_back_without_a_reason_is_refused_and_nothing_is_written(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], county_office: int
) -> None:
    app_id = await in_state(admin, village, "reviewed")
    list_id = await sent_list(admin_client)
    await log_in(admin_client, "xian")
    item = (await SubmissionItem.select(SubmissionItem.id).first())["id"]  # type: ignore[index]
    page = f"/county/lists/{list_id}"
    data = {"on": today().isoformat(), "document": "", f"decision_{item}": "return", f"reason_{item}": " "}
    response = await post(admin_client, page, f"{page}/decision", data)
    assert response.status_code == 422
    assert "请说明退回该户的理由" in response.text
    assert await state_of(app_id) == "reviewed"
    assert (await SubmissionItem.select(SubmissionItem.decision).first())["decision"] == "pending"  # type: ignore[index]
    future = {
        **data,
        f"decision_{item}": "approve",
        "document": "平扶发1号",
        "on": (today() + timedelta(days=2)).isoformat(),
    }
    assert (await post(admin_client, page, f"{page}/decision", future)).status_code == 422


async def test_a_household_awaiting_the_county_is_on_one_list_only(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], township: dict[str, int]
) -> None:
    await in_state(admin, village, "reviewed")
    list_id = await sent_list(admin_client)
    again = await post(admin_client, "/submissions", "/submissions", {})
    assert again.status_code == 409
    assert "没有等待报县的名单" in again.text
    item = await SubmissionItem.select().first()
    assert item is not None
    assert item["submission"] == list_id
    [other] = await Submission.insert(Submission(township=township["township"], kind="identification"))
    with pytest.raises(asyncpg.UniqueViolationError):  # two lists sent at the same moment: the database refuses one
        await SubmissionItem.insert(
            SubmissionItem(
                submission=other["id"], kind="identification", subject=item["subject"], household=item["household"]
            )
        )


async def test_the_county_announces_what_it_approved_and_prints_it_without_full_id_numbers(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], county_office: int
) -> None:
    await in_state(admin, village, "reviewed", head="孙公告")
    list_id = await sent_list(admin_client)
    await log_in(admin_client, "xian")
    page = f"/county/lists/{list_id}"
    early = await post(
        admin_client, page, f"{page}/announcement", {"starts_on": today().isoformat(), "ends_on": today().isoformat()}
    )
    assert early.status_code == 409
    assert "尚未作出决定" in early.text
    item = (await SubmissionItem.select(SubmissionItem.id).first())["id"]  # type: ignore[index]
    decision = {"on": today().isoformat(), "document": "平扶发〔2026〕8号", f"decision_{item}": "approve"}
    assert (await post(admin_client, page, f"{page}/decision", decision)).status_code == 303
    dates = {"starts_on": today().isoformat(), "ends_on": (today() + timedelta(days=6)).isoformat()}
    assert (await post(admin_client, page, f"{page}/announcement", dates)).status_code == 303
    printed = without_tokens((await admin_client.get(f"{page}/announcement")).text)
    assert "孙公告" in printed
    assert "平扶发〔2026〕8号" in printed
    assert "notice-doc" in printed
    assert not FULL_ID.search(printed)
    assert "********" not in printed, "a public announcement shows no ID number, not even masked"
    assert ">身份证号<" not in printed
    assert await AuditEvent.exists().where(AuditEvent.action == "county_announced")
    twice = await post(admin_client, page, f"{page}/announcement", dates)
    assert twice.status_code == 409


async def test_township_staff_cannot_open_the_county_desk(admin_client: httpx.AsyncClient) -> None:
    assert (await admin_client.get("/county/lists")).status_code == 403


async def noticed_case(household: int) -> int:
    """A risk case whose village notice ended yesterday: ready for confirmation."""
    found = today() - timedelta(days=10)
    [row] = await RiskCase.insert(
        RiskCase(
            household=household,
            state="noticed",
            source="reported",
            found_on=found,
            notice_starts_on=found,
            notice_ends_on=today() - timedelta(days=1),
        )
    )
    return int(row["id"])


async def test_the_county_confirms_a_monitored_household_the_township_proposed_and_sends_another_back(
    admin_client: httpx.AsyncClient, village: dict[str, Any], county_office: int
) -> None:
    confirmed = await noticed_case(await add_household(village["id"], "M1", "冯监测"))
    returned = await noticed_case(await add_household(village["id"], "M2", "陈退回"))
    page = f"/monitoring/cases/{confirmed}"
    assert 'id="county-confirm-form"' in (await admin_client.get(page)).text
    wrong = await post(admin_client, page, f"/submissions/monitoring/{confirmed}", {"monitoring_type": "rich"})
    assert wrong.status_code == 409
    assert "请选择拟认定的监测对象类型" in wrong.text
    first = await post(admin_client, page, f"/submissions/monitoring/{confirmed}", {"monitoring_type": "marginal"})
    second = await post(admin_client, page, f"/submissions/monitoring/{returned}", {"monitoring_type": "sudden"})
    assert (first.status_code, second.status_code) == (303, 303)
    assert "等待县级决定" in (await admin_client.get(page)).text

    await log_in(admin_client, "xian")
    lists = {row["subject"]: row for row in await SubmissionItem.select()}
    for subject, decision in ((confirmed, {"decision": "approve"}), (returned, {"decision": "return"})):
        item = lists[subject]
        url = f"/county/lists/{item['submission']}"
        listed = (await admin_client.get(url)).text
        assert "边缘易致贫户" in listed or "突发严重困难户" in listed, "the proposed type is on the list"
        data = {"on": today().isoformat(), "document": "", f"decision_{item['id']}": decision["decision"]}
        data[f"reason_{item['id']}"] = "请补充突发困难的证明材料" if decision["decision"] == "return" else ""
        assert (await post(admin_client, url, f"{url}/decision", data)).status_code == 303
    case = await RiskCase.select().where(RiskCase.id == confirmed).first()
    assert case is not None
    assert (case["state"], case["monitoring_type"]) == ("monitored", "marginal")
    assert (await RiskCase.select(RiskCase.state).where(RiskCase.id == returned).first())["state"] == "noticed"  # type: ignore[index]

    await log_in(admin_client, "ident_admin")
    back = (await admin_client.get(f"/monitoring/cases/{returned}")).text
    assert "县级退回：请补充突发困难的证明材料" in back
    assert 'id="county-confirm-form"' in back, "the township may send it again"
