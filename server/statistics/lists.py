"""The list behind a statistics figure: the households, measures, projects or visits it counts.

Township staff read the records (names of heads, never ID numbers); the county office reads the same figure by
township and village only: it sees no household detail beyond what its decisions need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException
from piccolo.querystring import QueryString

from server import codes
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.i18n import N_
from server.projects.codes import PROJECT_KIND, PROJECT_STATUS
from server.standby import from_standby
from server.statistics import trends
from server.statistics.area import Area, Period, project_args
from server.statistics.queries import BREAKDOWNS, POOR
from server.visits.codes import VISIT_KIND

PAGE = 100
_HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id ORDER BY m.relation <> 'head', m.id LIMIT 1)"
_PEOPLE = "(SELECT count(*) FROM member m WHERE m.household = h.id)"


@dataclass(frozen=True)
class Source:
    """Where the rows of one table's lists come from, and what a row shows."""

    from_sql: str  # joins with `h` (household) or `p` (project) and `v` (village)
    detail: str  # the select list of a record
    headers: tuple[str, ...]  # msgids of the detail columns
    order: str


HOUSEHOLDS = Source(
    "household h JOIN village v ON v.id = h.village",
    f"h.id AS link, h.code, v.name AS village, {_HEAD} AS head, {_PEOPLE} AS people, h.status",
    (N_("Household number"), N_("Village"), N_("Head of household"), N_("People"), N_("Poverty status")),
    "v.code, h.code",
)
MEASURES = Source(
    "delivered_measure d JOIN household h ON h.id = d.household JOIN village v ON v.id = h.village",
    f"h.id AS link, d.delivered_on AS day, h.code, v.name AS village, {_HEAD} AS head, d.type, d.amount",
    (N_("Date"), N_("Household number"), N_("Village"), N_("Head of household"), N_("Measure"), N_("Amount (yuan)")),
    "d.delivered_on DESC, d.source, d.source_id",
)
PROJECTS = Source(
    "project p JOIN township t ON t.id = p.township LEFT JOIN village v ON v.id = p.village",
    "p.id AS link, p.name, coalesce(v.name, t.name) AS village, p.kind, p.budget, p.progress_percent, p.status",
    (N_("Project"), N_("Village"), N_("Project kind"), N_("Budget (yuan)"), N_("Progress"), N_("State")),
    "p.year, p.id",
)
VISITS = Source(
    "visit vi JOIN household h ON h.id = vi.household JOIN village v ON v.id = h.village",
    f"h.id AS link, (vi.visited_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h.code, v.name AS village,"
    f" {_HEAD} AS head, vi.kind",
    (N_("Date"), N_("Household number"), N_("Village"), N_("Head of household"), N_("Kind of visit")),
    "vi.visited_at DESC",
)
SOURCES = {
    **dict.fromkeys(BREAKDOWNS, HOUSEHOLDS),
    "incidence": HOUSEHOLDS,
    "income": HOUSEHOLDS,
    "measures": MEASURES,
    "funds": PROJECTS,
    "projects": PROJECTS,
    "visits": VISITS,
    "trend_status": HOUSEHOLDS,
    "trend_visits": VISITS,
    "trend_income": HOUSEHOLDS,
}


@dataclass(frozen=True)
class FigureList:
    table: str
    key: str
    headers: tuple[str, ...]
    rows: list[dict[str, Any]]
    total: int
    page: int
    by_place: bool  # the county's view: counts by township and village, no records
    people: int | None = None  # a list of households: the people in them (the figure it opens may count people)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE))


def _condition(table: str, key: str, area: Area, period: Period) -> QueryString:
    """The rows a figure counts (the same rule as its table in server.statistics.queries)."""
    if table in BREAKDOWNS:
        column, condition, *_ = BREAKDOWNS[table]
        base = QueryString(f"h.village = ANY({{}}) AND {condition}", area.villages)
        return base if key == "all" else QueryString(f"{{}} AND h.{column} = {{}}", base, key)
    if table == "incidence":
        villages = area.villages if key == "all" else _part_villages(area, key)
        return QueryString("h.village = ANY({}) AND h.status = ANY({})", villages, list(POOR))
    if table == "income":
        return QueryString(
            "h.village = ANY({}) AND h.status <> 'none' AND h.income_year = {}", area.villages, period.year
        )
    if table == "measures":
        during = "d.delivered_on >= {} AND d.delivered_on < {}"
        base = QueryString(f"h.village = ANY({{}}) AND {during}", area.villages, period.start, period.end)
        return base if key == "all" else QueryString("{} AND d.type = {}", base, key)
    if table in ("funds", "projects"):
        year, villages, townships = project_args(area, period)
        base = QueryString(
            "p.year = {} AND (p.village = ANY({}) OR (p.village IS NULL AND p.township = ANY({})))",
            year,
            villages,
            townships,
        )
        if key == "all":
            return base
        if table == "funds":
            return QueryString(
                "{} AND EXISTS (SELECT 1 FROM project_funding f WHERE f.project = p.id AND f.source = {})", base, key
            )
        return QueryString("{} AND p.kind = {}", base, key)
    if table in ("visits", "trend_visits"):
        return _month_condition(area, period, key)
    if table in ("trend_status", "trend_income"):
        return _year_condition(table, key, area, period)
    raise NotFoundException()


def _year_condition(table: str, key: str, area: Area, period: Period) -> QueryString:
    """Registered households of a year of the trend (registered, or with income recorded, that year)."""
    column = "identified_year" if table == "trend_status" else "income_year"
    first = trends.FIRST_YEAR if table == "trend_status" else trends.years_of(period)[0]
    base = QueryString("h.village = ANY({}) AND h.status <> 'none'", area.villages)
    if key == "all":
        return QueryString(f"{{}} AND h.{column} BETWEEN {{}} AND {{}}", base, first, period.year)
    if not key.isdigit() or not first <= int(key) <= period.year:
        raise NotFoundException()
    return QueryString(f"{{}} AND h.{column} = {{}}", base, int(key))


def _month_condition(area: Area, period: Period, key: str) -> QueryString:
    """Visits of a month of the table (`key` 'YYYY-MM'), or of the whole period the report covers (its total row,
    'all')."""
    if key != "all":
        try:
            year, month = (int(part) for part in key.split("-"))
            Period(year, month).start  # noqa: B018 -- raises on a month that does not exist
        except ValueError as error:
            raise NotFoundException() from error
        period = Period(year, month)
    return QueryString(
        "h.village = ANY({}) AND vi.visited_at >= {} AND vi.visited_at < {}",
        area.villages,
        period.start_at,
        period.end_at,
    )


def _part_villages(area: Area, key: str) -> list[int]:
    if not key.isdigit() or int(key) not in {part.id for part in area.parts}:
        raise NotFoundException()
    return [int(key)] if area.level != "county" else area.villages  # a county's parts are townships: see below


@from_standby
async def figure_list(user: CurrentUser, area: Area, period: Period, table: str, key: str, page: int) -> FigureList:
    source = SOURCES.get(table)
    if source is None:
        raise NotFoundException()
    where = _condition(table, key, area, period)
    if table == "incidence" and area.level == "county" and key != "all":
        where = QueryString("{} AND v.township = {}", where, int(key))
    if user.role is Role.COUNTY:
        return await _by_place(source, table, key, where)
    people = f", sum({_PEOPLE}) OVER () AS people_in_all" if source is HOUSEHOLDS else ""
    sql = (
        f"SELECT {source.detail}, count(*) OVER () AS total{people} FROM {source.from_sql} WHERE {{}}"
        f" ORDER BY {source.order} LIMIT {PAGE} OFFSET {{}}"
    )
    records = list(await Household.raw(sql, where, (max(page, 1) - 1) * PAGE))
    total = records[0]["total"] if records else 0
    in_households = (int(records[0]["people_in_all"]) if records else 0) if people else None
    rows = [{"link": _link(source, r), "cells": _cells(source, r)} for r in records]
    return FigureList(table, key, source.headers, rows, total, max(page, 1), by_place=False, people=in_households)


def _link(source: Source, record: dict[str, Any]) -> str:
    return f"/projects/{record['link']}" if source is PROJECTS else f"/households/{record['link']}"


def _cells(source: Source, r: dict[str, Any]) -> list[Any]:
    """A record's cells as shown: codes as their labels."""
    if source is HOUSEHOLDS:
        return [r["code"], r["village"], r["head"] or "", r["people"], codes.POVERTY_STATUS.label(r["status"])]
    if source is MEASURES:
        return [r["day"], r["code"], r["village"], r["head"] or "", codes.MEASURE_TYPE.label(r["type"]), r["amount"]]
    if source is PROJECTS:
        return [
            r["name"],
            r["village"],
            PROJECT_KIND.label(r["kind"]),
            r["budget"],
            r["progress_percent"],
            PROJECT_STATUS.label(r["status"]),
        ]
    return [r["day"], r["code"], r["village"], r["head"] or "", VISIT_KIND.label(r["kind"])]


async def _by_place(source: Source, table: str, key: str, where: QueryString) -> FigureList:
    township_join = "" if source is PROJECTS else " JOIN township t ON t.id = v.township"
    sql = (
        f"SELECT t.name AS township, coalesce(v.name, '') AS village, count(*) AS n FROM {source.from_sql}"
        f"{township_join} WHERE {{}} GROUP BY t.name, t.code, v.name, v.code ORDER BY t.code, v.code"
    )
    records = list(await Household.raw(sql, where))
    total = sum(row["n"] for row in records)
    rows = [{"link": "", "cells": [r["township"], r["village"], r["n"]]} for r in records]
    return FigureList(table, key, (N_("Township"), N_("Village"), N_("Count")), rows, total, 1, by_place=True)
