"""Coverage figures for leaders and admins (a township by village), the county office (a county by township) and the
city and province offices (a region by county): two aggregate queries whatever the size.

Outcome-first (DOMAIN.md §8): households covered, cadres meeting their quota, households not visited, follow-ups
overdue. No check-in counts and no ranking of people. Visit figures come from server/pairing/visit_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from piccolo.querystring import QueryString

from server import policy
from server.clock import LOCAL_TODAY_SQL
from server.database import fetch_rows
from server.numbers import whole_percent
from server.pairing import visit_figures
from server.pairing.queries import HEAD_NAME_SQL
from server.pairing.rules import Quotas, covered_sql, eligible_sql
from server.pairing.tables import Pairing
from server.plans import queries as plan_queries
from server.policy.registry import CADRE_QUOTA, LEADER_QUOTA, QUOTA_MAXIMUM, UNVISITED_ALERT_DAYS, Rule
from server.standby import from_standby


# The households that need a responsible cadre in the townships `{towns}` selects (one township, or a county's).
# `t`: those townships with the rules in force in each today, each a column named by its key: the alert days, and the
# quotas for the cadres' figures; picked from the values recorded for the townships or above them, read once
# (`held`, server.policy.held_values_sql), instead of a `policy_value` lookup (a plpgsql function of five small reads)
# per township and rule; and the days the visit figures compare with (visit_figures.TOWNSHIP_DAY_COLUMNS).
# `hh`: per village, those households, covered, unvisited and overdue, counted in one pass (MATERIALIZED: when the
# planner could push a city's townships into it, it hashed every active pairing once per township).
def _towns(*rules: Rule[Any]) -> str:
    columns = ", ".join(f"{policy.held_sql(rule, 'held', 'w.id', LOCAL_TODAY_SQL)} AS {rule.key}" for rule in rules)
    return f"""towns AS MATERIALIZED (SELECT id, name, code, county FROM township WHERE {{towns}}),
held AS MATERIALIZED ({policy.held_values_sql(rules, "SELECT id FROM towns")}),
t AS MATERIALIZED (SELECT r.*, {visit_figures.TOWNSHIP_DAY_COLUMNS.format(days="r.unvisited_alert_days")}
  FROM (SELECT w.id, w.name, w.code, w.county, {columns} FROM towns w) r)"""


_HOUSEHOLDS = """
hh AS MATERIALIZED (
  SELECT h.village, v.township, count(*) AS households, count(*) FILTER (WHERE {covered}) AS covered,
         count(*) FILTER (WHERE {unvisited}) AS unvisited, count(*) FILTER (WHERE {overdue}) AS overdue
  FROM household h JOIN village v ON v.id = h.village JOIN t ON v.township = t.id
  {visit_joins}
  WHERE {eligible}
  GROUP BY h.village, v.township
)"""
# Covered: the household has an active cadre, read from its kept count of active pairings (`active_pairings`, kept
# by triggers on `pairing`, migration pairing_2026_12_06t07_25_00) which the index of the households needing a cadre
# carries: no probe of `pairing` per household (a township's thousand: 2,000 index buffers) nor every active pairing
# hashed (a county's 50,000).
# Summed over the villages' counts; a village or township without households (an outer join's NULL row) counts none.
_COUNT_FIELDS = ("households", "covered", "unvisited", "overdue")
_COUNTS = ", ".join(f"coalesce(sum(h.{name}), 0)::int AS {name}" for name in _COUNT_FIELDS)

# The parts of a whole, each with its code (their order): a township's villages, a county's townships, a region's
# counties. The fields are read in the order of the SELECT.
_BY_VILLAGE = f"""
SELECT v.id, v.name, v.key_level, {_COUNTS}, v.code
FROM village v JOIN t ON v.township = t.id LEFT JOIN hh h ON h.village = v.id
GROUP BY v.id, v.name, v.key_level, v.code
"""
_VILLAGE_FIELDS: tuple[str, ...] = ("id", "name", "key_level", *_COUNT_FIELDS)
# The same with each village's open plan items past their date (`plan_overdue`, `{}`: the plan year), for the
# leader's dashboard: its figures in one statement. `plans`: server.plans.queries.overdue_by_village_sql.
_BY_VILLAGE_WITH_PLANS = f"""
SELECT v.id, v.name, v.key_level, {_COUNTS}, coalesce(max(po.overdue), 0) AS plan_overdue, v.code
FROM village v JOIN t ON v.township = t.id LEFT JOIN hh h ON h.village = v.id LEFT JOIN plans po ON po.village = v.id
GROUP BY v.id, v.name, v.key_level, v.code
"""
_PLANS = f"plans AS ({plan_queries.overdue_by_village_sql('SELECT v.id FROM village v JOIN t ON v.township = t.id')})"
_VILLAGE_PLAN_FIELDS = (*_VILLAGE_FIELDS, "plan_overdue")

_BY_TOWNSHIP = f"""
SELECT t.id, t.name, t.unvisited_alert_days, {_COUNTS}, t.code
FROM t LEFT JOIN hh h ON h.township = t.id
GROUP BY t.id, t.name, t.code, t.unvisited_alert_days
"""
_TOWNSHIP_FIELDS = ("id", "name", "unvisited_alert_days", *_COUNT_FIELDS)

_BY_COUNTY = f"""
SELECT c.id, c.name, {_COUNTS}, c.code
FROM t JOIN county c ON c.id = t.county LEFT JOIN hh h ON h.township = t.id
GROUP BY c.id, c.name, c.code
"""
_COUNTY_FIELDS = ("id", "name", *_COUNT_FIELDS)
# The townships of a city's or a province's counties (the county under a city, or directly under the province).
_REGION_TOWNS = (
    "county IN (SELECT c.id FROM county c LEFT JOIN region r ON r.id = c.region WHERE c.region = {} OR r.parent = {})"
)

# Active leaders and ordinary members, and how many meet their quota, per part (`{key}`: the column of `c` or `t`
# naming the part: a village, a township, a county) and in the whole (the grouping set `()`, one row even without any
# cadre; its quotas the township's, the defaults then): each cadre's households from their kept count of active
# pairings (`active_households`, kept by triggers on `pairing`, migration pairing_2026_12_06t13_10_00), not a probe of
# `pairing` per cadre (a county's 5,936: 4-5 ms). A part is one row with its cadres' figures, no record per cadre row.
_CADRES = """
c AS (
  SELECT u.role, u.township, u.village, u.active_households AS households
  FROM app_user u JOIN t ON u.township = t.id WHERE u.is_active AND u.role IN ('leader', 'cadre')
), cadres AS (
  SELECT {key} AS part, grouping({key}) = 1 AS whole,
         count(*) FILTER (WHERE c.role = 'leader')::int AS leaders,
         count(*) FILTER (WHERE c.role = 'leader' AND c.households >= t.leader_quota)::int AS leaders_meeting,
         count(*) FILTER (WHERE c.role <> 'leader')::int AS members,
         count(*) FILTER (WHERE c.role <> 'leader' AND c.households >= t.cadre_quota)::int AS members_meeting,
         max(t.leader_quota) AS leader_quota, max(t.cadre_quota) AS cadre_quota, max(t.quota_maximum) AS quota_maximum,
         max(t.unvisited_alert_days) AS unvisited_alert_days
  FROM c JOIN t ON t.id = c.township GROUP BY GROUPING SETS (({key}), ())
)"""
_CADRE_FIELDS = ("leaders", "leaders_meeting", "members", "members_meeting")
_QUOTA_FIELDS = ("leader_quota", "cadre_quota", "quota_maximum", "unvisited_alert_days")


@cache
def _figures_sql(towns: str, parts: str, fields: tuple[str, ...], key: str, more: str = "") -> str:
    """One statement: a row per part (`parts`, a query of `fields` in their order) with its cadres' figures (`key`:
    the column naming the part in `_CADRES`), each row with the whole's cadres and quotas (one row of those only when
    there is no part). Plain rows, whose columns' types asyncpg knows from the statement, not arrays of records (whose
    every field it decoded by the type the record names: the parts' and the cadre rows' were a third of the
    statement's CPU in the worker). `more`: other named queries the parts read, after the townships' parameters.
    Made once for each kind of whole (a few texts of constants; 34 µs a request to put together), its `{}`
    placeholders numbered ($1, $2, ...) once too."""
    households = _HOUSEHOLDS.format(
        unvisited=visit_figures.UNVISITED,
        overdue=visit_figures.OVERDUE,
        visit_joins=visit_figures.HOUSEHOLD_VISIT_JOINS,
        eligible=eligible_sql("h"),
        covered=covered_sql("h"),
    )
    part_cadres = ", ".join(f"coalesce(pc.{field}, 0) AS {field}" for field in _CADRE_FIELDS)
    whole = ", ".join(f"w.{field} AS whole_{field}" for field in (*_CADRE_FIELDS, *_QUOTA_FIELDS))
    text = (
        "WITH " + _towns(UNVISITED_ALERT_DAYS, LEADER_QUOTA, CADRE_QUOTA, QUOTA_MAXIMUM).format(towns=towns)
        + f",{households},{_CADRES.format(key=key)},{more}\nparts AS ({parts})\n"
        + f"SELECT {', '.join(f'p.{field}' for field in fields)}, {part_cadres}, {whole}\n"
        + "FROM cadres w LEFT JOIN (parts p LEFT JOIN cadres pc ON pc.part = p.id AND NOT pc.whole) ON TRUE"
        + " WHERE w.whole ORDER BY p.code"
    )  # fmt: skip
    sql, _ = QueryString(text, *[None] * text.count("{}")).compile_string()
    return sql


async def _figures(
    kind: type[Part], towns: str, parts: str, fields: tuple[str, ...], key: str, *args: Any, more: str = ""
) -> tuple[Figures, list[Part], Quotas]:
    """The whole's figures, the parts' (`kind`, each from its row's `fields` and cadres' figures; `key`: the column
    naming a part in `_CADRES`) and the quotas, in one statement (sent as it is, without Piccolo's query object
    around it; to the standby when one serves the figures, as `raw` did). The whole's households are its parts'."""
    rows = await fetch_rows(_figures_sql(towns, parts, fields, key, more), *args)
    names, whole = (*fields, *_CADRE_FIELDS), rows[0]
    found = [kind(**dict(zip(names, row, strict=False))) for row in rows if row[0] is not None]
    total = Figures(
        households=sum(p.households for p in found),
        covered=sum(p.covered for p in found),
        unvisited=sum(p.unvisited for p in found),
        overdue=sum(p.overdue for p in found),
        **{field: whole[f"whole_{field}"] for field in _CADRE_FIELDS},
    )
    quotas = [whole[f"whole_{field}"] for field in _QUOTA_FIELDS]
    return total, found, Quotas(*quotas) if quotas[0] is not None else Quotas()


@dataclass
class Figures:
    """One line of a dashboard: the township or one of its villages; the county or one of its townships."""

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
        """Covered share, rounded to a whole percent; 100% means every household."""
        return whole_percent(self.covered, self.households)

    @property
    def cadres_percent(self) -> int:
        """Share of cadres (leaders and ordinary members) meeting their quota."""
        return whole_percent(self.leaders_meeting + self.members_meeting, self.leaders + self.members)


@dataclass
class VillageFigures(Figures):
    id: int = 0
    name: str = ""
    key_level: str = ""
    plan_overdue: int = 0  # open plan items past their date (only when asked for a plan year, else 0)


@dataclass
class TownshipFigures(Figures):
    id: int = 0
    name: str = ""
    unvisited_alert_days: int = 0


@dataclass
class CountyFigures(Figures):
    id: int = 0
    name: str = ""


@dataclass
class RegionCoverage:
    region: Figures
    counties: list[CountyFigures]


@dataclass
class CountyCoverage:
    county: Figures
    townships: list[TownshipFigures]


Part = TypeVar("Part", VillageFigures, TownshipFigures, CountyFigures)


@dataclass
class Coverage:
    township: Figures
    villages: list[VillageFigures]
    quotas: Quotas

    @property
    def plan_overdue(self) -> int:
        """The township's open plan items past their date: its villages' (0 unless asked for a plan year)."""
        return sum(v.plan_overdue for v in self.villages)


@from_standby
async def coverage(township_id: int | None, county_id: int | None = None, plan_year: int | None = None) -> Coverage:
    """The township's figures and each village's, in one query; with `county_id`, only a township of that county
    (no villages otherwise); with `plan_year`, each village's plan items of that year overdue too."""
    towns, args = "id = {}", [township_id or -1]
    if county_id is not None:  # the county office looks at one of its townships
        towns, args = towns + " AND county = {}", [*args, county_id]
    parts, fields, more = _BY_VILLAGE, _VILLAGE_FIELDS, ""
    if plan_year is not None:  # the leader's dashboard: its plan figures in the same statement
        parts, fields, more, args = _BY_VILLAGE_WITH_PLANS, _VILLAGE_PLAN_FIELDS, f"\n{_PLANS},", [*args, plan_year]
    township, villages, quotas = await _figures(VillageFigures, towns, parts, fields, "c.village", *args, more=more)
    return Coverage(township, villages, quotas)


@from_standby
async def county_coverage(county_id: int | None) -> CountyCoverage:
    """The county's figures and each township's (each judged by its own quotas and alert days), in one query."""
    county, townships, _ = await _figures(
        TownshipFigures, "county = {}", _BY_TOWNSHIP, _TOWNSHIP_FIELDS, "c.township", county_id or -1
    )
    return CountyCoverage(county, townships)


@from_standby
async def region_coverage(region_id: int | None) -> RegionCoverage:
    """A city's or a province's figures and each county's (each township judged by its own quotas), in one query."""
    region = region_id or -1
    whole, counties, _ = await _figures(
        CountyFigures, _REGION_TOWNS, _BY_COUNTY, _COUNTY_FIELDS, "t.county", region, region
    )
    return RegionCoverage(whole, counties)


async def uncovered_households(township_id: int | None, village_id: int | None) -> list[dict[str, Any]]:
    """The registered or monitored households without an active responsible cadre (the list behind a figure)."""
    return list(
        await Pairing.raw(
            f"SELECT h.id, h.code, h.status, h.monitoring_type, v.name AS village, {HEAD_NAME_SQL} AS head"
            " FROM household h JOIN village v ON v.id = h.village"
            f" WHERE v.township = {{}} AND {eligible_sql('h')} AND (v.id = {{}} OR {{}})"
            f" AND NOT {covered_sql('h')}"
            " ORDER BY v.code, h.code",
            township_id or -1,
            village_id or -1,
            village_id is None,
        )
    )


# One township's numbers in force today, looked up once (OFFSET 0: not once per household or cadre row), with the
# days the visit figures compare with.
_TOWN_RULES = (
    f"SELECT r.*, {visit_figures.TOWNSHIP_DAY_COLUMNS.format(days='r.unvisited_alert_days')} FROM ("
    f"SELECT id, {policy.sql(LEADER_QUOTA, 'id')} AS leader_quota, {policy.sql(CADRE_QUOTA, 'id')} AS cadre_quota,"
    f" {policy.sql(UNVISITED_ALERT_DAYS, 'id')} AS unvisited_alert_days FROM township WHERE id = {{}} OFFSET 0) r"
)


# When a household fell due: an overdue follow-up's date; for one not visited, its last visit (else the day its
# first cadre took it on, else the day it was registered) plus the township's alert days.
_DUE = {
    "overdue": "d.first_open_due_on",
    "unvisited": "(coalesce((d.last_visited_at AT TIME ZONE 'Asia/Shanghai')::date,"
    " (SELECT min(p.started_on) FROM pairing p WHERE p.household = h.id),"
    " (h.created_at AT TIME ZONE 'Asia/Shanghai')::date) + t.unvisited_alert_days::int)",
}
_PENDING = f"""
SELECT h.id, h.code, h.status, h.monitoring_type, v.id AS village_id, v.name AS village, {HEAD_NAME_SQL} AS head,
       d.last_visited_at AS last_visit, due.due_on, ({visit_figures.LOCAL_TODAY_SQL} - due.due_on) AS days_late,
       c.cadre_id, c.cadre_name, c.cadre_phone
FROM household h JOIN village v ON v.id = h.village JOIN ({_TOWN_RULES}) t ON t.id = v.township
{visit_figures.HOUSEHOLD_VISIT_JOINS}
CROSS JOIN LATERAL (SELECT %(due)s AS due_on) due
LEFT JOIN LATERAL (
  SELECT u.id AS cadre_id, u.display_name AS cadre_name, u.phone AS cadre_phone FROM pairing p
  JOIN app_user u ON u.id = p.cadre WHERE p.household = h.id AND p.ended_on IS NULL ORDER BY p.rank LIMIT 1
) c ON TRUE
WHERE {eligible_sql("h")} AND %(condition)s AND (v.id = {{}} OR {{}})
ORDER BY days_late DESC NULLS FIRST, v.code, h.code
"""


async def pending_households(township_id: int | None, kind: str, village_id: int | None) -> list[dict[str, Any]]:
    """The list behind a dashboard figure: households needing a cadre that were not visited / are overdue, the
    latest first, each with its responsible cadre (whom to call) and the date it fell due."""
    sql = _PENDING.replace("%(due)s", _DUE[kind]).replace("%(condition)s", visit_figures.PENDING_CONDITIONS[kind])
    return list(await Pairing.raw(sql, township_id or -1, village_id or -1, village_id is None))


async def cadres_under_quota(township_id: int | None, role: str | None) -> list[dict[str, Any]]:
    """Active leaders / ordinary members below their quota, by name (a to-do list, not a ranking)."""
    return list(
        await Pairing.raw(
            "SELECT u.id, u.display_name, u.title, u.role, v.name AS village, u.active_households AS households,"
            " CASE WHEN u.role = 'leader' THEN t.leader_quota ELSE t.cadre_quota END AS quota"
            f" FROM app_user u JOIN ({_TOWN_RULES}) t ON t.id = u.township LEFT JOIN village v ON v.id = u.village"
            " WHERE u.is_active AND u.role IN ('leader', 'cadre') AND (u.role = {} OR {})"
            " AND u.active_households < CASE WHEN u.role = 'leader' THEN t.leader_quota ELSE t.cadre_quota END"
            " ORDER BY u.role DESC, u.display_name, u.id",
            township_id or -1,
            role or "",
            role is None,
        )
    )
