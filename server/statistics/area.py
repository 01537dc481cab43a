"""Which place and period a statistics page is about, decided once from the user and the query string.

The county office reports on its county, any of its townships or villages (another county's: 404); township staff
on their township or one of its villages. The villages of the place are the filter every statistics query uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from litestar.exceptions import NotFoundException, PermissionDeniedException

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.clock import TIMEZONE, today
from server.places.tables import Village

TOWNSHIP_READERS = (Role.ADMIN, Role.LEADER, Role.INSPECTOR)


@dataclass(frozen=True)
class Part:
    """A township of the county, or a village of the township: the rows a table is broken down by."""

    id: int
    name: str
    population: int
    without_population: int  # villages of the part whose population is not recorded (0)
    villages: tuple[int, ...] = ()  # a township's villages (a county's parts); a village part has none


@dataclass(frozen=True)
class Area:
    level: str  # county, township or village
    name: str
    county_id: int
    township_id: int | None
    village_id: int | None
    villages: list[int]  # the villages of the place: every query's filter
    parts: list[Part]  # townships of a county, villages of a township; the village itself for a village
    parent_name: str = ""

    @property
    def township_ids(self) -> list[int]:
        return [part.id for part in self.parts] if self.level == "county" else [self.township_id or -1]

    @property
    def params(self) -> dict[str, int]:
        """The query-string of this place (for links that keep it)."""
        if self.village_id:
            return {"village": self.village_id}
        return {"township": self.township_id} if self.township_id and self.level == "township" else {}


@dataclass(frozen=True)
class Period:
    year: int
    month: int  # 0: the whole year

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.month in (0, 12):
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), TIMEZONE)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(), TIMEZONE)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


# The months whose first days are the array `{}` (months_of), each with its local bounds as instants, for counting
# timestamps by month through an index range instead of converting each one. An array rather than generate_series:
# PostgreSQL estimates a series of parameters at 1,000 rows and a series of values at its length, so the generic
# plan of a statement over the months looked dearer than every custom plan, and the statement was planned anew on
# each run (0 generic plans in 13 runs; 1.3 ms of planning on the township demo); an array of a parameter is
# estimated at 10, of values at their number.
MONTHS_SQL = """
SELECT m AS month, m::timestamp AT TIME ZONE 'Asia/Shanghai' AS starts,
       (m + interval '1 month') AT TIME ZONE 'Asia/Shanghai' AS ends
FROM unnest({}::date[]) m
"""


def months_of(first: date, end: date) -> list[date]:
    """The first days of the months from `first`'s to the one before `end` (both the first day of a month)."""
    count = (end.year - first.year) * 12 + end.month - first.month
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1) for n in range(count)]


# The households of the place's villages (`{}`, the array of village ids), joined to a household `h` by equality.
PLACE_VILLAGES = "JOIN unnest({}::int[]) place(village) ON place.village = h.village"


def project_args(area: Area, period: Period) -> tuple[Any, ...]:
    """A project counts for its village, or for its township when it has none (never for a village then)."""
    townships = [] if area.level == "village" else area.township_ids
    return period.year, area.villages, townships


def link_query(area: Area, period: Period) -> str:
    """The query string of a place and period, for links and the workbook."""
    values = {**area.params, "year": period.year, **({"month": period.month} if period.month else {})}
    return urlencode(values)


def period_of(year: int | None, month: int | None) -> Period:
    this_year = today().year
    chosen = year if year and 2000 <= year <= this_year + 1 else this_year
    return Period(chosen, month if month and 1 <= month <= 12 else 0)


async def area_of(user: CurrentUser, township: int | None, village: int | None) -> Area:
    """The place asked for, within what the user may report on (else 404; a role without statistics: 403): one
    statement, the place with its parts."""
    county_id: int | None  # None: the county of the user's own township
    if user.role is Role.COUNTY:
        county_id = user.county_id or -1
    elif user.role in TOWNSHIP_READERS:
        if township not in (None, user.township_id):
            raise NotFoundException()
        county_id, township = None, user.township_id or -1
    else:
        raise PermissionDeniedException()
    if village:
        return await _village_area(county_id, township, village)
    if township:
        return await _township_area(county_id, township)
    return await _county_area(county_id or -1)


async def _county_area(county_id: int) -> Area:
    rows = await Village.raw(
        "SELECT c.name AS county_name, t.id, t.name, coalesce(sum(v.population), 0) AS population,"
        " count(v.id) FILTER (WHERE v.population = 0) AS without_population, array_remove(array_agg(v.id), NULL) AS vs"
        " FROM county c LEFT JOIN township t ON t.county = c.id LEFT JOIN village v ON v.township = t.id"
        " WHERE c.id = {} GROUP BY c.name, t.id ORDER BY t.code",
        county_id,
    )
    if not rows:
        raise NotFoundException()
    name = rows[0]["county_name"]
    rows = [row for row in rows if row["id"] is not None]  # a county without townships: one row, no township
    villages = [v for row in rows for v in row["vs"]]
    parts = [Part(r["id"], r["name"], int(r["population"]), int(r["without_population"]), tuple(r["vs"])) for r in rows]
    return Area("county", name, county_id, None, None, villages, parts)


async def _township_area(county_id: int | None, township_id: int) -> Area:
    rows = await Village.raw(
        "SELECT t.county, t.name AS township_name, c.name AS county_name, v.id, v.name, v.population"
        " FROM township t JOIN county c ON c.id = t.county LEFT JOIN village v ON v.township = t.id"
        " WHERE t.id = {} AND t.county = coalesce({}::integer, t.county) ORDER BY v.code",
        township_id,
        county_id,
    )
    if not rows:
        raise NotFoundException()
    parts = [Part(r["id"], r["name"], r["population"], 0 if r["population"] else 1) for r in rows if r["id"]]
    return Area(
        "township",
        rows[0]["township_name"],
        rows[0]["county"],
        township_id,
        None,
        [p.id for p in parts],
        parts,
        rows[0]["county_name"],
    )


async def _village_area(county_id: int | None, township_id: int | None, village_id: int) -> Area:
    rows = await Village.raw(
        "SELECT v.id, v.name, v.population, v.township, t.name AS township_name, t.county"
        " FROM village v JOIN township t ON t.id = v.township"
        " WHERE v.id = {} AND t.county = coalesce({}::integer, t.county)",
        village_id,
        county_id,
    )
    row = rows[0] if rows else None
    if row is None or (township_id and row["township"] != township_id):
        raise NotFoundException()
    part = Part(row["id"], row["name"], row["population"], 0 if row["population"] else 1)
    return Area(
        "village", row["name"], row["county"], row["township"], village_id, [village_id], [part], row["township_name"]
    )
