"""Places of the admin's township: villages with their groups."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.codes import KEY_VILLAGE_LEVEL, TrailFields
from server.households.history import changes
from server.households.tables import Household
from server.i18n import N_
from server.piccolo_conf import DB
from server.places.tables import Township, Village, VillageGroup
from server.savepoints import undone_on_conflict

CODE_TAKEN = N_("This division code is already used by another place.")

# Its events in the audit trail (this module, server.places.townships) as the audit page reads them: a village's
# and a township's fields as their forms name them.
TRAIL = TrailFields(
    actions=(
        "village_added",
        "village_changed",
        "village_closed",
        "village_reopened",
        "village_moved",
        "group_added",
        "group_renamed",
        "group_removed",
        "township_added",
        "township_renamed",
    ),
    labels={
        "name": N_("Name"),
        "code": N_("Division code"),
        "township": N_("Township"),
        "key_level": N_("Key poor village"),
        "is_pilot": N_("Pilot village"),
        "has_work_team": N_("A village work team is stationed here"),
        "population": N_("Population"),
        "latitude": N_("Latitude"),
        "longitude": N_("Longitude"),
        "closed_on": N_("Closed on"),
        "group": N_("Village group"),
    },
    codes={"key_level": KEY_VILLAGE_LEVEL},
)

_VILLAGES = """
SELECT v.id, v.name, v.code, v.key_level, v.is_pilot, v.population, v.has_work_team, v.closed_on,
       (SELECT count(*) FROM village_group g WHERE g.village = v.id) AS groups,
       (SELECT count(*) FROM household h WHERE h.village = v.id) AS households
FROM village v WHERE v.township = {} ORDER BY v.closed_on IS NOT NULL, v.code
"""


async def villages_of(township_id: int | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Village.raw(_VILLAGES, township_id or -1)
    return rows


async def village_of(township_id: int | None, village_id: int) -> dict[str, Any] | None:
    return await Village.select().where((Village.id == village_id) & (Village.township == (township_id or -1))).first()


async def groups_of(village_id: int) -> list[dict[str, Any]]:
    """The groups of a village with how many households each has."""
    rows: list[dict[str, Any]] = await VillageGroup.raw(
        'SELECT g.id, g.name, (SELECT count(*) FROM household h WHERE h."group" = g.id) AS households'
        " FROM village_group g WHERE g.village = {} ORDER BY g.id",
        village_id,
    )
    return rows


async def group_of(township_id: int | None, group_id: int) -> dict[str, Any] | None:
    rows = await VillageGroup.raw(
        "SELECT g.* FROM village_group g JOIN village v ON v.id = g.village WHERE g.id = {} AND v.township = {}",
        group_id,
        township_id or -1,
    )
    return rows[0] if rows else None


async def _audit(user: CurrentUser, ip: str, action: str, target_type: str, target_id: object, diff: Any) -> None:
    await record(
        action,
        actor=user,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        detail={"changes": diff},
    )


async def save_village(user: CurrentUser, ip: str, village: dict[str, Any], values: dict[str, Any]) -> None:
    diff = changes(village, values)
    if diff:
        async with DB.transaction():
            await Village.update({getattr(Village, k): v for k, v in values.items()}).where(Village.id == village["id"])
            await _audit(user, ip, "village_changed", "village", village["id"], diff)


async def group_name_taken(village_id: int, name: str, group_id: int | None = None) -> bool:
    return await VillageGroup.exists().where(
        (VillageGroup.village == village_id) & (VillageGroup.name == name) & (VillageGroup.id != (group_id or -1))
    )


async def add_group(user: CurrentUser, ip: str, village_id: int, name: str) -> None:
    async with DB.transaction():
        await VillageGroup.insert(VillageGroup(village=village_id, name=name))
        await _audit(user, ip, "group_added", "village", village_id, {"group": [None, name]})


async def rename_group(user: CurrentUser, ip: str, group: dict[str, Any], name: str) -> None:
    if name != group["name"]:
        async with DB.transaction():
            await VillageGroup.update({VillageGroup.name: name}).where(VillageGroup.id == group["id"])
            await _audit(user, ip, "group_renamed", "village", group["village"], {"group": [group["name"], name]})


async def remove_group(user: CurrentUser, ip: str, group: dict[str, Any]) -> str | None:
    """Remove a group no household uses; else a msgid saying why not (and nothing removed)."""
    async with DB.transaction():
        # Lock the group so no household is put in it while it is being removed.
        await VillageGroup.raw("SELECT id FROM village_group WHERE id = {} FOR UPDATE", group["id"])
        used = await Household.count().where(Household.group == group["id"])
        if used:
            return N_("This group cannot be removed: households are registered in it. Move them first.")
        await VillageGroup.delete().where(VillageGroup.id == group["id"])
        await _audit(user, ip, "group_removed", "village", group["village"], {"group": [group["name"], None]})
    return None


async def township_code(township_id: int | None) -> str:
    row = await Township.select(Township.code).where(Township.id == (township_id or -1)).first()
    return str(row["code"]) if row else ""


async def add_village(user: CurrentUser, ip: str, values: dict[str, Any]) -> int | None:
    """A new village of the admin's township; None when its code is taken (the unique index decides)."""
    try:
        async with undone_on_conflict():
            [row] = await Village.insert(Village(township=user.township_id, **values))
            await _audit(user, ip, "village_added", "village", row["id"], {k: [None, v] for k, v in values.items()})
    except asyncpg.UniqueViolationError:
        return None
    return int(row["id"])


async def set_village_closed(user: CurrentUser, ip: str, village: dict[str, Any], closed_on: date | None) -> None:
    """Close a village (no new household from that day) or open it again; its households stay where they are."""
    async with DB.transaction():
        await Village.update({Village.closed_on: closed_on}).where(Village.id == village["id"])
        action = "village_closed" if closed_on else "village_reopened"
        await _audit(user, ip, action, "village", village["id"], {"closed_on": [village["closed_on"], closed_on]})
