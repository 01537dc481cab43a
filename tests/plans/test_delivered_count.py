"""The measures each household received per year and type (`delivered_count`), and the days it received one
(`delivered_day`), are kept by the database (migrations plans_2026_12_06t09_40_00 and plans_2026_12_06t12_45_00):
after every way the ledger's tables are written, each kept count equals a fresh count of the ledger
(`delivered_measure`), and the kept days its days: visits with measures recorded and edited by the form, a visit
moved across the new year or to another household, measures changed in one statement for many households, deleted
with their visit or with their household; placements made, moved to the next year, moved to another member, deleted,
deleted with their job; trainings attended and not, their day and topic changed, deleted, their member moved to
another household or deleted; projects completed, their kind and day changed, beneficiaries moved and removed,
deleted; the demo (tests/demo/test_kept_counts.py).

TRUNCATE (which the app role may not do) counts every household anew: checked by hand, see the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx

from server.clock import TIMEZONE
from server.employers.tables import Employer
from server.households.tables import Household, Member
from server.jobs.tables import JobPost, Placement, Referral, Training, TrainingEnrolment
from server.projects.tables import Project, ProjectBeneficiary
from server.visits.tables import Visit, VisitMeasure
from tests.helpers import csrf_token_of
from tests.plans.test_ledger import benefit, hire, train
from tests.visits.conftest import send_visit

# Kept rows that differ from a fresh count of the ledger, and fresh counts not kept (none when exact); the same for
# the kept days of the deliveries (`delivered_day`, migration plans_2026_12_06t12_45_00), which the same triggers keep.
MISCOUNTED = """
WITH fresh AS (
    SELECT household, format('%s %s %s', date_part('year', delivered_on), type, count(*)) AS what
    FROM delivered_measure GROUP BY household, date_part('year', delivered_on), type
), kept AS (
    SELECT household, format('%s %s %s', year, type, n) AS what FROM delivered_count
), fresh_days AS (
    SELECT DISTINCT household, delivered_on::text AS what FROM delivered_measure
), kept_days AS (
    SELECT household, delivered_on::text AS what FROM delivered_day
)
(SELECT 'kept' AS side, * FROM kept EXCEPT SELECT 'kept', * FROM fresh)
UNION ALL (SELECT 'fresh', * FROM fresh EXCEPT SELECT 'fresh', * FROM kept)
UNION ALL (SELECT 'kept day', * FROM kept_days EXCEPT SELECT 'kept day', * FROM fresh_days)
UNION ALL (SELECT 'fresh day', * FROM fresh_days EXCEPT SELECT 'fresh day', * FROM kept_days)
"""


async def kept(household: int) -> dict[tuple[int, str], int]:
    """The household's kept counts by (year, type), after checking that every household's counts are exact."""
    assert await Household.raw(MISCOUNTED) == []
    rows = await Household.raw("SELECT year, type, n FROM delivered_count WHERE household = {}", household)
    return {(row["year"], row["type"]): row["n"] for row in rows}


async def test_visits_recorded_edited_moved_and_deleted_keep_the_counts(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household, other = world["monitored"], world["ordinary"]
    answer = await send_visit(as_wang, household, {"note": "送温暖", "measure_type": "condolence"})
    assert answer.status_code == 303
    [visit] = await Visit.select(Visit.id, Visit.visited_at).where(Visit.household == household)
    year = visit["visited_at"].astimezone(TIMEZONE).year
    assert await kept(household) == {(year, "condolence"): 1}

    # Edited by the form: its measures replaced (deleted and inserted in one transaction), two of one type.
    page = await as_wang.get(f"/visits/{visit['id']}/edit")
    edited = await as_wang.post(
        f"/visits/{visit['id']}/edit",
        data={
            "_csrf_token": csrf_token_of(page.text),
            "version": "1",
            "kind": "home",
            "note": "送温暖",
            "visited_at": visit["visited_at"].astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M"),
            "measure_type": ["medical", "medical"],
        },
    )
    assert edited.status_code == 303
    assert await kept(household) == {(year, "medical"): 2}

    # Across the new year (local time): the last minute of 2025, then the first of 2026.
    await Visit.update({Visit.visited_at: datetime(2025, 12, 31, 15, 59, tzinfo=UTC)}).where(Visit.id == visit["id"])
    assert await kept(household) == {(2025, "medical"): 2}
    await Visit.update({Visit.visited_at: datetime(2025, 12, 31, 16, 0, tzinfo=UTC)}).where(Visit.id == visit["id"])
    assert await kept(household) == {(2026, "medical"): 2}

    # To another household, then its measures' type changed for every household in one statement.
    await Visit.update({Visit.household: other}).where(Visit.id == visit["id"])
    assert await kept(household) == {}
    assert await kept(other) == {(2026, "medical"): 2}
    await send_visit(as_wang, household, {"note": "再访", "measure_type": "dibao"})
    await VisitMeasure.update({VisitMeasure.type: "housing"}).where(VisitMeasure.id > 0)
    assert {t for _, t in await kept(household)} == {t for _, t in await kept(other)} == {"housing"}

    # A measure deleted alone, then a visit with its measures (which go with it).
    [first, *_] = await VisitMeasure.select(VisitMeasure.id).where(VisitMeasure.visit == visit["id"])
    await VisitMeasure.delete().where(VisitMeasure.id == first["id"])
    assert await kept(other) == {(2026, "housing"): 1}
    await Visit.delete().where(Visit.id == visit["id"])
    assert await kept(other) == {}
    assert await kept(household) == {(year, "housing"): 1}


async def test_placements_keep_the_counts(world: dict[str, int]) -> None:
    household, other, t = world["monitored"], world["ordinary"], world["township"]
    await hire(t, household, date(2026, 3, 1))
    assert await kept(household) == {(2026, "employment"): 1}
    [placement] = await Placement.select(Placement.id, Placement.referral)
    await Placement.update({Placement.start_date: date(2027, 1, 1)}).where(Placement.id == placement["id"])
    assert await kept(household) == {(2027, "employment"): 1}
    # The referral moved to a member of another household.
    member = await Member.select(Member.id).where(Member.household == other).first()
    assert member is not None
    await Referral.update({Referral.member: member["id"]}).where(Referral.id == placement["referral"])
    assert (await kept(household), await kept(other)) == ({}, {(2027, "employment"): 1})
    await Placement.delete().where(Placement.id == placement["id"])
    assert await kept(other) == {}
    # Deleted with its job post (the referral and the placement go by cascade).
    await hire(t, household, date(2026, 5, 1))
    assert await kept(household) == {(2026, "employment"): 1}
    await JobPost.delete().where(JobPost.id > 0)
    assert await kept(household) == {}
    await Employer.delete().where(Employer.id > 0)


async def test_trainings_keep_the_counts(world: dict[str, int]) -> None:
    household, other, t = world["monitored"], world["ordinary"], world["township"]
    await train(t, household, date(2026, 6, 1), attended=True)
    await train(t, household, date(2026, 6, 2), attended=False)
    assert await kept(household) == {(2026, "skills_training"): 1}
    await TrainingEnrolment.update({TrainingEnrolment.attended: True}).where(TrainingEnrolment.id > 0)
    assert await kept(household) == {(2026, "skills_training"): 2}
    await Training.update({Training.topic: "legal"}).where(Training.held_on == date(2026, 6, 2))
    await Training.update({Training.held_on: date(2025, 12, 31)}).where(Training.held_on == date(2026, 6, 1))
    assert await kept(household) == {(2025, "skills_training"): 1, (2026, "legal"): 1}
    await Training.delete().where(Training.topic == "legal")  # its enrolment goes by cascade
    assert await kept(household) == {(2025, "skills_training"): 1}
    # The member moved to another household, then deleted (the enrolment goes by cascade).
    [enrolment] = await TrainingEnrolment.select(TrainingEnrolment.member)
    await Member.update({Member.household: other, Member.relation: "spouse"}).where(Member.id == enrolment["member"])
    assert (await kept(household), await kept(other)) == ({}, {(2025, "skills_training"): 1})
    await Member.delete().where(Member.id == enrolment["member"])
    assert await kept(other) == {}


async def test_projects_keep_the_counts(world: dict[str, int]) -> None:
    household, other, t, village = world["monitored"], world["ordinary"], world["township"], world["village"]
    await benefit(t, village, household, "in_progress", None)
    await benefit(t, village, household, "completed", date(2026, 9, 1))
    assert await kept(household) == {(2026, "infrastructure"): 1}
    await Project.update({Project.status: "accepted", Project.completed_on: date(2026, 10, 1)}).where(
        Project.status == "in_progress"
    )
    assert await kept(household) == {(2026, "infrastructure"): 2}
    await Project.update({Project.kind: "housing"}).where(Project.completed_on == date(2026, 10, 1))
    await Project.update({Project.completed_on: date(2027, 1, 1)}).where(Project.completed_on == date(2026, 9, 1))
    assert await kept(household) == {(2026, "housing"): 1, (2027, "infrastructure"): 1}
    await ProjectBeneficiary.update({ProjectBeneficiary.household: other}).where(ProjectBeneficiary.id > 0)
    assert await kept(household) == {}
    assert await kept(other) == {(2026, "housing"): 1, (2027, "infrastructure"): 1}
    await ProjectBeneficiary.insert(
        *[ProjectBeneficiary(project=p["id"], household=household) for p in await Project.select(Project.id)]
    )
    assert await kept(household) == {(2026, "housing"): 1, (2027, "infrastructure"): 1}
    await ProjectBeneficiary.delete().where(ProjectBeneficiary.household == other)
    assert await kept(other) == {}
    await Project.delete().where(Project.kind == "housing")  # its beneficiaries go by cascade
    assert await kept(household) == {(2027, "infrastructure"): 1}


async def test_a_household_deleted_takes_its_counts(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    household, t = world["monitored"], world["township"]
    assert (await send_visit(as_wang, household, {"measure_type": "medical"})).status_code == 303
    await hire(t, household, date(2026, 3, 1))
    await train(t, household, date(2026, 6, 1), attended=True)
    await benefit(t, world["village"], household, "completed", date(2026, 9, 1))
    assert len(await kept(household)) == 4
    await Household.raw("DELETE FROM household WHERE id = {}", household)
    assert await kept(household) == {}
