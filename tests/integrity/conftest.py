"""Rows that simultaneous requests can see: written outside any test transaction, removed again after the test."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from server.accounts.roles import Role
from server.database import connect
from server.households import id_numbers
from server.households.pinyin import search_keys
from server.households.tables import Household, Member
from server.places.tables import County, Township, Village, VillageGroup
from tests.helpers import csrf_token_of, log_in

_people = itertools.count(1)


@pytest.fixture
async def committed(database: str) -> AsyncIterator[None]:
    """Whatever the test commits is deleted afterwards (as the owner, triggers off: the audit trail's guard too), so
    the tests after it start from the same database as before."""
    owner = await connect(database)
    try:
        tables = [
            row["table_name"]
            for row in await owner.fetch(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'"
                " AND column_name = 'id' AND data_type IN ('integer', 'bigint')"
            )
        ]
        marks = {table: await owner.fetchval(f'SELECT coalesce(max(id), 0) FROM "{table}"') for table in tables}
        # What the database keeps per household in tables of their own (counts, dates, search keys), which the
        # households' cascade would have deleted with triggers on.
        kept_per_household = [
            row["table_name"]
            for row in await owner.fetch(
                "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t"
                " USING (table_schema, table_name) WHERE c.table_schema = 'public' AND c.column_name = 'household'"
                " AND t.table_type = 'BASE TABLE' AND c.table_name <> ALL($1::text[])",
                tables,
            )
        ]
        started = await owner.fetchval("SELECT clock_timestamp()")
        yield
        async with owner.transaction():
            await owner.execute("SET LOCAL session_replication_role = replica")
            await owner.execute('DELETE FROM web_session WHERE "user" > $1', marks["app_user"])
            await owner.execute("DELETE FROM form_submission WHERE created_at >= $1", started)
            for table, mark in marks.items():
                await owner.execute(f'DELETE FROM "{table}" WHERE id > $1', mark)
            for table in kept_per_household:
                await owner.execute(f'DELETE FROM "{table}" WHERE household > $1', marks["household"])
    finally:
        await owner.close()


@dataclass
class Town:
    """A committed township of its own (code 371326199000): a village, its households (each with a head), staff."""

    township: int
    village: int
    households: list[int]
    password_hash: str

    async def user(self, role: str, **fields: Any) -> tuple[int, str]:
        from server.accounts.queries import create_user

        username = f"{role}_{uuid.uuid4().hex[:6]}"
        fields.setdefault("township_id", self.township if role != "employer" else None)
        user_id = await create_user(
            username=username,
            password_hash=self.password_hash,
            display_name=fields.pop("display_name", f"干部{next(_people)}"),
            role=Role(role),
            **fields,
        )
        return user_id, username


async def add_household(village: int, code: str, status: str = "not_out") -> int:
    [row] = await Household.insert(Household(code=code, village=village, status=status))
    n = next(_people)
    name = f"户主{n}"
    number = id_numbers.make("371326", date(1970, 1, 1) + timedelta(days=n), n % 500, "M")
    await Member.insert(Member(household=row["id"], name=name, id_number=number, relation="head", **search_keys(name)))
    return int(row["id"])


@pytest.fixture
async def town(committed: None, password_hash: str) -> Town:
    county = await County.select(County.id).where(County.code == "371326000000").first()
    county_id = county["id"] if county else (await County.insert(County(name="平邑县", code="371326000000")))[0]["id"]
    [township] = await Township.insert(Township(county=county_id, name="并发镇", code="371326199000"))
    [village] = await Village.insert(
        Village(township=township["id"], name="并发村", code="371326199001", population=800)
    )
    await VillageGroup.insert(VillageGroup(village=village["id"], name="一组"))
    households = [await add_household(village["id"], f"C{n:03d}") for n in range(1, 9)]
    return Town(township["id"], village["id"], households, password_hash)


Send = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@asynccontextmanager
async def logged_in(app: Any, username: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client of its own (its own session), logged in, and a CSRF token of its session."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await log_in(http, username)
        assert response.status_code == 303, response.text
        yield http, csrf_token_of((await http.get("/me")).text)


async def at_once(requests: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """Every request started together; none may fail with a server error or leak a traceback."""
    answers = await asyncio.gather(*requests)
    for answer in answers:
        assert answer.status_code < 500, answer.text[:500]
        assert "Traceback" not in answer.text
    return list(answers)
