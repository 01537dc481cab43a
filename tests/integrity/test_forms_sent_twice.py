"""A creating form sent again (a second tap on 保存 while the first answer is slow or lost, a browser without
JavaScript, a reload that resends) makes one row, and every sending is answered with it (server/once.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from litestar.datastructures import FormMultiDict
from piccolo.table import Table

from server import clock
from server.audit.tables import AuditEvent
from server.employers.tables import Employer
from server.jobs.tables import JobPost, Training
from server.once import sending_key
from server.pairing.card_tokens import tokens_for
from server.projects.tables import Project, ProjectProgress
from server.reports.tables import PublicReport
from server.supervision.tables import SpotCheck
from tests.integrity.conftest import Town, at_once, logged_in
from tests.jobs.test_employer_jobs import job_form
from tests.projects.conftest import project_form

HIDDEN = re.compile(r'<input type="hidden" name="(_csrf_token|_once)" value="([^"]+)"')


def filled(page: httpx.Response, data: dict[str, str]) -> dict[str, str]:
    """`data` with the hidden fields the page's form carries, as a browser sends it."""
    assert page.status_code == 200, page.text[:300]
    return {**dict(HIDDEN.findall(page.text)), **data}


@dataclass(frozen=True)
class CreatingForm:
    role: str
    page: str  # where the form is shown
    action: str  # where it is sent
    data: dict[str, str]
    table: type[Table]  # where the row goes
    audited: str = ""  # the audit trail's action for it, if it has one


async def creating_forms(town: Town) -> list[CreatingForm]:
    [employer] = await Employer.insert(Employer(township=town.township, name="重发食品厂", approved=True))
    training = {
        "topic": "yulu", "title": "雨露计划电工培训", "work_kind": "construction", "held_on": clock.today().isoformat(),
        "place": "镇文化站", "organiser": "镇人社所", "trainer": "刘老师", "capacity": "20",
    }  # fmt: skip
    check = {"title": "入户抽查", "checklist": "明白卡是否上墙", "planned_on": clock.today().isoformat(),
             "villages": str(town.village), "per_village": "1"}  # fmt: skip
    return [
        CreatingForm("admin", "/projects/new", "/projects", project_form(), Project, "project_created"),
        CreatingForm("cadre", "/jobs/trainings/new", "/jobs/trainings/", training, Training, "training_created"),
        CreatingForm(f"employer:{employer['id']}", "/employer/jobs/new", "/employer/jobs/", job_form(), JobPost),
        CreatingForm("inspector", "/checks/new", "/checks", check, SpotCheck),
    ]


async def user_for(town: Town, role: str) -> str:
    if role.startswith("employer:"):
        return (await town.user("employer", employer_id=int(role.split(":")[1])))[1]
    return (await town.user(role))[1]


async def test_each_creating_form_sent_twice_makes_one_row_and_both_answers_lead_to_it(app: Any, town: Town) -> None:
    for form in await creating_forms(town):
        async with logged_in(app, await user_for(town, form.role)) as (http, _):
            before = await form.table.count()
            data = filled(await http.get(form.page), form.data)
            first = await http.post(form.action, data=data)
            again = await http.post(form.action, data=data)
            assert first.status_code == again.status_code == 303, (form.action, first.text[:300])
            assert again.headers["location"] == first.headers["location"]
            assert await form.table.count() == before + 1, form.action
            made = int(first.headers["location"].rstrip("/").rsplit("/", 1)[1])
            if form.audited:
                audited = AuditEvent.count().where(
                    (AuditEvent.action == form.audited) & (AuditEvent.target_id == str(made))
                )
                assert await audited == 1, form.audited


async def test_a_form_sent_many_times_at_once_makes_one_project(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, _):
        data = filled(await http.get("/projects/new"), project_form(name="同时多次提交的项目"))
        answers = await at_once([http.post("/projects", data=data) for _ in range(6)])
    assert {answer.status_code for answer in answers} == {303}
    assert len({answer.headers["location"] for answer in answers}) == 1
    assert await Project.count().where(Project.name == "同时多次提交的项目") == 1


async def test_the_form_shown_again_makes_a_new_row(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, _):
        for _ in range(2):
            data = filled(await http.get("/projects/new"), project_form(name="每次打开表单都是新项目"))
            assert (await http.post("/projects", data=data)).status_code == 303
    assert await Project.count().where(Project.name == "每次打开表单都是新项目") == 2


async def test_a_progress_note_sent_twice_is_noted_once(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, _):
        created = await http.post("/projects", data=filled(await http.get("/projects/new"), project_form()))
        project = created.headers["location"]
        note = {"noted_on": clock.today().isoformat(), "percent": "60", "note": "路基完成"}
        data = filled(await http.get(project), note)
        answers = [await http.post(f"{project}/progress", data=data) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    project_id = int(project.rsplit("/", 1)[1])
    assert await ProjectProgress.count().where(ProjectProgress.project == project_id) == 1


async def test_the_same_page_sent_again_with_other_content_makes_a_row_of_its_own(app: Any, town: Town) -> None:
    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, _):
        page = await http.get("/projects/new")  # without JavaScript, the back button shows it again, token and all
        for name in ("第一次填写的项目", "返回后改写的项目"):
            assert (await http.post("/projects", data=filled(page, project_form(name=name)))).status_code == 303
    assert await Project.count().where(Project.name.is_in(["第一次填写的项目", "返回后改写的项目"])) == 2


async def test_another_persons_form_sent_again_is_refused_and_writes_nothing(app: Any, town: Town) -> None:
    _, first_admin = await town.user("admin")
    _, second_admin = await town.user("admin")
    async with logged_in(app, first_admin) as (http, _):
        data = filled(await http.get("/projects/new"), project_form(name="别人的令牌"))
        assert (await http.post("/projects", data=data)).status_code == 303
    async with logged_in(app, second_admin) as (http, token):
        replayed = await http.post("/projects", data={**data, "_csrf_token": token})
    assert replayed.status_code == 409
    assert "表单已过期" in replayed.text
    assert await Project.count().where(Project.name == "别人的令牌") == 1


@pytest.mark.parametrize("kind", ["difficulty", "complaint"])
async def test_a_villagers_report_sent_twice_from_a_door_card_is_received_once(app: Any, town: Town, kind: str) -> None:
    household = town.households[0]
    card = (await tokens_for([household], None))[household]
    fields = {"difficulty": {"category": "illness", "text": "老伴住院了"}, "complaint": {"text": "路灯坏了"}}[kind]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        data = filled(await http.get(f"/c/{card}"), fields)
        answers = [await http.post(f"/c/{card}/{kind}", data=data) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    assert await PublicReport.count().where(PublicReport.household == household) == 1


async def test_old_form_tokens_are_forgotten_by_the_nightly_upkeep(app: Any, town: Town, database: str) -> None:
    from server.database import connect
    from server.operations.migrations import maintain

    _, admin = await town.user("admin")
    async with logged_in(app, admin) as (http, _):
        data = filled(await http.get("/projects/new"), project_form(name="一个月前的表单"))
        assert (await http.post("/projects", data=data)).status_code == 303
    owner = await connect(database)
    try:
        month_ago = clock.now() - timedelta(days=31)
        key = sending_key("/projects", FormMultiDict(data))
        await owner.execute("UPDATE form_submission SET created_at = $1 WHERE token = $2", month_ago, key)
        _, _, forgotten = await maintain(database)
        assert forgotten >= 1
        assert await owner.fetchval("SELECT count(*) FROM form_submission WHERE token = $1", key) == 0
    finally:
        await owner.close()
