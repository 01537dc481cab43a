"""The rules of the source plan, checked at both village sizes: survey team, representatives, notice and objections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.clock import today
from server.identification import steps
from server.identification.steps import Actor
from server.identification.tables import Application, Objection
from tests.helpers import post_form
from tests.identification.conftest import add_village, in_state

PAST = (today() - timedelta(days=30)).isoformat()


async def post(client: httpx.AsyncClient, action: str, data: dict[str, Any]) -> httpx.Response:
    return await post_form(client, "/identification/settings", action, data)


async def state_of(app_id: int) -> str:
    row = await Application.select(Application.state).where(Application.id == app_id).first()
    assert row is not None
    return str(row["state"])


def team(n: int) -> str:
    return "、".join(f"组员{i}" for i in range(1, n + 1))


@pytest.mark.parametrize(
    ("population", "members", "accepted"),
    [
        (900, 1, False),
        (900, 2, True),
        (900, 5, True),
        (900, 6, False),
        (1000, 2, True),
        (1001, 2, False),
        (1200, 3, True),
    ],
)
async def test_the_survey_team_has_2_to_5_members_and_at_least_3_in_a_village_of_over_1000(
    admin_client: httpx.AsyncClient,
    admin: Actor,
    township: dict[str, int],
    population: int,
    members: int,
    accepted: bool,
) -> None:
    village = await add_village(township, population)
    app_id = await in_state(admin, village, "applied")
    data = {"team": team(members), "surveyed_on": PAST, "member_count": "3", "findings": "核实", "eligible": "yes"}
    response = await post(admin_client, f"/identification/applications/{app_id}/survey", data)
    assert response.status_code == (303 if accepted else 422)
    assert await state_of(app_id) == ("surveyed" if accepted else "applied")
    if not accepted:
        assert f"{population} 人的村，入户调查组应为" in response.text


@pytest.mark.parametrize(
    ("population", "present", "accepted"),
    [(999, 19, False), (999, 20, True), (1000, 29, False), (1000, 30, True), (1500, 30, True)],
)
async def test_representatives_present_are_at_least_20_or_30_in_a_village_of_1000_or_more(
    admin_client: httpx.AsyncClient,
    admin: Actor,
    township: dict[str, int],
    population: int,
    present: int,
    accepted: bool,
) -> None:
    village = await add_village(township, population)
    app_id = await in_state(admin, village, "preliminary")
    data = {
        "held_on": PAST,
        "representatives_present": str(present),
        "application": str(app_id),
        f"votes_for_{app_id}": str(present - 1),
        f"votes_against_{app_id}": "1",
        f"passed_{app_id}": "yes",
    }
    response = await post(admin_client, f"/identification/villages/{village['id']}/meeting", data)
    assert response.status_code == (303 if accepted else 422)
    assert await state_of(app_id) == ("appraised" if accepted else "preliminary")
    if not accepted:
        assert f"{population} 人的村，参加评议的村民代表不少于 {30 if population >= 1000 else 20} 人" in response.text


async def test_more_votes_than_representatives_present_is_refused(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "preliminary")
    data = {
        "held_on": PAST,
        "representatives_present": "20",
        "application": str(app_id),
        f"votes_for_{app_id}": "20",
        f"votes_against_{app_id}": "5",
        f"passed_{app_id}": "yes",
    }
    response = await post(admin_client, f"/identification/villages/{village['id']}/meeting", data)
    assert response.status_code == 422
    assert "票数多于到会代表人数" in response.text


@pytest.mark.parametrize(("days", "accepted"), [(6, False), (7, True)])
async def test_the_notice_lasts_at_least_7_days_by_default(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any], days: int, accepted: bool
) -> None:
    app_id = await in_state(admin, village, "appraised")
    starts = today() - timedelta(days=20)
    data = {
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=days - 1)).isoformat(),
        "application": str(app_id),
    }
    response = await post(admin_client, f"/identification/villages/{village['id']}/notices", data)
    assert response.status_code == (303 if accepted else 422)
    if not accepted:
        assert "公示期不少于 7 天" in response.text


async def test_a_township_that_sets_a_longer_notice_period_gets_it_checked(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    page = (await admin_client.get("/identification/settings")).text
    assert 'href="/policy/rules/notice_days"' in page
    assert "7 天" in page
    rule = "/policy/rules/notice_days"
    changed = {"value": "10", "effective_from": today().isoformat(), "source": "镇党委会议纪要"}
    assert (await post_form(admin_client, rule, rule, changed)).status_code == 303
    app_id = await in_state(admin, village, "appraised")
    starts = today() - timedelta(days=20)
    data = {
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=6)).isoformat(),
        "application": str(app_id),
    }
    response = await post(admin_client, f"/identification/villages/{village['id']}/notices", data)
    assert response.status_code == 422
    assert "公示期不少于 10 天" in response.text


async def test_the_notice_cannot_be_left_before_its_end_date(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "appraised")
    ends = today() + timedelta(days=3)
    await steps.start_notice(
        admin, village["id"], [app_id], {"starts_on": ends - timedelta(days=6), "ends_on": ends, "posted_at": ""}
    )
    page = (await admin_client.get(f"/identification/applications/{app_id}")).text
    assert f"公示期至 {ends.isoformat()} 结束" in page
    assert 'id="review-form"' not in page
    response = await post(
        admin_client,
        f"/identification/applications/{app_id}/review",
        {"on": today().isoformat(), "passed": "yes", "note": ""},
    )
    assert response.status_code == 409
    assert f"公示期至 {ends.isoformat()} 结束，公示期未满不能进行乡镇审核" in response.text
    assert await state_of(app_id) == "noticed"


async def test_an_unanswered_objection_holds_the_review_until_it_is_answered(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "noticed")
    notice_id = (await Application.select(Application.notice).where(Application.id == app_id).first())["notice"]  # type: ignore[index]
    missing = await post(
        admin_client, f"/identification/notices/{notice_id}/objections", {"received_on": PAST, "content": ""}
    )
    assert missing.status_code == 422
    assert "请填写异议内容" in missing.text
    objection = {"received_on": PAST, "content": "该户有楼房", "raised_by": "村民王某", "application": ""}
    assert (await post(admin_client, f"/identification/notices/{notice_id}/objections", objection)).status_code == 303
    review = {"on": today().isoformat(), "passed": "yes", "note": ""}
    refused = await post(admin_client, f"/identification/applications/{app_id}/review", review)
    assert refused.status_code == 409
    assert "异议尚未答复" in refused.text
    village_page = (await admin_client.get(f"/identification/villages/{village['id']}")).text
    assert "该户有楼房" in village_page
    assert "村民王某" in village_page
    objection_id = (await Objection.select(Objection.id).where(Objection.notice == notice_id).first())["id"]  # type: ignore[index]
    no_answer = await post(
        admin_client, f"/identification/objections/{objection_id}/answer", {"answer": "", "answered_on": ""}
    )
    assert no_answer.status_code == 422
    answer = {"answer": "经核实为其兄弟所建，与该户无关", "answered_on": today().isoformat()}
    assert (await post(admin_client, f"/identification/objections/{objection_id}/answer", answer)).status_code == 303
    assert (await post(admin_client, f"/identification/applications/{app_id}/review", review)).status_code == 303
    assert await state_of(app_id) == "reviewed"


async def test_a_township_review_that_does_not_pass_strikes_out_with_the_reason(
    admin_client: httpx.AsyncClient, admin: Actor, village: dict[str, Any]
) -> None:
    app_id = await in_state(admin, village, "noticed")
    url = f"/identification/applications/{app_id}/review"
    assert (await post(admin_client, url, {"on": today().isoformat(), "passed": "no", "note": ""})).status_code == 422
    assert (
        await post(admin_client, url, {"on": today().isoformat(), "passed": "no", "note": "收入超标"})
    ).status_code == 303
    row = (
        await Application.select(Application.state, Application.struck_out_reason)
        .where(Application.id == app_id)
        .first()
    )
    assert row == {"state": "struck_out", "struck_out_reason": "收入超标"}
