"""A change and its audit event are one transaction: when the audit trail cannot take the event, the change is not
written either (no change the trail does not show)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from server import clock
from server.accounts.tables import User
from server.database import connect
from server.employers.tables import Employer
from server.households.tables import Member
from server.jobs.tables import JobPost, MemberWish, Training, TrainingEnrolment
from tests.helpers import PASSWORD
from tests.integrity.conftest import Town, logged_in
from tests.integrity.test_rules_under_concurrency import employer_with_job

REFUSED = "the audit trail refuses every event"


@pytest.fixture
async def audit_trail_refusing(database: str) -> AsyncIterator[None]:
    """From here on every audit event fails (as a full disk or a broken trigger would make it), until the test ends."""
    owner = await connect(database)
    await owner.execute(
        "CREATE FUNCTION refuse_audit_event() RETURNS trigger LANGUAGE plpgsql AS"
        f" $$ BEGIN RAISE EXCEPTION '{REFUSED}';"
        " END $$"
    )
    try:
        yield
    finally:
        await owner.execute("DROP TRIGGER IF EXISTS refuse_audit_event ON audit_event")
        await owner.execute("DROP FUNCTION refuse_audit_event()")
        await owner.close()


async def refuse_audit_events(database: str) -> None:
    owner = await connect(database)
    try:
        await owner.execute(
            "CREATE TRIGGER refuse_audit_event BEFORE INSERT ON audit_event FOR EACH ROW"
            " EXECUTE FUNCTION refuse_audit_event()"
        )
    finally:
        await owner.close()


async def test_a_job_whose_status_change_cannot_be_audited_keeps_its_status(
    app: Any, town: Town, database: str, audit_trail_refusing: None
) -> None:
    username, job = await employer_with_job(town, headcount=2)
    async with logged_in(app, username) as (http, token):
        await refuse_audit_events(database)
        answer = await http.post(f"/employer/jobs/{job}/status", data={"status": "closed", "_csrf_token": token})
    assert answer.status_code == 500
    assert REFUSED not in answer.text  # a friendly page, never the database's words
    assert (await JobPost.select(JobPost.status).where(JobPost.id == job).first())["status"] == "open"


async def test_an_employer_whose_approval_cannot_be_audited_stays_unapproved(
    app: Any, town: Town, database: str, audit_trail_refusing: None
) -> None:
    [employer] = await Employer.insert(Employer(township=town.township, name="待审核工厂", approved=False))
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, token):
        await refuse_audit_events(database)
        url = f"/admin/employers/{employer['id']}/approval"
        answer = await http.post(url, data={"approved": "1", "_csrf_token": token})
    assert answer.status_code == 500
    assert not (await Employer.select(Employer.approved).where(Employer.id == employer["id"]).first())["approved"]


async def test_a_members_wishes_and_enrolment_that_cannot_be_audited_are_not_saved(
    app: Any, town: Town, database: str, audit_trail_refusing: None
) -> None:
    [member] = await Member.select(Member.id).where(Member.household == town.households[0])
    [training] = await Training.insert(
        Training(township=town.township, title="养殖培训", held_on=clock.today(), capacity=30)
    )
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, token):
        await refuse_audit_events(database)
        wish = await http.post(
            f"/jobs/members/{member['id']}/wish",
            data={"work_kinds": ["garment"], "expected_wage": "3000", "_csrf_token": token},
        )
        enrolment = await http.post(
            f"/jobs/trainings/{training['id']}/enrolments", data={"member_id": str(member["id"]), "_csrf_token": token}
        )
    assert wish.status_code == enrolment.status_code == 500
    assert not await MemberWish.exists().where(MemberWish.member == member["id"])
    assert not await TrainingEnrolment.exists().where(TrainingEnrolment.training == training["id"])


async def test_a_password_change_that_cannot_be_audited_keeps_the_old_password(
    app: Any, town: Town, database: str, audit_trail_refusing: None
) -> None:
    user_id, cadre = await town.user("cadre")
    before = (await User.select(User.password_hash).where(User.id == user_id).first())["password_hash"]
    async with logged_in(app, cadre) as (http, token):
        await refuse_audit_events(database)
        new = {"current_password": PASSWORD, "new_password": "Ziji@2026b", "confirm_password": "Ziji@2026b"}
        answer = await http.post("/me/password", data={**new, "_csrf_token": token})
    assert answer.status_code == 500
    assert (await User.select(User.password_hash).where(User.id == user_id).first())["password_hash"] == before
