"""Identification test fixtures: a village with groups, a logged-in admin, applications taken to any state."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from server.clock import today
from server.demo.identification import county_approves
from server.households import id_numbers
from server.households.tables import Household, Member
from server.identification import applying, steps
from server.identification.steps import Actor
from server.places.tables import Village, VillageGroup
from tests.helpers import log_in

_sequence = itertools.count()


def new_id_number() -> str:
    """A valid, unique ID number for this run."""
    n = next(_sequence)
    return id_numbers.make("371326", date(1960, 1, 1) + timedelta(days=n // 400), n % 400, "M" if n % 2 else "F")


@pytest.fixture
async def village(township: dict[str, int]) -> dict[str, Any]:
    """The fixture township's 双河村 (900 people, a key village) with two groups."""
    await VillageGroup.insert(
        VillageGroup(village=township["village"], name="一组"), VillageGroup(village=township["village"], name="二组")
    )
    row = await Village.select().where(Village.id == township["village"]).first()
    assert row is not None
    return dict(row)


async def add_village(township: dict[str, int], population: int, name: str = "大井村") -> dict[str, Any]:
    [row] = await Village.insert(
        Village(township=township["township"], name=name, code=f"371326105{population:03d}"[:12], population=population)
    )
    await VillageGroup.insert(VillageGroup(village=row["id"], name="一组"))
    found = await Village.select().where(Village.id == row["id"]).first()
    assert found is not None
    return dict(found)


@pytest.fixture
async def admin(make_user: Any) -> Actor:
    user_id = await make_user("admin", username="ident_admin", display_name="张建华")
    return Actor(id=user_id, label="ident_admin")


@pytest.fixture
async def admin_client(client: httpx.AsyncClient, admin: Actor) -> httpx.AsyncClient:
    response = await log_in(client, "ident_admin")
    assert response.status_code == 303
    return client


async def applied(admin: Actor, village: dict[str, Any], head: str = "李四", members: int = 3) -> int:
    """A new family's application, through the same function the form uses."""
    group = await VillageGroup.select(VillageGroup.id).where(VillageGroup.village == village["id"]).first()
    values = {
        "head_name": head,
        "id_number": new_id_number(),
        "phone": "13912345678",
        "member_count": members,
        "main_cause": "lack_funds",
        "attribute": "general",
        "reason": "缺资金",
        "declared_income": None,
        "group": group["id"] if group else None,
    }
    return await applying.apply_for_new_family(admin, village, values)


PAST = date(2026, 5, 1)
SURVEY = {
    "team": ["王一", "王二", "王三"],
    "surveyed_on": PAST,
    "findings": "住房简陋",
    "member_count": 3,
    "eligible": True,
    "strike_reason": "",
}


async def in_state(admin: Actor, village: dict[str, Any], state: str, head: str = "李四") -> int:
    """An application taken up to `state` through the workflow's own steps (a notice that ended yesterday)."""
    order = ["applied", "surveyed", "preliminary", "appraised", "noticed", "reviewed", "approved", "registered"]
    app_id = await applied(admin, village, head)
    reached = order.index(state)
    if reached >= 1:
        await steps.survey(admin, app_id, SURVEY)
    if reached >= 2:
        await steps.shortlist(admin, app_id)
    if reached >= 3:
        meeting = {"held_on": PAST, "representatives_present": 30, "place": "村委会"}
        await steps.hold_meeting(
            admin, village["id"], meeting, {app_id: {"votes_for": 25, "votes_against": 3, "passed": True, "reason": ""}}
        )
    if reached >= 4:
        yesterday = today() - timedelta(days=1)
        notice = {"starts_on": yesterday - timedelta(days=6), "ends_on": yesterday, "posted_at": "公示栏"}
        await steps.start_notice(admin, village["id"], [app_id], notice)
    if reached >= 5:
        await steps.review(admin, app_id, {"on": today(), "passed": True, "note": ""})
    if reached >= 6:  # through the county's list, announced when the household is to be registered
        await county_approves(admin, admin, village["township"], app_id, announce=reached >= 7)
    if reached >= 7:
        await steps.register(admin, app_id)
    return app_id


async def household_of(app_id: int) -> dict[str, Any]:
    from server.identification.tables import Application

    app = await Application.select(Application.household).where(Application.id == app_id).first()
    assert app is not None
    row = await Household.select().where(Household.id == app["household"]).first()
    assert row is not None
    return dict(row)


async def head_of(household_id: int) -> dict[str, Any]:
    row = await Member.select().where((Member.household == household_id) & (Member.relation == "head")).first()
    assert row is not None
    return dict(row)
