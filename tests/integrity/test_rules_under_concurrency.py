"""Rules that hold whatever arrives at once: many simultaneous requests through the app, several rounds; the rule
still holds afterwards, and every request that lost is told why (never a server error)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server import clock
from server.accounts.tables import User
from server.employers.tables import Employer
from server.households.tables import Member
from server.identification.tables import Application, ApplicationStep
from server.jobs.tables import JobPost, Placement, Referral, Training, TrainingEnrolment
from server.pairing.tables import Pairing
from server.policy.registry import QUOTA_MAXIMUM
from tests.helpers import record_rule
from tests.integrity.conftest import Town, add_household, at_once, logged_in

ROUNDS = 3


async def heads(town: Town) -> list[int]:
    rows = await Member.select(Member.id).where(Member.household.is_in(town.households)).order_by(Member.id)
    return [row["id"] for row in rows]


async def test_simultaneous_pairings_never_take_a_cadre_past_the_township_maximum(app: Any, town: Town) -> None:
    await record_rule(QUOTA_MAXIMUM, 2, township=town.township)
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, token):
        for n in range(ROUNDS):
            cadre, _ = await town.user("cadre")
            form = {"cadre": str(cadre), "rank": str(n % 2 + 1), "started_on": clock.today().isoformat()}
            answers = await at_once([
                http.post(f"/pairings/households/{h}", data={**form, "reason": "结对", "_csrf_token": token})
                for h in town.households
                if not await Pairing.exists().where(
                    (Pairing.household == h) & (Pairing.rank == n % 2 + 1) & Pairing.ended_on.is_null()
                )
            ])  # fmt: skip
            assert await Pairing.count().where((Pairing.cadre == cadre) & Pairing.ended_on.is_null()) == 2
            assert [a.status_code for a in answers].count(303) == 2
            for lost in (a for a in answers if a.status_code != 303):
                assert lost.status_code in (409, 422)  # 409 when the lock found it full, 422 when the form check did
                assert "已达到每人最多 2 户" in lost.text


async def test_simultaneous_enrolments_never_pass_a_trainings_capacity(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    members = await heads(town)
    async with logged_in(app, admin) as (http, token):
        for _ in range(ROUNDS):
            [training] = await Training.insert(
                Training(township=town.township, title="电商培训", held_on=clock.today(), capacity=3)
            )
            url = f"/jobs/trainings/{training['id']}/enrolments"
            answers = await at_once([http.post(url, data={"member_id": str(m), "_csrf_token": token}) for m in members])
            assert await TrainingEnrolment.count().where(TrainingEnrolment.training == training["id"]) == 3
            for lost in (a for a in answers if a.status_code == 409):
                assert "该培训名额已满" in lost.text


async def test_one_member_sent_many_times_at_once_is_enrolled_once(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    [member, *_] = await heads(town)
    async with logged_in(app, admin) as (http, token):
        [training] = await Training.insert(
            Training(township=town.township, title="养殖培训", held_on=clock.today(), capacity=30)
        )
        url = f"/jobs/trainings/{training['id']}/enrolments"
        await at_once([http.post(url, data={"member_id": str(member), "_csrf_token": token}) for _ in range(8)])
    assert await TrainingEnrolment.count().where(TrainingEnrolment.training == training["id"]) == 1


async def employer_with_job(town: Town, headcount: int) -> tuple[str, int]:
    [employer] = await Employer.insert(Employer(township=town.township, name="并发食品厂", approved=True))
    _, username = await town.user("employer", employer_id=employer["id"])
    [job] = await JobPost.insert(
        JobPost(
            employer=employer["id"], township=town.township, title="包装工", wage_min=2000, wage_max=3000,
            headcount=headcount, closing_date=clock.today() + timedelta(days=30),
        )
    )  # fmt: skip
    return username, int(job["id"])


def hire_form(token: str) -> dict[str, str]:
    return {
        "answer": "hired", "start_date": clock.today().isoformat(), "monthly_wage": "2600",
        "has_contract": "1", "has_social_insurance": "0", "_csrf_token": token,
    }  # fmt: skip


async def test_simultaneous_hires_never_fill_a_job_past_its_headcount_nor_hire_anyone_twice(
    app: Any, town: Town
) -> None:
    members = await heads(town)
    username, job = await employer_with_job(town, headcount=2)
    referrals = await Referral.insert(*(Referral(job=job, member=m, consent=True) for m in members))
    async with logged_in(app, username) as (http, token):
        ids = [row["id"] for row in referrals]
        answers = await at_once(
            [http.post(f"/employer/referrals/{r}/answer", data=hire_form(token)) for r in ids + ids]
        )
    placements = await Placement.select(Placement.referral).where(Placement.referral.is_in(ids))
    assert len(placements) == 2
    hired = await Referral.select(Referral.id).where(Referral.id.is_in(ids) & (Referral.status == "hired"))
    assert sorted(row["id"] for row in hired) == sorted(row["referral"] for row in placements)
    assert [a.status_code for a in answers].count(303) == 2


async def test_hiring_and_turning_down_one_referral_at_once_leaves_one_answer(app: Any, town: Town) -> None:
    username, job = await employer_with_job(town, headcount=5)
    async with logged_in(app, username) as (http, token):
        for member in (await heads(town))[:ROUNDS]:
            [referral] = await Referral.insert(Referral(job=job, member=member, consent=True))
            url = f"/employer/referrals/{referral['id']}/answer"
            reject = {"answer": "rejected", "reject_reason": "岗位已满", "_csrf_token": token}
            answers = await at_once([http.post(url, data=hire_form(token) if n % 2 else reject) for n in range(6)])
            assert [a.status_code for a in answers].count(303) == 1
            row = await Referral.select(Referral.status).where(Referral.id == referral["id"]).first()
            placed = await Placement.exists().where(Placement.referral == referral["id"])
            assert (row["status"] == "hired") == placed  # type: ignore[index]


async def test_one_household_applying_many_times_at_once_gets_one_open_application(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, token):
        for n in range(ROUNDS):
            household = await add_household(town.village, f"N{n:03d}", status="none")
            url = f"/identification/villages/{town.village}/apply-existing"
            answers = await at_once(
                [http.post(url, data={"household": str(household), "_csrf_token": token}) for _ in range(6)]
            )
            assert await Application.count().where(Application.household == household) == 1
            assert [a.status_code for a in answers].count(303) == 1
            assert all("已有正在办理的申请" in a.text for a in answers if a.status_code == 409)


async def test_a_workflow_step_sent_many_times_at_once_is_done_once(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    survey = {
        "team": "王一、王二、王三", "surveyed_on": (clock.today() - timedelta(days=3)).isoformat(),
        "member_count": "3", "findings": "房屋漏雨", "eligible": "yes", "strike_reason": "",
    }  # fmt: skip
    async with logged_in(app, admin) as (http, token):
        for n in range(ROUNDS):
            household = await add_household(town.village, f"S{n:03d}", status="none")
            url = f"/identification/villages/{town.village}/apply-existing"
            applied = await http.post(url, data={"household": str(household), "_csrf_token": token})
            step = applied.headers["location"] + "/survey"
            answers = await at_once([http.post(step, data={**survey, "_csrf_token": token}) for _ in range(6)])
            [application] = await Application.select().where(Application.household == household)
            steps = await ApplicationStep.count().where(
                (ApplicationStep.application == application["id"]) & (ApplicationStep.step == "survey")
            )
            assert (application["state"], steps) == ("surveyed", 1)
            assert [a.status_code for a in answers].count(303) == 1
            assert {a.status_code for a in answers} <= {303, 409}


async def test_a_cadre_disabled_while_being_paired_never_keeps_a_household(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, token):
        for n in range(ROUNDS):
            cadre, _ = await town.user("cadre")
            form = {"cadre": str(cadre), "rank": "1", "started_on": clock.today().isoformat(), "reason": "结对"}
            household = await add_household(town.village, f"DIS-{n}")
            answers = await at_once([
                http.post(f"/pairings/households/{household}", data={**form, "_csrf_token": token}),
                http.post(f"/admin/users/{cadre}/active", data={"active": "0", "_csrf_token": token}),
            ])  # fmt: skip
            assert all(answer.status_code < 500 for answer in answers)
            active = await User.exists().where((User.id == cadre) & (User.is_active == True))  # noqa: E712
            paired = await Pairing.exists().where((Pairing.cadre == cadre) & Pairing.ended_on.is_null())
            assert active or not paired, "a disabled cadre holds a household"
