"""Trainings: a session, enrolment of members in scope, attendance and subsidy, and who had no training this year."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from server.clock import today
from server.jobs.tables import Training, TrainingEnrolment
from tests.helpers import log_in, post_form


async def new_training(client: httpx.AsyncClient, **changes: str) -> httpx.Response:
    data = {"topic": "yulu", "title": "雨露计划电工培训", "work_kind": "construction",
            "held_on": today().isoformat(), "place": "镇文化站", "organiser": "镇人社所", "trainer": "刘老师",
            "capacity": "2", **changes}  # fmt: skip
    return await post_form(client, "/jobs/trainings/new", "/jobs/trainings/", data)


async def test_cadre_records_a_training_and_enrols_a_member(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    assert (await new_training(client)).status_code == 303
    training = await Training.select().first()
    assert training["topic"] == "yulu"
    assert training["capacity"] == 2
    member_page = f"/jobs/members/{world['worker']}"
    enrol = await post_form(client, member_page, f"/jobs/trainings/{training['id']}/enrolments",
                            {"member_id": str(world["worker"])})  # fmt: skip
    assert enrol.status_code == 303
    enrolment = await TrainingEnrolment.select().first()
    page = f"/jobs/trainings/{training['id']}"
    saved = await post_form(client, page, f"{page}/enrolments/{enrolment['id']}",
                            {"attended": "1", "certificate": "电工证", "subsidy_paid": "300"})  # fmt: skip
    assert saved.status_code == 303
    enrolment = await TrainingEnrolment.select().first()
    assert enrolment["attended"]
    assert enrolment["certificate"] == "电工证"
    assert enrolment["subsidy_paid"] == 300
    member = await client.get(member_page)
    assert "雨露计划电工培训" in member.text
    assert "电工证" in member.text


async def test_a_training_without_title_or_date_is_refused(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    answer = await new_training(client, title="", held_on="")
    assert answer.status_code == 422
    assert not await Training.exists()


async def test_cadre_cannot_enrol_a_member_of_another_cadres_household(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await new_training(client)
    training = await Training.select().first()
    answer = await post_form(client, f"/jobs/members/{world['worker']}", f"/jobs/trainings/{training['id']}/enrolments",
                             {"member_id": str(world["other_worker"])})  # fmt: skip
    assert answer.status_code == 404
    assert not await TrainingEnrolment.exists()


async def test_members_able_to_work_without_training_this_year_are_listed(
    client: httpx.AsyncClient, world: Any
) -> None:
    await log_in(client, "lead")
    before = await client.get("/jobs/trainings/untrained")
    for name in ("张三", "张老", "王五"):
        assert name in before.text
    for name in ("李梅", "张小"):
        assert name not in before.text, "cannot work or under 16"
    await new_training(client)
    training = await Training.select().first()
    await TrainingEnrolment.insert(TrainingEnrolment(training=training["id"], member=world["worker"], attended=True))
    after = await client.get("/jobs/trainings/untrained")
    assert "张三" not in after.text
    assert "王五" in after.text


async def test_a_members_page_offers_only_trainings_still_to_come_that_they_are_not_in(
    client: httpx.AsyncClient, world: Any
) -> None:
    await log_in(client, "wang")
    await new_training(client, title="已办的月嫂培训", held_on=(today() - timedelta(days=20)).isoformat())
    await new_training(client, title="下月电工培训", held_on=(today() + timedelta(days=30)).isoformat())
    member_page = f"/jobs/members/{world['worker']}"
    offered = (await client.get(member_page)).text.split("可报名的培训", 1)[1].split("近期已举办的培训", 1)[0]
    assert "下月电工培训" in offered
    assert "已报 0 人 / 名额 2 人" in offered
    assert "已办的月嫂培训" not in offered, "a training held already is not offered"
    past = await Training.select().where(Training.title == "已办的月嫂培训").first()
    late = await post_form(client, member_page, f"/jobs/trainings/{past['id']}/enrolments",
                           {"member_id": str(world["worker"])})  # fmt: skip
    assert late.status_code == 303
    assert not await TrainingEnrolment.exists(), "too late to enrol"
    page = (await client.get(member_page)).text
    assert f"该培训已于 {past['held_on']} 举办，不能再报名" in page
    recorded_after = page.split("近期已举办的培训：补录参加", 1)[1]
    assert "已办的月嫂培训" in recorded_after, "who took part is still recorded after the training"
    attended = await post_form(client, member_page, f"/jobs/trainings/{past['id']}/enrolments",
                               {"member_id": str(world["worker"]), "attended": "1"})  # fmt: skip
    assert attended.status_code == 303
    enrolment = await TrainingEnrolment.select().where(TrainingEnrolment.training == past["id"]).first()
    assert enrolment["attended"]
    assert "已补录参加该培训" in (await client.get(member_page)).text
    coming = await Training.select().where(Training.title == "下月电工培训").first()
    await post_form(
        client, member_page, f"/jobs/trainings/{coming['id']}/enrolments", {"member_id": str(world["worker"])}
    )
    page = (await client.get(member_page)).text
    assert "下月电工培训" in page
    assert "可报名的培训" not in page, "enrolled: it is no more offered"


async def test_no_job_or_training_is_offered_to_a_child(client: httpx.AsyncClient, world: Any) -> None:
    await log_in(client, "wang")
    await new_training(client, held_on=(today() + timedelta(days=30)).isoformat())
    page = (await client.get(f"/jobs/members/{world['child']}")).text
    assert "未满 16 周岁，未到劳动年龄，不推荐岗位和培训" in page
    assert "可报名的培训" not in page
    assert "合适的在招岗位" not in page
    assert "就业意愿" not in page, "nor asked for work wishes"
