"""Fixtures of the project tests: the pilot village and two others with households, and another township."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from server.households.tables import Household, Member
from server.places.tables import Township, Village

_numbers = itertools.count(1)


async def add_household(village: int, code: str, head: str) -> int:
    household = Household(code=code, village=village)
    await household.save()
    await Member(household=household.id, name=head, id_number=f"P{next(_numbers):017d}", relation="head").save()
    return int(household.id)


@pytest.fixture
async def villages(township: dict[str, int]) -> dict[str, Any]:
    """双河村 (from the township fixture), 下龙井村 (the pilot, 5 households) and 桃沟村 (3 households)."""
    town = township["township"]
    pilot = Village(township=town, name="下龙井村", code="371326105011", key_level="provincial", is_pilot=True)
    await pilot.save()
    taogou = Village(township=town, name="桃沟村", code="371326105010", key_level="provincial")
    await taogou.save()
    pilot_households = [await add_household(pilot.id, f"X-{n:04d}", f"龙户{n}") for n in range(1, 6)]
    taogou_households = [await add_household(taogou.id, f"T-{n:04d}", f"桃户{n}") for n in range(1, 4)]
    return {
        **township,
        "pilot": pilot.id,
        "taogou": taogou.id,
        "pilot_households": pilot_households,
        "taogou_households": taogou_households,
    }


@pytest.fixture
async def other_township(township: dict[str, int]) -> dict[str, int]:
    """A second township of the county, with one village and one household."""
    town = Township(county=township["county"], name="保太镇", code="371326106000")
    await town.save()
    village = Village(township=town.id, name="保太村", code="371326106001")
    await village.save()
    household = await add_household(village.id, "B-0001", "外镇户")
    return {"township": town.id, "village": village.id, "household": household}


def project_form(**overrides: str) -> dict[str, str]:
    """A valid project form (road hardening in the pilot village's year), as a browser would post it."""
    data = {
        "name": "村庄道路硬化",
        "kind": "road",
        "village": "",
        "year": "2026",
        "status": "completed",
        "progress_percent": "100",
        "started_on": "2026-04-15",
        "planned_completion_on": "2026-10-31",
        "completed_on": "2026-10-20",
        "accepted_on": "",
        "budget": "16.3万",
        "fund_provincial": "100000",
        "fund_villagers": "63000",
        "q_item": "硬化村庄道路",
        "q_value": "2850",
        "q_unit": "m2",
        "note": "",
    }
    data.update(overrides)
    return data
