"""A small township to count on paper: two villages, seven households that need a cadre, five staff."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from server.accounts.tables import User
from server.households.tables import Household, Member
from server.pairing.tables import Pairing
from server.places.tables import Village
from server.visits.tables import Visit
from tests.helpers import csrf_token_of

_numbers = itertools.count(1)


async def add_household(village: int, code: str, head: str, **fields: Any) -> int:
    household = Household(code=code, village=village, **fields)
    await household.save()
    await Member(household=household.id, name=head, id_number=f"T{next(_numbers):017d}", relation="head").save()
    return int(household.id)


async def add_pairing(household: int, cadre: int, rank: int = 1, started_on: date = date(2026, 1, 5)) -> int:
    [row] = await Pairing.insert(Pairing(household=household, cadre=cadre, rank=rank, started_on=started_on))
    return int(row["id"])


async def add_visit(household: int, cadre: int) -> None:
    """A visit the cadre recorded lately (pairing or not: a village's first secretary visits everyone)."""
    await Visit.insert(Visit(client_id=uuid.uuid4(), household=household, cadre=cadre, note="走访"))


@dataclass
class Small:
    """Village A (双河村): A1-A4 need a cadre, A5 does not. Village B (周庄村, 3 km away): B1, B2, B3 (monitored).

    Leader L has A1, A2 (under quota 3). M1 (based in A) has A3; M2 (based in B) has B1; M3 (no village) none;
    D is disabled. Covered: A 3/4, B 1/3, township 4/7. Leaders meeting quota 0/1, members 2/3.
    """

    township: int
    village_a: int
    village_b: int
    h: dict[str, int]
    admin: int
    leader: int
    m1: int
    m2: int
    m3: int
    disabled: int
    cadre_phone: str = "13800001111"


@pytest.fixture
async def small(township: dict[str, int], make_user: Any) -> Small:
    town = township["township"]
    village_a = township["village"]
    await Village.update({Village.latitude: 35.30, Village.longitude: 117.80}).where(Village.id == village_a)
    b = Village(township=town, name="周庄村", code="371326105002", latitude=35.327, longitude=117.80)
    await b.save()
    h = {}
    for n in range(1, 5):
        h[f"A{n}"] = await add_household(village_a, f"A{n}", f"甲户主{n}")
    h["A5"] = await add_household(village_a, "A5", "甲户主5", status="none")
    h["B1"] = await add_household(b.id, "B1", "乙户主1")
    h["B2"] = await add_household(b.id, "B2", "乙户主2", status="out_supported")
    h["B3"] = await add_household(b.id, "B3", "乙户主3", status="none", monitoring_type="marginal")
    admin = await make_user("admin", username="t_admin")
    leader = await make_user("leader", username="t_leader", display_name="李领导")
    m1 = await make_user("cadre", username="t_m1", display_name="王甲", village_id=village_a, phone="13800001111")
    m2 = await make_user("cadre", username="t_m2", display_name="赵乙", village_id=b.id)
    m3 = await make_user("cadre", username="t_m3", display_name="钱丙")
    disabled = await make_user("cadre", username="t_off", display_name="孙停")
    await User.update({User.is_active: False}).where(User.id == disabled)
    for code, cadre in (("A1", leader), ("A2", leader), ("A3", m1), ("B1", m2)):
        await add_pairing(h[code], cadre)
    return Small(town, village_a, b.id, h, admin, leader, m1, m2, m3, disabled)


async def accept_proposal_a4(client: Any, assistant_page: str, small: Small) -> Any:
    """Accept the assistant's proposal of 王甲 (m1) as household A4's first cadre, as the page's button does (htmx)."""
    proposal = {"household": str(small.h["A4"]), "cadre": str(small.m1), "rank": "1", "label": "甲户主4 → 王甲"}
    return await client.post(
        "/pairings/assistant/accept",
        data={**proposal, "_csrf_token": csrf_token_of(assistant_page)},
        headers={"HX-Request": "true", "HX-Target": f"proposal-{small.h['A4']}-1"},
    )
