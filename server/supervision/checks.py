"""Spot checks (抽查): planned by the inspection group, read by the township. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.pairing.queries import responsible_cadres
from server.piccolo_conf import DB
from server.supervision.tables import SpotCheck, SpotCheckHousehold

HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1)"

_DRAW_HOUSEHOLDS = """
SELECT id FROM (
    SELECT h.id, row_number() OVER (PARTITION BY h.village ORDER BY random()) AS n
    FROM household h JOIN village vl ON vl.id = h.village
    WHERE vl.township = {} AND h.village = ANY({}) AND h.status <> 'none'
) s WHERE s.n <= {}
UNION
SELECT h.id FROM household h JOIN village vl ON vl.id = h.village WHERE vl.township = {} AND h.code = ANY({})
"""


@dataclass(frozen=True)
class CheckPlan:
    title: str
    checklist: str
    planned_on: date
    villages: list[int]
    per_village: int
    codes: list[str]


async def plan(user: CurrentUser, check: CheckPlan, ip: str) -> int:
    """The check and its households (drawn at random in the villages chosen, plus the numbers typed), audited."""
    async with DB.transaction():
        [row] = await SpotCheck.insert(
            SpotCheck(
                township=user.township_id,
                title=check.title,
                checklist=check.checklist,
                planned_on=check.planned_on,
                created_by=user.id,
            )
        ).returning(SpotCheck.id)
        township = user.township_id or -1
        drawn = await SpotCheck.raw(_DRAW_HOUSEHOLDS, township, check.villages, check.per_village, township,
                                    check.codes)  # fmt: skip
        households = sorted(r["id"] for r in drawn)
        if households:
            await SpotCheckHousehold.insert(
                *[SpotCheckHousehold(spot_check=row["id"], household=h, position=i) for i, h in enumerate(households)]
            )
        await record("spot_check_planned", actor=user, target_type="spot_check", target_id=row["id"], ip=ip,
                     detail={"villages": check.villages, "households": len(households)})  # fmt: skip
    return int(row["id"])


_CHECKS = """
SELECT c.id, c.title, c.checklist, c.planned_on, c.created_at, u.display_name AS created_by_name,
       (SELECT count(*) FROM spot_check_household x WHERE x.spot_check = c.id) AS households,
       (SELECT count(*) FROM finding f WHERE f.spot_check = c.id) AS findings,
       (SELECT count(*) FROM finding f WHERE f.spot_check = c.id AND f.state <> 'accepted') AS open_findings
FROM spot_check c LEFT JOIN app_user u ON u.id = c.created_by
WHERE c.township = {} AND ({}::int IS NULL OR c.id = {}::int)
ORDER BY c.planned_on DESC, c.id DESC
LIMIT 100
"""


async def checks(user: CurrentUser, check_id: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await SpotCheck.raw(_CHECKS, user.township_id or -1, check_id, check_id)
    return rows


_HOUSEHOLDS = f"""
SELECT h.id, h.code, {HEAD} AS head, vl.id AS village_id, vl.name AS village_name
FROM spot_check_household x JOIN household h ON h.id = x.household JOIN village vl ON vl.id = h.village
WHERE x.spot_check = {{}} ORDER BY vl.code, x.position
"""


async def check_page(user: CurrentUser, check_id: int) -> dict[str, Any] | None:
    """The check, its households with their responsible cadres, and the staff a finding can be assigned to."""
    found = await checks(user, check_id)
    if not found:
        return None
    households: list[dict[str, Any]] = await SpotCheckHousehold.raw(_HOUSEHOLDS, check_id)
    cadres = await responsible_cadres([h["id"] for h in households])
    for household in households:
        household["cadres"] = cadres.get(household["id"], [])
    return {"check": found[0], "households": households, "staff": await staff_of(user.township_id)}


async def staff_of(township_id: int | None) -> list[dict[str, Any]]:
    """Who can be made responsible for a finding: the township's active admins, leaders and cadres."""
    rows: list[dict[str, Any]] = await SpotCheck.raw(
        "SELECT id, display_name, role, title FROM app_user WHERE township = {} AND is_active"
        " AND role IN ('admin', 'leader', 'cadre') ORDER BY role, display_name",
        township_id or -1,
    )
    return rows
