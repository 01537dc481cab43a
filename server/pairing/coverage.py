"""Coverage figures for leaders and admins: two aggregate queries whatever the township's size.

Outcome-first (DOMAIN.md §8): households covered, cadres meeting their quota, households not visited, follow-ups
overdue. No check-in counts and no ranking of people. Visit figures come from server/pairing/visit_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.pairing import visit_figures
from server.pairing.queries import HEAD_NAME_SQL
from server.pairing.rules import Quotas, eligible_sql
from server.pairing.tables import Pairing

_VILLAGES = """
WITH t AS (SELECT id, unvisited_alert_days FROM township WHERE id = {{}}),
hh AS (
  SELECT h.id, h.village, EXISTS (SELECT 1 FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL) AS covered
  FROM household h JOIN village v ON v.id = h.village JOIN t ON v.township = t.id
  WHERE {eligible}
)
SELECT v.id, v.name, v.key_level, count(h.id) AS households, count(h.id) FILTER (WHERE h.covered) AS covered,
       {visit_columns}
FROM village v JOIN t ON v.township = t.id LEFT JOIN hh h ON h.village = v.id
GROUP BY v.id, v.name, v.key_level, v.code ORDER BY v.code
"""

_CADRES = """
WITH t AS (SELECT * FROM township WHERE id = {}),
c AS (
  SELECT u.role, u.village,
         (SELECT count(*) FROM pairing p WHERE p.cadre = u.id AND p.ended_on IS NULL) AS households
  FROM app_user u JOIN t ON u.township = t.id WHERE u.is_active AND u.role IN ('leader', 'cadre')
)
SELECT c.role, c.village, count(*) AS cadres,
       count(*) FILTER (WHERE c.households >= CASE WHEN c.role = 'leader' THEN t.leader_quota ELSE t.cadre_quota END)
         AS meeting_quota,
       max(t.leader_quota) AS leader_quota, max(t.cadre_quota) AS cadre_quota, max(t.quota_maximum) AS quota_maximum,
       max(t.unvisited_alert_days) AS unvisited_alert_days
FROM c CROSS JOIN t GROUP BY c.role, c.village
"""


@dataclass
class Figures:
    """One line of the dashboard: the township, or one village."""

    households: int = 0
    covered: int = 0
    unvisited: int = 0
    overdue: int = 0
    leaders: int = 0
    leaders_meeting: int = 0
    members: int = 0
    members_meeting: int = 0

    @property
    def uncovered(self) -> int:
        return self.households - self.covered

    @property
    def percent(self) -> int:
        """Covered share, rounded down so 100% means every household."""
        return 100 if self.households == 0 else self.covered * 100 // self.households


@dataclass
class VillageFigures(Figures):
    id: int = 0
    name: str = ""
    key_level: str = ""


@dataclass
class Coverage:
    township: Figures
    villages: list[VillageFigures]
    quotas: Quotas


async def coverage(township_id: int | None) -> Coverage:
    """The township's figures and each village's, in two queries."""
    town = township_id or -1
    sql = _VILLAGES.format(eligible=eligible_sql("h"), visit_columns=visit_figures.household_figure_columns())
    village_rows = await Pairing.raw(sql, town)
    cadre_rows = await Pairing.raw(_CADRES, town)
    villages = [_village(row) for row in village_rows]
    by_id = {v.id: v for v in villages}
    total = Figures(
        households=sum(v.households for v in villages),
        covered=sum(v.covered for v in villages),
        unvisited=sum(v.unvisited for v in villages),
        overdue=sum(v.overdue for v in villages),
    )
    for row in cadre_rows:
        for figures in (total, by_id.get(row["village"])):
            if figures is not None:
                _add_cadres(figures, row)
    return Coverage(total, villages, _quotas(cadre_rows))


def _village(row: dict[str, Any]) -> VillageFigures:
    return VillageFigures(
        households=row["households"], covered=row["covered"], unvisited=row["unvisited"], overdue=row["overdue"],
        id=row["id"], name=row["name"], key_level=row["key_level"],
    )  # fmt: skip


def _add_cadres(figures: Figures, row: dict[str, Any]) -> None:
    if row["role"] == "leader":
        figures.leaders += row["cadres"]
        figures.leaders_meeting += row["meeting_quota"]
    else:
        figures.members += row["cadres"]
        figures.members_meeting += row["meeting_quota"]


def _quotas(rows: list[dict[str, Any]]) -> Quotas:
    if not rows:
        return Quotas()
    row = rows[0]
    return Quotas(row["leader_quota"], row["cadre_quota"], row["quota_maximum"], row["unvisited_alert_days"])


async def uncovered_households(township_id: int | None, village_id: int | None) -> list[dict[str, Any]]:
    """The registered or monitored households without an active responsible cadre (the list behind a figure)."""
    return list(
        await Pairing.raw(
            f"SELECT h.id, h.code, h.status, h.monitoring_type, v.name AS village, {HEAD_NAME_SQL} AS head"
            " FROM household h JOIN village v ON v.id = h.village"
            f" WHERE v.township = {{}} AND {eligible_sql('h')} AND (v.id = {{}} OR {{}})"
            " AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL)"
            " ORDER BY v.code, h.code",
            township_id or -1,
            village_id or -1,
            village_id is None,
        )
    )


async def pending_households(township_id: int | None, kind: str, village_id: int | None) -> list[dict[str, Any]]:
    """The list behind a dashboard figure: households needing a cadre that were not visited / are overdue."""
    return list(
        await Pairing.raw(
            f"SELECT h.id, h.code, h.status, h.monitoring_type, v.name AS village, {HEAD_NAME_SQL} AS head,"
            " (SELECT max(x.visited_at) FROM visit x WHERE x.household = h.id) AS last_visit"
            " FROM household h JOIN village v ON v.id = h.village JOIN township t ON t.id = v.township"
            f" WHERE t.id = {{}} AND {eligible_sql('h')} AND {visit_figures.PENDING_CONDITIONS[kind]}"
            " AND (v.id = {} OR {})"
            " ORDER BY v.code, h.code",
            township_id or -1,
            village_id or -1,
            village_id is None,
        )
    )


async def cadres_under_quota(township_id: int | None, role: str | None) -> list[dict[str, Any]]:
    """Active leaders / ordinary members below their quota, by name (a to-do list, not a ranking)."""
    return list(
        await Pairing.raw(
            "SELECT u.id, u.display_name, u.title, u.role, v.name AS village, x.households,"
            " CASE WHEN u.role = 'leader' THEN t.leader_quota ELSE t.cadre_quota END AS quota"
            " FROM app_user u JOIN township t ON t.id = u.township LEFT JOIN village v ON v.id = u.village"
            " CROSS JOIN LATERAL (SELECT count(*) AS households FROM pairing p"
            "   WHERE p.cadre = u.id AND p.ended_on IS NULL) x"
            " WHERE u.township = {} AND u.is_active AND u.role IN ('leader', 'cadre') AND (u.role = {} OR {})"
            " AND x.households < CASE WHEN u.role = 'leader' THEN t.leader_quota ELSE t.cadre_quota END"
            " ORDER BY u.role DESC, u.display_name, u.id",
            township_id or -1,
            role or "",
            role is None,
        )
    )
