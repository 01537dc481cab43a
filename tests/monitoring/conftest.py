"""A small world for the monitoring tests: a monitoring line for this year, households around it, staff."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from server.clock import today
from server.households import id_numbers
from server.households.tables import Household, Member
from server.monitoring import steps
from server.pairing.tables import Pairing
from server.policy.registry import MONITORING_LINE, POVERTY_LINE
from tests.helpers import csrf_token_of, log_in, record_rule

LINE = Decimal("7600")
_sequence = itertools.count()


def this_year() -> int:
    return today().year


def new_id_number(age: int) -> str:
    n = next(_sequence)
    born = date(today().year - age, 1, 1) + timedelta(days=n % 300)
    return id_numbers.make("371326", born, n % 400, "M" if n % 2 else "F")


async def make_household(
    village: int, head: str, per_capita: int, members: int = 1, status: str = "out_supported", **fields: Any
) -> int:
    """A household of `members` people whose per-capita net income is `per_capita` yuan (all of it wages)."""
    fields.setdefault("wage_income", Decimal(per_capita * members))
    ages = fields.pop("ages", None)
    [row] = await Household.insert(
        Household(code=uuid.uuid4().hex[:12], village=village, status=status, income_year=this_year() - 1, **fields)
    ).returning(Household.id)
    for index in range(members):
        age = ages[index] if ages else 70  # old by default: not able to work unless a test says so
        await Member.insert(
            Member(
                household=row["id"],
                name=head if index == 0 else f"{head}{index}",
                id_number=new_id_number(age),
                relation="head" if index == 0 else "other",
                labour_skill="normal",
            )
        )
    return int(row["id"])


@pytest.fixture
async def world(make_user: Any, township: dict[str, int]) -> dict[str, int]:
    """Admin 'madmin', leader 'mleader', cadre 'mcadre' paired with every household; households around the line."""
    await record_rule(POVERTY_LINE, "4600", county=township["county"], year=this_year())
    await record_rule(MONITORING_LINE, LINE, county=township["county"], year=this_year())
    admin = await make_user("admin", username="madmin", display_name="张建华")
    leader = await make_user("leader", username="mleader", display_name="王立新")
    cadre = await make_user("cadre", username="mcadre", display_name="刘晓燕")
    village = township["village"]
    households = {
        "under": await make_household(village, "低收入", 6000),
        "near": await make_household(village, "临界户", 8000),  # within 10 % above 7600
        "above": await make_household(village, "稳定户", 9000),
        "poor": await make_household(village, "未脱贫", 3000, status="not_out"),
    }
    for household in households.values():
        await Pairing.insert(Pairing(household=household, cadre=cadre, rank=1, started_on=date(this_year(), 1, 2)))
    return {"admin": admin, "leader": leader, "cadre": cadre, "village": village, **households}


def actor(world: dict[str, int]) -> steps.Actor:
    return steps.Actor(id=world["admin"], label="madmin")


async def case_at(world: dict[str, int], household: int, state: str, found_days_ago: int = 30) -> int:
    """A risk case taken to `state` through the real steps, with dates in order in the past."""
    found = today() - timedelta(days=found_days_ago)
    case_id = await steps.open_case(actor(world), household, "income_below", found)
    if state in ("noticed", "monitored", "cleared"):
        await steps.start_notice(actor(world), case_id, found + timedelta(days=1), found + timedelta(days=7))
    if state in ("monitored", "cleared"):
        await steps.confirm(actor(world), case_id, found + timedelta(days=8), "marginal", today())
    if state == "cleared":
        await steps.clear(actor(world), case_id, today(), dict.fromkeys(CHECKLIST, True), today())
    return case_id


CHECKLIST = ("food_clothing_ok", "schooling_ok", "medical_ok", "housing_ok", "water_ok")


async def as_user(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    response = await log_in(client, username)
    assert response.status_code == 303, response.status_code
    return client


async def post_on(client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, Any]) -> httpx.Response:
    page = await client.get(page_url)
    assert page.status_code == 200, page.status_code
    return await client.post(action, data={**data, "_csrf_token": csrf_token_of(page.text)})


async def partial_index(db: Any, name: str) -> tuple[set[str], set[str]]:
    """The values an index's condition names (`status IN ('a', 'b')`: {"a", "b"}) and the columns it holds (its keys
    and included columns): what a test compares with the rule and the statement the index serves."""
    index = await db.connection.fetchrow(
        """
        SELECT pg_get_expr(i.indpred, i.indrelid) AS predicate,
               ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) AS key(attnum)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = key.attnum) AS columns
        FROM pg_index i WHERE i.indexrelid = $1::regclass
        """,
        name,
    )
    return set(re.findall(r"'(\w+)'", index["predicate"])), set(index["columns"])
