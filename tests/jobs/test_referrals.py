"""Referrals with consent and clear refusals; the employer's answers; placements, follow-ups and the wage income."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from server.audit.tables import AuditEvent
from server.clock import today
from server.households.tables import Household
from server.jobs.tables import JobPost, Placement, PlacementCheck, Referral
from server.visits.tables import FollowUp
from tests.helpers import log_in, post_form
from tests.jobs.conftest import make_job


async def refer(client: httpx.AsyncClient, job: int, member: int, consent: bool = True) -> httpx.Response:
    data = {"member_id": str(member), **({"consent": "1"} if consent else {})}
    return await post_form(client, "/me", f"/jobs/{job}/referrals", data)  # a child's page has no form to take it from


async def test_cadre_refers_a_member_who_agreed(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    answer = await refer(client, world["job"], world["worker"])
    assert answer.status_code == 303
    referral = await Referral.select().where(Referral.member == world["worker"]).first()
    assert referral["consent"]
    assert referral["status"] == "referred"
    assert referral["referred_by"] == world["wang"]
    assert await AuditEvent.exists().where(AuditEvent.action == "referral_created")


async def test_a_referral_without_consent_is_refused(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    answer = await refer(client, world["job"], world["worker"], consent=False)
    assert answer.status_code == 422
    assert "推荐前请确认本人同意" in answer.text
    assert not await Referral.exists()


async def test_referrals_that_break_a_rule_get_a_clear_reason(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    closed = await make_job(world["employers"][0], world["township"], status="closed")
    expired = await make_job(world["employers"][0], world["township"])
    await JobPost.update({JobPost.closing_date: today() - timedelta(days=1)}).where(JobPost.id == expired)
    cases = [
        (closed, world["worker"], "已过截止日期，不能再推荐"),
        (expired, world["worker"], "已过截止日期，不能再推荐"),
        (world["job"], world["disabled"], "患大病或残疾"),
        (world["job"], world["child"], "无劳动能力"),
    ]
    for job, member, reason in cases:
        answer = await refer(client, job, member)
        assert answer.status_code == 422, (job, member)
        assert reason in answer.text, reason
    assert await refer(client, world["job"], world["worker"]) is not None
    again = await refer(client, world["job"], world["worker"])
    assert again.status_code == 422
    assert "已推荐过这个岗位" in again.text
    assert await Referral.count() == 1


async def test_a_full_job_takes_no_more_referrals(client: httpx.AsyncClient, world: Any) -> None:
    full = await make_job(world["employers"][0], world["township"], headcount=1)
    await log_in(client, "wang")
    await refer(client, full, world["elder"])
    referral = await Referral.select().first()
    await Referral.update({Referral.status: "hired"}).where(Referral.id == referral["id"])
    answer = await refer(client, full, world["worker"])
    assert answer.status_code == 422
    assert "已招满" in answer.text


async def test_employer_sees_only_referrals_to_its_own_jobs(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    await log_in(client, "boss2")
    listing = await client.get("/employer/referrals/")
    assert "张三" not in listing.text
    referral = await Referral.select().first()
    assert (await client.get(f"/employer/referrals/{referral['id']}")).status_code == 404
    await log_in(client, "boss1")
    listing = await client.get("/employer/referrals/")
    assert "张三" in listing.text


async def hire(client: httpx.AsyncClient, referral: int, start: str, wage: str = "3000") -> httpx.Response:
    data = {"answer": "hired", "start_date": start, "monthly_wage": wage, "has_contract": "1",
            "has_social_insurance": "0"}  # fmt: skip
    return await post_form(client, "/employer/jobs/new", f"/employer/referrals/{referral}/answer", data)


async def test_a_hire_creates_the_placement_and_three_follow_ups(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    referral = (await Referral.select().first())["id"]
    await log_in(client, "boss1")
    interview = await post_form(client, f"/employer/referrals/{referral}", f"/employer/referrals/{referral}/answer",
                                {"answer": "interview", "interview_on": today().isoformat()})  # fmt: skip
    assert interview.status_code == 303
    answer = await hire(client, referral, "2026-01-31")
    assert answer.status_code == 303
    placement = await Placement.select().where(Placement.referral == referral).first()
    assert placement["monthly_wage"] == Decimal("3000")
    assert placement["has_contract"]
    checks = await PlacementCheck.select().order_by(PlacementCheck.months)
    assert [(c["months"], c["due_on"].isoformat(), c["cadre"]) for c in checks] == [
        (1, "2026-02-28", world["wang"]),
        (3, "2026-04-30", world["wang"]),
        (6, "2026-07-31", world["wang"]),
    ]
    follow_ups = await FollowUp.select().where(FollowUp.reason == "placement").order_by(FollowUp.due_on)
    assert [f["id"] for f in follow_ups] == [c["follow_up_id"] for c in checks]
    assert all(f["cadre"] == world["wang"] and f["household"] == world["household"] for f in follow_ups)
    again = await hire(client, referral, "2026-02-01")
    assert again.status_code == 422
    assert await Placement.count() == 1


async def test_a_rejection_needs_a_reason(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    referral = (await Referral.select().first())["id"]
    await log_in(client, "boss1")
    url = f"/employer/referrals/{referral}"
    assert (await post_form(client, url, url + "/answer", {"answer": "rejected"})).status_code == 422
    answer = await post_form(client, url, url + "/answer", {"answer": "rejected", "reject_reason": "视力不适合"})
    assert answer.status_code == 303
    assert (await Referral.select().first())["status"] == "rejected"


async def test_the_cadres_follow_up_answers_feed_the_employment_record_and_wage_income(
    client: httpx.AsyncClient, world: Any
) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    referral = (await Referral.select().first())["id"]
    await log_in(client, "boss1")
    await hire(client, referral, (today() - timedelta(days=40)).isoformat())
    placement = (await Placement.select().first())["id"]
    checks = await PlacementCheck.select().order_by(PlacementCheck.months)
    await log_in(client, "wang")
    hub = await client.get("/jobs/")
    assert f"/jobs/placements/{placement}" in hub.text, "the 1-month check is due and shown"
    url = f"/jobs/placements/{placement}"
    missing = await post_form(client, url, f"{url}/checks/{checks[0]['id']}", {"still_working": "1"})
    assert missing.status_code == 422, "still working needs the wage"
    answer = await post_form(
        client, url, f"{url}/checks/{checks[0]['id']}", {"still_working": "1", "monthly_wage": "3200"}
    )
    assert answer.status_code == 303
    record = await Placement.select().where(Placement.id == placement).first()
    assert record["months_employed"] == 1
    assert record["status"] == "working"
    assert record["counted_wage_income"] == Decimal("38400")
    household = await Household.select(Household.wage_income).where(Household.id == world["household"]).first()
    assert household["wage_income"] == Decimal("39400")  # 1000 before + 3200 × 12
    event = (
        await AuditEvent.select()
        .where((AuditEvent.target_type == "household") & (AuditEvent.target_id == str(world["household"])))
        .first()
    )
    assert json.loads(event["detail"])["changes"] == {"wage_income": ["1000.00", "39400.00"]}
    left = await post_form(client, url, f"{url}/checks/{checks[1]['id']}", {"still_working": "0"})
    assert left.status_code == 303
    record = await Placement.select().where(Placement.id == placement).first()
    assert record["status"] == "left"
    assert record["months_employed"] == 1
    household = await Household.select(Household.wage_income).where(Household.id == world["household"]).first()
    assert household["wage_income"] == Decimal("4200")  # 1000 + 3200 × 1 month worked
    twice = await post_form(client, url, f"{url}/checks/{checks[1]['id']}", {"still_working": "1", "monthly_wage": "1"})
    assert twice.status_code == 303
    assert (await Placement.select().where(Placement.id == placement).first())["status"] == "left"


async def test_another_cadre_cannot_open_the_placement(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await refer(client, world["job"], world["worker"])
    referral = (await Referral.select().first())["id"]
    await log_in(client, "boss1")
    await hire(client, referral, today().isoformat())
    placement = (await Placement.select().first())["id"]
    await log_in(client, "li")
    assert (await client.get(f"/jobs/placements/{placement}")).status_code == 404
