"""The small township of the pairing tests, an inspection group account, and recent visits to sample."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.households.tables import Household
from server.visits.tables import Visit
from tests.pairing.conftest import Small, small  # noqa: F401 -- the fixture, shared


@dataclass
class Supervised:
    small: Small
    inspector: int
    visits: list[int]


async def add_visit(household: int, cadre: int, days_ago: int, note: str = "入户走访") -> int:
    at = datetime.now(UTC) - timedelta(days=days_ago)
    [row] = await Visit.insert(
        Visit(client_id=uuid.uuid4(), household=household, cadre=cadre, visited_at=at, note=note, created_at=at)
    ).returning(Visit.id)
    return int(row["id"])


@pytest.fixture
async def supervised(small: Small, make_user: Any) -> Supervised:  # noqa: F811
    inspector = await make_user("inspector", username="t_insp", display_name="周督导")
    await Household.update({Household.phone: "13912345678"}).where(Household.id == small.h["A3"])
    visits = [await add_visit(small.h["A3"], small.m1, d) for d in (2, 5, 9, 12)]
    visits += [await add_visit(small.h["B1"], small.m2, d) for d in (3, 8)]
    visits.append(await add_visit(small.h["A1"], small.leader, 4))
    visits.append(await add_visit(small.h["A3"], small.m1, 80))  # outside a 30-day period
    return Supervised(small, inspector, visits)
