"""A measure is recorded once wherever it happens, and counts everywhere: the delivered-measures ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx

from server.clock import today
from server.employers.tables import Employer
from server.households.tables import Member
from server.jobs.tables import JobPost, Placement, Referral, Training, TrainingEnrolment
from server.pairing import visit_figures
from server.plans import delivered
from server.projects.tables import Project, ProjectBeneficiary
from server.visits.tables import FollowUp
from tests.visits.conftest import send_visit


async def hire(township: int, household: int, start: date) -> None:
    employer = Employer(township=township, name="巧手服装扶贫车间", approved=True)
    await employer.save()
    job = JobPost(employer=employer.id, township=township, title="缝纫工", wage_min=Decimal(2000),
                  wage_max=Decimal(2600), closing_date=start + timedelta(days=30))  # fmt: skip
    await job.save()
    member = await Member.select(Member.id).where(Member.household == household).first()
    assert member is not None
    referral = Referral(job=job.id, member=member["id"], consent=True, status="hired")
    await referral.save()
    await Placement.insert(Placement(referral=referral.id, start_date=start, monthly_wage=Decimal(2200)))


async def train(township: int, household: int, held_on: date, attended: bool) -> None:
    training = Training(township=township, title="果树修剪", held_on=held_on, topic="agriculture")
    await training.save()
    member = await Member.select(Member.id).where(Member.household == household).first()
    assert member is not None
    await TrainingEnrolment.insert(
        TrainingEnrolment(training=training.id, member=member["id"], attended=attended, subsidy_paid=Decimal(100))
    )


async def benefit(township: int, village: int, household: int, status: str, completed_on: date | None) -> None:
    project = Project(township=township, village=village, name="道路硬化", kind="road", year=completed_on.year if
                      completed_on else 2026, status=status, completed_on=completed_on)  # fmt: skip
    await project.save()
    await ProjectBeneficiary.insert(ProjectBeneficiary(project=project.id, household=household))


async def test_placements_trainings_and_projects_are_delivered_measures_like_a_visits_measure(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household, t = world["monitored"], world["township"]
    answer = await send_visit(as_wang, household, {"note": "送温暖", "measure_type": "condolence"})
    assert answer.status_code == 303
    day = today()
    await hire(t, household, day - timedelta(days=3))
    await train(t, household, day - timedelta(days=2), attended=True)
    await train(t, household, day - timedelta(days=1), attended=False)  # enrolled, never came: not delivered
    await benefit(t, world["village"], household, "completed", day - timedelta(days=1))
    await benefit(t, world["village"], household, "in_progress", None)  # not finished: not delivered yet

    measures = await delivered.for_household(household)

    assert sorted((m.source, m.type) for m in measures) == [
        ("placement", "employment"),
        ("project", "infrastructure"),
        ("training", "skills_training"),
        ("visit", "condolence"),
    ]
    assert [m.amount for m in measures if m.source == "training"] == [Decimal("100.00")]
    assert delivered.has_work_measure(measures)  # the placement is the employment measure monitoring asks for
    labels = (await visit_figures.measures([household]))[household]
    assert len(labels) == 4
    timeline = await as_wang.get(f"/households/{household}/timeline")
    assert timeline.text.count("data-measure-source=") == 3  # the visit's measure shows with its visit


async def test_the_assistance_manual_lists_a_placement_with_the_visits_measures(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    await send_visit(as_wang, household, {"note": "医疗报销", "measure_type": "medical", "measure_amount": "300"})
    await hire(world["township"], household, today())

    page = await as_wang.get(f"/households/{household}/manual")

    assert page.status_code == 200
    assert "巧手服装扶贫车间 · 缝纫工" in page.text
    assert "300.00" in page.text


async def test_a_paid_measure_schedules_its_check_and_the_visit_that_ticks_it_closes_it(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    fields = {"note": "发放临时救助金", "measure_type": ["dibao", "legal"], "measure_amount": ["500", ""]}
    assert (await send_visit(as_wang, household, fields)).status_code == 303

    checks = await FollowUp.select().where((FollowUp.household == household) & (FollowUp.reason == "measure"))
    assert len(checks) == 1  # the legal session paid nothing: nothing to check
    assert checks[0]["due_on"] == today() + timedelta(days=30)
    assert "500.00" in checks[0]["note"]
    assert checks[0]["closed_at"] is None

    answer = await send_visit(as_wang, household, {"note": "救助金已到账", "close": str(checks[0]["id"])})
    assert answer.status_code == 303
    check = await FollowUp.select().where(FollowUp.id == checks[0]["id"]).first()
    assert check is not None
    assert check["closed_at"] is not None
