"""Fixtures of the household tests: a small register in the test township, and valid ID numbers on demand."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from server.households import id_numbers
from server.households.pinyin import search_keys
from server.households.tables import Household, Member
from server.places.tables import VillageGroup
from server.policy.registry import MONITORING_LINE, POVERTY_LINE, POVERTY_LINE_CONSTANT
from tests.helpers import record_rule

_sequence = itertools.count()


def new_id(birth: date = date(1970, 5, 1), sex: str = "M") -> str:
    """A valid ID number no other test of this run uses."""
    n = next(_sequence)
    return id_numbers.make("371326", date(birth.year, birth.month, 1 + n % 28), n // 28 % 499, sex)


async def add_household(village: int, head: str, code: str, **fields: Any) -> dict[str, Any]:
    """A household with its head (and `members`: [(name, relation)] more), as the registry would store it."""
    extra = fields.pop("members", [])
    household = Household(code=code, village=village, **fields)
    await household.save()
    people = []
    for name, relation in [(head, "head"), *extra]:
        number = new_id()
        member = Member(
            household=household.id,
            name=name,
            **search_keys(name),
            id_number=number,
            relation=relation,
            phone="13812345678" if relation == "head" else "",
        )
        await member.save()
        people.append({"id": member.id, "name": name, "id_number": number})
    return {"id": household.id, "code": code, "members": people}


@pytest.fixture
async def register(township: dict[str, int]) -> dict[str, Any]:
    """张三's household (2 people) and 李四's (1 person) in 双河村, with the 2025 standard."""
    for rule, value in ((POVERTY_LINE, 4500), (POVERTY_LINE_CONSTANT, 3000), (MONITORING_LINE, 7300)):
        await record_rule(rule, value, county=township["county"], year=2025)
    group = VillageGroup(village=township["village"], name="一组")
    await group.save()
    zhang = await add_household(
        township["village"],
        "张三",
        "H-0001",
        group=group.id,
        members=[("王芳", "spouse")],
        income_year=2025,
        wage_income=Decimal(6000),
        business_income=Decimal(2000),
        transfer_income=Decimal(1000),
        production_cost=Decimal(1000),
        bank_name="平邑农商银行",
        bank_account="6231901234567890123",
        phone="13912345678",
    )
    li = await add_household(township["village"], "李四", "H-0002")
    return {**township, "group": group.id, "zhang": zhang, "li": li}
