"""A small world for the jobs tests: two employers, a cadre paired with a household of three, another cadre."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from server.clock import today
from server.employers.tables import Employer
from server.households import id_numbers
from server.households.tables import Household, Member
from server.jobs.tables import JobPost
from server.pairing.tables import Pairing
from server.places.tables import Village

REGION = "371326"
_sequence = iter(range(400))


def id_number(age: int, sex: str = "M") -> str:
    """A valid ID number of someone `age` years old today (born on 1 January... of that year, minus a day)."""
    born = date(today().year - age - 1, 12, 31)
    return id_numbers.make(REGION, born, next(_sequence), sex)


async def make_household(village: int, members: list[dict[str, Any]], **fields: Any) -> tuple[int, list[int]]:
    household = Household(code=uuid.uuid4().hex[:12], village=village, phone="13900001111", **fields)
    await household.save()
    ids = []
    for member in members:
        row = Member(household=household.id, phone=member.pop("phone", ""), **member)
        await row.save()
        ids.append(int(row.id))
    return int(household.id), ids


async def make_job(employer: int, township: int, **fields: Any) -> int:
    values: dict[str, Any] = {
        "title": "缝纫工",
        "work_kind": "garment",
        "place": "双河村扶贫车间",
        "wage_min": 2500,
        "wage_max": 3000,
        "pay_unit": "month",
        "headcount": 2,
        "closing_date": today() + timedelta(days=30),
        **fields,
    }
    job = JobPost(employer=employer, township=township, **values)
    await job.save()
    return int(job.id)


@pytest.fixture
async def world(make_user: Any, township: dict[str, int]) -> dict[str, Any]:
    """Employer 'boss1' (approved, 'jobs' posted) and 'boss2'; cadre 'wang' paired with the Zhang household."""
    t, v = township["township"], township["village"]
    await Village.update({Village.latitude: 35.31, Village.longitude: 117.81}).where(Village.id == v)
    far = Village(township=t, name="石岭村", code="371326105002", latitude=35.6, longitude=118.2)
    await far.save()
    firms = []
    for name, approved in (("巧手服装扶贫车间", True), ("顺达物流有限公司", True), ("待审核公司", False)):
        firm = Employer(township=t, name=name, approved=approved, phone="13800002222", address="临涧镇某路1号")
        await firm.save()
        firms.append(int(firm.id))
    boss1 = await make_user("employer", username="boss1", employer_id=firms[0], township_id=t)
    boss2 = await make_user("employer", username="boss2", employer_id=firms[1], township_id=t)
    pending = await make_user("employer", username="pending", employer_id=firms[2], township_id=t)
    wang = await make_user("cadre", username="wang", display_name="王干部")
    li = await make_user("cadre", username="li", display_name="李干部")
    leader = await make_user("leader", username="lead", display_name="赵书记")
    admin = await make_user("admin", username="office", display_name="张主任")
    household, members = await make_household(
        v,
        [
            {
                "name": "张三",
                "id_number": id_number(35),
                "relation": "head",
                "labour_skill": "normal",
                "phone": "13712345678",
            },
            {
                "name": "李梅",
                "id_number": id_number(33, "F"),
                "relation": "spouse",
                "labour_skill": "lost",
                "health": "disabled",
            },
            {"name": "张小", "id_number": id_number(12), "relation": "son", "labour_skill": "none"},
            {"name": "张老", "id_number": id_number(58), "relation": "parent", "labour_skill": "weak"},
        ],
        status="not_out",
        wage_income=1000,
    )
    other_household, other_members = await make_household(
        far.id, [{"name": "王五", "id_number": id_number(40), "relation": "head", "labour_skill": "skilled"}]
    )
    await Pairing.insert(Pairing(household=household, cadre=wang, rank=1, started_on=date(2026, 1, 1)))
    await Pairing.insert(Pairing(household=other_household, cadre=li, rank=1, started_on=date(2026, 1, 1)))
    job = await make_job(firms[0], t, village=v)
    other_job = await make_job(firms[1], t, title="货车司机", work_kind="logistics")
    return {
        "township": t, "village": v, "far_village": far.id, "employers": firms, "boss1": boss1, "boss2": boss2,
        "pending": pending, "wang": wang, "li": li, "leader": leader, "admin": admin, "household": household,
        "worker": members[0], "disabled": members[1], "child": members[2], "elder": members[3],
        "other_household": other_household, "other_worker": other_members[0], "job": job, "other_job": other_job,
    }  # fmt: skip
