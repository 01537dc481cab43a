"""Each step of an application over HTTP as the admin: what is stored, and what is refused with its reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.audit.tables import AuditEvent
from server.clock import today
from server.county import submissions
from server.county.submissions import ItemDecision
from server.county.tables import SubmissionItem
from server.households.tables import Household
from server.identification import steps
from server.identification.steps import Actor
from server.identification.tables import Application, ApplicationStep, Objection, VillageNotice
from tests.helpers import post_form
from tests.identification.conftest import head_of, household_of, in_state, new_id_number

PAST = (today() - timedelta(days=30)).isoformat()


async def state_of(app_id: int) -> str:
    row = await Application.select(Application.state).where(Application.id == app_id).first()
    assert row is not None
    return str(row["state"])


async def post(client: httpx.AsyncClient, _page: str, action: str, data: dict[str, Any]) -> httpx.Response:
    """Post with the CSRF token of a page every admin has a form on (the settings page)."""
    return await post_form(client, "/identification/settings", action, data)


def survey_data(team: str = "王一、王二、王三", eligible: str = "yes") -> dict[str, str]:
    return {
        "team": team,
        "surveyed_on": PAST,
        "member_count": "3",
        "findings": "房屋漏雨，收入低",
        "eligible": eligible,
        "strike_reason": "" if eligible == "yes" else "家有轿车",
    }


def meeting_data(app_id: int, present: int = 30, passed: str = "yes") -> dict[str, Any]:
    return {
        "held_on": PAST,
        "representatives_present": str(present),
        "place": "村委会",
        "application": str(app_id),
        f"votes_for_{app_id}": "25" if passed == "yes" else "5",
        f"votes_against_{app_id}": "2" if passed == "yes" else "22",
        f"passed_{app_id}": passed,
        f"reason_{app_id}": "" if passed == "yes" else "评议未通过",
    }


async def test_the_admin_takes_a_new_family_from_application_to_registered(
    admin_client: httpx.AsyncClient, village: dict[str, Any]
) -> None:
    v = village["id"]
    group = (await admin_client.get(f"/identification/villages/{v}/apply")).text.split('name="group"')[1]
    group_id = group.split('<option value="')[2].split('"')[0]
    response = await post(
        admin_client,
        f"/identification/villages/{v}/apply",
        f"/identification/villages/{v}/apply",
        {
            "group": group_id,
            "head_name": "赵大山",
            "id_number": new_id_number(),
            "phone": "13800001111",
            "member_count": "4",
            "main_cause": "illness",
            "attribute": "general",
            "reason": "妻子患病",
            "declared_income": "2500",
        },
    )
    assert response.status_code == 303
    app_page = response.headers["location"]
    app_id = int(app_page.rsplit("/", 1)[1])
    household = await household_of(app_id)
    assert household["status"] == "none"
    assert (await head_of(household["id"]))["initials"] == "zds"

    assert (await post(admin_client, app_page, f"{app_page}/survey", survey_data())).status_code == 303
    assert (await post(admin_client, app_page, f"{app_page}/shortlist", {})).status_code == 303
    meeting = await post(admin_client, app_page, f"/identification/villages/{v}/meeting", meeting_data(app_id))
    assert meeting.status_code == 303
    notice = {
        "starts_on": (today() - timedelta(days=8)).isoformat(),
        "ends_on": (today() - timedelta(days=1)).isoformat(),
        "posted_at": "村委会公示栏",
        "application": str(app_id),
    }
    assert (await post(admin_client, app_page, f"/identification/villages/{v}/notices", notice)).status_code == 303
    assert await state_of(app_id) == "noticed"
    notice_id = (await Application.select(Application.notice).where(Application.id == app_id).first())["notice"]  # type: ignore[index]
    objection = {"received_on": PAST, "content": "他家有人在外打工", "raised_by": "", "application": str(app_id)}
    assert (
        await post(admin_client, app_page, f"/identification/notices/{notice_id}/objections", objection)
    ).status_code == 303
    objection_id = (await Objection.select(Objection.id).first())["id"]  # type: ignore[index]
    answer = {"answer": "经核实，务工收入已计入，仍低于标准", "answered_on": today().isoformat()}
    assert (
        await post(admin_client, app_page, f"/identification/objections/{objection_id}/answer", answer)
    ).status_code == 303
    review = {"on": today().isoformat(), "passed": "yes", "note": ""}
    assert (await post(admin_client, app_page, f"{app_page}/review", review)).status_code == 303
    sent = await post(admin_client, app_page, "/submissions", {})
    assert sent.status_code == 303, "the township sends its reviewed households to the county"
    [item] = await SubmissionItem.select(SubmissionItem.id, SubmissionItem.submission)
    approval = {item["id"]: ItemDecision(approved=True)}
    county = Actor(id=None, label="xian")
    await submissions.decide(county, item["submission"], today(), "平扶发〔2026〕3号", approval)
    waiting = await admin_client.get(app_page)
    assert "县扶贫办尚未公告" in waiting.text, "the township reads why it cannot register yet"
    assert f'href="/submissions/{item["submission"]}"' in waiting.text
    assert (await post(admin_client, app_page, f"{app_page}/register", {})).status_code == 409
    await submissions.announce(county, item["submission"], today() - timedelta(days=7), today() - timedelta(days=1))
    assert (await post(admin_client, app_page, f"{app_page}/register", {})).status_code == 303

    household = await household_of(app_id)
    assert (household["status"], household["identified_year"]) == ("not_out", today().year)
    recorded = (
        await ApplicationStep.select(ApplicationStep.step, ApplicationStep.actor_label)
        .where(ApplicationStep.application == app_id)
        .order_by(ApplicationStep.id)
    )
    assert [row["step"] for row in recorded] == [
        "apply",
        "survey",
        "shortlist",
        "appraise",
        "notice",
        "review",
        "approve",
        "register",
    ]
    assert {row["actor_label"]: row["step"] for row in recorded if row["step"] == "approve"} == {"xian": "approve"}
    assert {row["actor_label"] for row in recorded if row["step"] != "approve"} == {"ident_admin"}
    audited = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.target_type == "household") & (AuditEvent.target_id == str(household["id"]))
    )
    assert {"identification_register", "identification_survey", "household_updated"} <= {r["action"] for r in audited}
    page = (await admin_client.get(app_page)).text
    assert "已建档立卡" in page
    assert "入户调查" in page
    taken = page.split("办理记录")[1]
    assert taken.count("· 张建华") == 7, "each step names who took it as people know them, not by a login name"
    assert "ident_admin" not in taken
    period = f'<span class="nowrap">{notice["starts_on"]}</span> – <span class="nowrap">{notice["ends_on"]}</span>'
    assert period in page, "a narrow phone breaks the notice's period between its days, never inside one"
    history = (await admin_client.get(f"/households/{household['id']}")).text.split('id="history"')[1]
    assert "入户调查组成员: — → 王一、王二、王三" in history, "each step's fields read as the audit page reads them"
    assert "赞成票: — → 25" in history
    assert "申请状态: 已申请 → " in history
    for field in ("identification_state", "survey_team", "votes_for", "surveyed_on", "['"):
        assert field not in history


OUT_OF_ORDER = [
    ("applied", "shortlist", "尚未完成入户调查，不能进行初选"),
    ("applied", "meeting", "尚未完成入户调查，不能进行民主评议"),
    ("surveyed", "meeting", "尚未完成初选，不能进行民主评议"),
    ("preliminary", "notice", "尚未完成民主评议，不能进行村级公示"),
    ("appraised", "review", "尚未完成村级公示，不能进行乡镇审核"),
    ("reviewed", "register", "尚未完成县级审批，不能进行建档立卡登记"),
    ("preliminary", "survey", "该申请已完成入户调查，不能重复进行"),
    ("registered", "register", "该户已纳入建档立卡，不能进行建档立卡登记"),
]


def step_request(step: str, app_id: int, village_id: int) -> tuple[str, dict[str, Any]]:
    base = f"/identification/applications/{app_id}"
    day = today().isoformat()
    return {
        "survey": (f"{base}/survey", survey_data()),
        "shortlist": (f"{base}/shortlist", {}),
        "meeting": (f"/identification/villages/{village_id}/meeting", meeting_data(app_id)),
        "notice": (
            f"/identification/villages/{village_id}/notices",
            {"starts_on": PAST, "ends_on": day, "posted_at": "", "application": str(app_id)},
        ),
        "review": (f"{base}/review", {"on": day, "passed": "yes", "note": ""}),
        "register": (f"{base}/register", {}),
    }[step]


@pytest.mark.parametrize(("state", "step", "reason"), OUT_OF_ORDER)
async def test_a_step_out_of_order_is_refused_with_the_reason_and_nothing_is_written(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], state: str, step: str, reason: str
) -> None:
    app_id = await in_state(admin, village, state)
    steps_before = await ApplicationStep.count()
    audit_before = await AuditEvent.count()
    notices_before = await VillageNotice.count()
    action, data = step_request(step, app_id, village["id"])
    response = await post(admin_client, f"/identification/applications/{app_id}", action, data)
    assert response.status_code == 409
    assert reason in response.text
    assert await state_of(app_id) == state
    assert (await ApplicationStep.count(), await AuditEvent.count(), await VillageNotice.count()) == (
        steps_before,
        audit_before,
        notices_before,
    )


async def test_an_ineligible_survey_strikes_the_application_out_with_its_reason(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "applied")
    page = f"/identification/applications/{app_id}"
    missing_reason = {**survey_data(eligible="no"), "strike_reason": ""}
    assert (await post(admin_client, page, f"{page}/survey", missing_reason)).status_code == 422
    assert (await post(admin_client, page, f"{page}/survey", survey_data(eligible="no"))).status_code == 303
    row = (
        await Application.select(Application.state, Application.struck_out_reason)
        .where(Application.id == app_id)
        .first()
    )
    assert row == {"state": "struck_out", "struck_out_reason": "家有轿车"}
    refused = await post(admin_client, page, f"{page}/shortlist", {})
    assert refused.status_code == 409
    assert "该申请已被剔除" in refused.text
    assert "已剔除：家有轿车" in (await admin_client.get(page)).text


async def test_a_failed_appraisal_strikes_out_only_that_household(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    passing = await in_state(admin, village, "preliminary", head="甲")
    failing = await in_state(admin, village, "preliminary", head="乙")
    data = {**meeting_data(passing), **meeting_data(failing, passed="no"), "application": [str(passing), str(failing)]}
    response = await post(admin_client, "", f"/identification/villages/{village['id']}/meeting", data)
    assert response.status_code == 303
    assert (await state_of(passing), await state_of(failing)) == ("appraised", "struck_out")
    rows = await Application.select(Application.meeting, Application.votes_for).where(
        Application.id.is_in([passing, failing])
    )
    assert len({row["meeting"] for row in rows}) == 1, "one meeting covers both households"


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "passed", "reason"),
    [
        ("10", "12", "yes", "通过需要到会代表过半数赞成（到会 25 人，赞成 10 人）"),
        ("12", "0", "yes", "通过需要到会代表过半数赞成（到会 25 人，赞成 12 人）"),
        ("20", "5", "no", "到会 25 人中 20 人赞成，已过半数，结果应为通过"),
    ],
)
async def test_an_appraisal_result_against_its_votes_is_refused_and_nothing_is_written(
    admin_client: httpx.AsyncClient,
    admin: Actor,
    village: dict[str, Any],
    votes_for: str,
    votes_against: str,
    passed: str,
    reason: str,
) -> None:
    app_id = await in_state(admin, village, "preliminary")
    data = {
        **meeting_data(app_id, present=25, passed=passed),
        f"votes_for_{app_id}": votes_for,
        f"votes_against_{app_id}": votes_against,
    }
    response = await post(admin_client, "", f"/identification/villages/{village['id']}/meeting", data)
    assert response.status_code == 422
    assert reason in response.text
    assert await state_of(app_id) == "preliminary"


async def test_a_village_notice_cannot_start_before_the_appraisal_it_makes_public(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "appraised")
    held_on = await Application.select(Application.meeting.held_on).where(Application.id == app_id).first()
    assert held_on is not None
    appraised = held_on["meeting.held_on"]
    early = {
        "starts_on": (appraised - timedelta(days=1)).isoformat(),
        "ends_on": (appraised + timedelta(days=6)).isoformat(),
        "posted_at": "村委会公示栏",
        "application": str(app_id),
    }
    notices_before = await VillageNotice.count()
    response = await post(admin_client, "", f"/identification/villages/{village['id']}/notices", early)
    assert response.status_code == 409
    assert f"公示的是 {appraised.isoformat()} 民主评议的结果，不能早于评议开始" in response.text
    assert (await state_of(app_id), await VillageNotice.count()) == ("appraised", notices_before)
    on_the_day = {**early, "starts_on": appraised.isoformat(), "ends_on": (appraised + timedelta(days=7)).isoformat()}
    response = await post(admin_client, "", f"/identification/villages/{village['id']}/notices", on_the_day)
    assert response.status_code == 303
    assert await state_of(app_id) == "noticed"


async def test_registration_waits_for_the_county_announcement_and_writes_nothing_before_it(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "approved")
    [item] = await SubmissionItem.select(SubmissionItem.submission).where(SubmissionItem.subject == app_id)
    steps_before, audit_before = await ApplicationStep.count(), await AuditEvent.count()
    refused = await post(admin_client, "", f"/identification/applications/{app_id}/register", {})
    assert refused.status_code == 409
    assert "县扶贫办尚未公告批准该户的名单，不能进行建档立卡登记" in refused.text
    await submissions.announce(admin, item["submission"], today() + timedelta(days=2), today() + timedelta(days=8))
    later = await post(admin_client, "", f"/identification/applications/{app_id}/register", {})
    assert later.status_code == 409, "an announcement that starts later does not allow it yet"
    assert f"县级公告自 {(today() + timedelta(days=2)).isoformat()} 起" in later.text
    assert (await state_of(app_id), (await household_of(app_id))["status"]) == ("approved", "none")
    assert (await ApplicationStep.count(), await AuditEvent.count() - 1) == (steps_before, audit_before)


async def test_registration_makes_the_household_a_registered_poor_household(
    admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "approved")
    [item] = await SubmissionItem.select(SubmissionItem.submission).where(SubmissionItem.subject == app_id)
    assert (await household_of(app_id))["status"] == "none"
    await submissions.announce(admin, item["submission"], today() - timedelta(days=7), today() - timedelta(days=1))
    await steps.register(admin, app_id)
    household = await household_of(app_id)
    assert household["status"] == "not_out"
    assert household["identified_year"] == today().year


async def test_a_duplicate_id_number_names_the_household_that_has_it_masked(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "applied", head="钱多多")
    household = await household_of(app_id)
    taken = (await head_of(household["id"]))["id_number"]
    before = await Household.count()
    url = f"/identification/villages/{village['id']}/apply"
    response = await post(
        admin_client,
        url,
        url,
        {
            "head_name": "孙小二",
            "id_number": taken,
            "member_count": "2",
            "main_cause": "lack_funds",
            "attribute": "general",
        },
    )
    assert response.status_code == 422
    assert f"该身份证号已在户主为 钱*多 的家庭（{household['code']}）中登记" in response.text
    assert "钱多多" not in response.text
    assert await Household.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "371326197001010010", "校验"),
        ("member_count", "0", "请输入 1 到 30 之间的数"),
        ("declared_income", "-5", "金额不能为负数"),
        ("head_name", "", "请输入户主姓名"),
        ("phone", "12345", "11 位手机号"),
    ],
)
async def test_a_bad_new_family_form_says_what_is_wrong_and_creates_nothing(
    admin_client: httpx.AsyncClient, village: dict[str, Any], field: str, value: str, message: str
) -> None:
    data = {
        "head_name": "周五",
        "id_number": new_id_number(),
        "member_count": "2",
        "main_cause": "lack_funds",
        "attribute": "general",
        "declared_income": "100",
        field: value,
    }
    before = await Household.count()
    url = f"/identification/villages/{village['id']}/apply"
    response = await post(admin_client, url, url, data)
    assert response.status_code == 422
    assert message in response.text
    assert await Household.count() == before


async def test_a_household_not_registered_can_apply_but_a_registered_one_cannot(
    admin_client: httpx.AsyncClient, village: dict[str, Any]
) -> None:
    [unregistered, registered] = await Household.insert(
        Household(code="X-0001", village=village["id"], status="none"),
        Household(code="X-0002", village=village["id"], status="not_out"),
    )
    url = f"/identification/villages/{village['id']}"
    assert "X-0001" in (await admin_client.get(f"{url}/apply")).text
    ok = await post(admin_client, f"{url}/apply", f"{url}/apply-existing", {"household": str(unregistered["id"])})
    assert ok.status_code == 303
    again = await post(admin_client, f"{url}/apply", f"{url}/apply-existing", {"household": str(unregistered["id"])})
    assert again.status_code == 409
    assert "已有正在办理的申请" in again.text
    refused = await post(admin_client, f"{url}/apply", f"{url}/apply-existing", {"household": str(registered["id"])})
    assert refused.status_code == 409
    assert "已纳入建档立卡" in refused.text
