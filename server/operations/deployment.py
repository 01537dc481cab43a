"""A database is a real deployment (`bangfu setup`) or the demo (`bangfu demo`), said once and kept: the demo never
loads into a real deployment, and `bangfu setup` never runs on the demo or on a database that has accounts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from server.accounts.passwords import hash_password
from server.accounts.roles import Role
from server.accounts.tables import Deployment, User
from server.audit.queries import record
from server.piccolo_conf import DB
from server.places.division_codes import code_problem
from server.places.tables import County, Region

REAL, DEMO = "real", "demo"
LOCK_KEY = 2026_0526  # pg_advisory_xact_lock of `bangfu demo` and `bangfu setup`: one load at a time


class NotSetUp(Exception):
    """Why `bangfu setup` or `bangfu demo` refuses, in Chinese and English, for the command line."""


async def deployment_kind() -> str | None:
    row = await Deployment.select(Deployment.kind).first()
    return str(row["kind"]) if row else None


async def mark(kind: str) -> None:
    """Say what this database is (inside the caller's transaction); the other kind is refused."""
    current = await deployment_kind()
    if current is None:
        await Deployment.insert(Deployment(kind=kind))
    elif current != kind:
        raise NotSetUp(
            "这是正式部署的数据库, 不能加载演示数据 (a real deployment: the demo is never loaded here)"
            if current == REAL
            else "这是演示数据库, 请在空数据库上运行 bangfu setup (the demo database: run setup on an empty database)"
        )


@dataclass(frozen=True)
class Place:
    code: str
    name: str


@dataclass(frozen=True)
class FirstAccount:
    username: str
    display_name: str
    password: str
    phone: str | None = None
    title: str = ""


def place_problems(province: Place, city: Place, county: Place) -> list[str]:
    """What is wrong with the region tree as typed (msgids, with the level), or nothing."""
    problems = []
    for level, place, parent in (("province", province, None), ("city", city, province), ("county", county, city)):
        if not place.name.strip() or len(place.name) > 50:
            problems.append(f"{level}: name")
        problem = code_problem(place.code, level, parent.code if parent else None)
        if problem:
            problems.append(f"{level} {place.code}: {problem}")
    return problems


async def _region(level: str, place: Place, parent: int | None) -> int:
    row = await Region.select(Region.id, Region.name).where(Region.code == place.code).first()
    if row is None:
        [row] = await Region.insert(Region(level=level, code=place.code, name=place.name, parent=parent))
    return int(row["id"])


async def set_up(province: Place, city: Place, county: Place, account: FirstAccount) -> int:
    """The region tree down to the county and the county office's first account; returns the account's id."""
    password_hash = await asyncio.to_thread(hash_password, account.password)
    async with DB.transaction() as transaction:
        await transaction.connection.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
        if await User.count() > 0:
            raise NotSetUp("数据库中已有账号, 未做任何更改 (the database already has accounts: nothing changed)")
        await mark(REAL)
        province_id = await _region("province", province, None)
        city_id = await _region("city", city, province_id)
        row = await County.select(County.id).where(County.code == county.code).first()
        if row is None:
            [row] = await County.insert(County(name=county.name, code=county.code, region=city_id))
        [user] = await User.insert(
            User(
                username=account.username,
                password_hash=password_hash,
                display_name=account.display_name,
                role=Role.COUNTY.value,
                county=row["id"],
                phone=account.phone,
                title=account.title,
            )
        )
        await record(
            "deployment_set_up",
            actor_label="bangfu setup",
            target_type="county",
            target_id=row["id"],
            detail={"county": f"{county.code} {county.name}", "account": account.username},
        )
    return int(user["id"])
