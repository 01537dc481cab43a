"""The county office's townships: listed with their codes, added, renamed (the county is the user's own)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.piccolo_conf import DB
from server.places.tables import County, Township
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
