"""The county office's townships: listed with their codes, added, renamed, villages moved between them (the county
is always the user's own)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from server.accounts.sessions import CurrentUser
from server.accounts.tables import User
from server.audit.queries import record
from server.i18n import N_
from server.piccolo_conf import DB
from server.places.queries import CODE_TAKEN
from server.places.tables import County, Township, Village
from server.savepoints import undone_on_conflict


@dataclass(frozen=True)
class TownshipRow:
    id: int
    name: str
    code: str
    villages: int
    accounts: int


_TOWNSHIPS = """
SELECT t.id, t.name, t.code,
       (SELECT count(*) FROM village v WHERE v.township = t.id AND v.closed_on IS NULL) AS villages,
       (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active) AS accounts
FROM township t WHERE t.county = {} ORDER BY t.code
"""


async def townships_of_county(county_id: int | None) -> list[TownshipRow]:
    return [TownshipRow(**row) for row in await Township.raw(_TOWNSHIPS, county_id or -1)]


async def county_code(county_id: int | None) -> str:
    row = await County.select(County.code).where(County.id == (county_id or -1)).first()
    return str(row["code"]) if row else ""


async def township_of_county(county_id: int | None, township_id: int) -> dict[str, object] | None:
    return await Township.select().where((Township.id == township_id) & (Township.county == (county_id or -1))).first()


async def add_township(user: CurrentUser, ip: str, name: str, code: str) -> int | None:
    """A new township of the user's county; None when the code is taken (the unique index decides)."""
    try:
        async with undone_on_conflict():
            [row] = await Township.insert(Township(county=user.county_id, name=name, code=code))
            await record(
                "township_added",
                actor=user,
                target_type="township",
                target_id=row["id"],
                ip=ip,
                detail={"changes": {"name": [None, name], "code": [None, code]}},
            )
    except asyncpg.UniqueViolationError:
        return None
    return int(row["id"])


async def rename_township(user: CurrentUser, ip: str, township: dict[str, object], name: str) -> None:
    if name == township["name"]:
        return
    async with DB.transaction():
        await Township.update({Township.name: name}).where(Township.id == township["id"])
        await record(
            "township_renamed",
            actor=user,
            target_type="township",
            target_id=township["id"],
            ip=ip,
            detail={"changes": {"name": [township["name"], name]}},
        )


async def villages_of_county_township(county_id: int | None, township_id: int) -> list[dict[str, object]]:
    return await (
        Village.select(Village.id, Village.name, Village.code, Village.closed_on)
        .where((Village.township == township_id) & (Village.township.county == (county_id or -1)))
        .order_by(Village.code)
    )


async def village_of_county(county_id: int | None, village_id: int) -> dict[str, object] | None:
    return await (
        Village.select(Village.id, Village.name, Village.code, Village.township, Village.township.name.as_alias("town"))
        .where((Village.id == village_id) & (Village.township.county == (county_id or -1)))
        .first()
    )


async def move_village(user: CurrentUser, ip: str, village: dict[str, object], township: dict[str, object],
                       code: str) -> str | None:  # fmt: skip
    """The village with its households (and their visits and pairings) under another township of the county, with
    the code it has there; a msgid when refused (nothing changed): the code is taken, or accounts are based there."""
    try:
        async with undone_on_conflict():
            await Village.raw("SELECT id FROM village WHERE id = {} FOR UPDATE", village["id"])
            based = await User.count().where((User.village == village["id"]) & (User.is_active == True))  # noqa: E712
            if based:
                return N_("Accounts are based in this village: move or change them first.")
            await Village.update({Village.township: township["id"], Village.code: code}).where(
                Village.id == village["id"]
            )
            changes = {"township": [village["town"], township["name"]], "code": [village["code"], code]}
            await record("village_moved", actor=user, target_type="village", target_id=village["id"], ip=ip,
                         detail={"changes": changes})  # fmt: skip
    except asyncpg.UniqueViolationError:
        return CODE_TAKEN
    return None
