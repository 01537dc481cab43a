"""The return-to-poverty rate by year, from the recorded status events with their dates (server.monitoring.events),
never from the current status: in year Y, the households that returned to poverty during Y over the households
lifted out of poverty by the end of Y (and the same in people, as counted when each event was recorded). A year the
township closed keeps the figure it had then (server.monitoring.tables.ClosedReturnRate)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.clock import today
from server.database import fetch_query
from server.households.tables import Household
from server.i18n import N_
from server.identification.steps import Actor
from server.monitoring import rate
from server.monitoring.rate import Rate
from server.monitoring.tables import ClosedReturnRate
from server.piccolo_conf import DB
from server.places.tables import Village
from server.policy.registry import RETURN_RATE_CAP_PERCENT
from server.scope import household_scope_sql
from server.workflow import Refusal, StepRefused

YEARS_SHOWN = 5
LIFTED_TO = "out_supported"  # what an exit's announcement makes a household
RETURNED_TO = "returned"

Counts = tuple[int, int, int, int]  # lifted, returned, lifted people, returned people
COUNT_NAMES = ("lifted", "returned", "lifted_people", "returned_people")


@dataclass(frozen=True)
class YearFigure:
    rate: Rate  # `id` is the year
    closed_at: datetime | None  # when the township closed the year (its figure is then the kept one)


async def township_years(township_id: int, this_year: int) -> list[YearFigure]:
    """The township's figure for each of the last years, newest first: kept for a closed year, counted otherwise."""
    rows = await Household.raw(_township_years_sql(this_year), township_id, township_id, township_id)
    return [_year_figure(row) for row in rows]


def _township_years_sql(this_year: int) -> str:
    years = ",".join(str(year) for year in range(this_year, this_year - YEARS_SHOWN, -1))
    # The years are written into the statement (one text a year): as an argument, PostgreSQL planned every run anew.
    return _TOWNSHIP_YEARS.replace("{years}", f"unnest(ARRAY[{years}])")


@dataclass(frozen=True)
class RatePage:
    """The rate page's figures: the township's rate and its villages' now, and its figure of each of the last years."""

    township: Rate
    villages: list[Rate]
    years: list[YearFigure]


_YEAR_FIELDS = ("year", "cap", "closed_at", *COUNT_NAMES)
# The rates and the years as two arrays of records, in one statement (a statement of its own cost the worker about
# 0.13 ms). From the primary: the years must show a year the admin has just closed (closing one comes back to the
# page), so the rates come from there too (0.2 ms of counting a standby could have taken over).
_YEAR_RECORD = ", ".join(f"y.{name}" for name in _YEAR_FIELDS)
_RATE_PAGE = f"""SELECT ARRAY({{}}) AS rates,
       ARRAY(SELECT ROW({_YEAR_RECORD}) FROM ({{}}) y ORDER BY y.year DESC) AS years"""


async def rate_page(user: CurrentUser, on: date, this_year: int) -> RatePage:
    """The township's rate (named with its county) and each village's on `on` (`rate.return_rates_query`) and its
    figure of each of the last years (as `township_years`), in one statement."""
    township = user.township_id or -1
    years = QueryString(_township_years_sql(this_year), township, township, township)
    [row] = await fetch_query(QueryString(_RATE_PAGE, rate.return_rates_query(user, on), years))
    whole, villages = await rate.return_rates_of(user, on, row["rates"])
    figures = [_year_figure(dict(zip(_YEAR_FIELDS, record, strict=True))) for record in row["years"]]
    return RatePage(whole, villages, figures)


def _year_figure(row: dict[str, Any]) -> YearFigure:
    lifted, returned, lifted_people, returned_people = _counts(row)
    cap = RETURN_RATE_CAP_PERCENT.convert(row["cap"])
    rate = Rate(row["year"], str(row["year"]), lifted, returned, cap, lifted_people, returned_people)
    return YearFigure(rate, row["closed_at"])


def _counts(row: dict[str, Any]) -> Counts:
    lifted, returned, lifted_people, returned_people = (int(row[name]) for name in COUNT_NAMES)
    return lifted, returned, lifted_people, returned_people


def _closed_row(village: int, year: int, counts: Counts, actor_id: int | None) -> ClosedReturnRate:
    lifted, returned, lifted_people, returned_people = counts
    return ClosedReturnRate(village=village, year=year, closed_by=actor_id, lifted=lifted, returned=returned,
                            lifted_people=lifted_people, returned_people=returned_people)  # fmt: skip


async def close_year(actor: Actor, township_id: int, year: int) -> None:
    """Keep each village's figure of a past year as it stands now; a year is closed once."""
    if year >= today().year:
        raise StepRefused(Refusal(N_("Only a year that has ended can be closed.")))
    async with DB.transaction() as transaction:
        rows = await Household.raw(_VILLAGE_YEAR_COUNTS, township_id, [year])
        counts = {row["place"]: _counts(row) for row in rows}
        villages = await Village.select(Village.id).where(Village.township == township_id)
        rows = [_closed_row(v["id"], year, counts.get(v["id"], (0, 0, 0, 0)), actor.id) for v in villages]
        savepoint = await transaction.savepoint()
        try:
            if rows:
                await ClosedReturnRate.insert(*rows)
        except asyncpg.UniqueViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise StepRefused(Refusal(N_("This year has already been closed."))) from None
        totals = [sum(c[i] for c in counts.values()) for i in range(4)]
        await record(
            "return_rate_closed",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="township",
            target_id=township_id,
            ip=actor.ip,
            detail={"year": year, **dict(zip(COUNT_NAMES, totals, strict=True))},
        )


_BEHIND_YEAR = """
SELECT h.id, h.code, h.status, h.monitoring_type, vl.name AS village_name,
       (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1) AS head
FROM household h JOIN village vl ON vl.id = h.village
WHERE {} AND EXISTS (
  SELECT 1 FROM status_event e WHERE e.household = h.id AND e.status_to = {}
    AND e.happened_on <= make_date({}::int, 12, 31) AND ({} OR e.happened_on >= make_date({}::int, 1, 1)))
ORDER BY vl.code, h.code
"""


async def households_behind_year(user: CurrentUser, which: str, year: int) -> list[dict[str, Any]]:
    """The households counted in a year's figure, from the same events: returned during it, or lifted by its end."""
    returned = which == "returned"
    rows: list[dict[str, Any]] = await Household.raw(
        _BEHIND_YEAR,
        household_scope_sql(user, "h"),
        RETURNED_TO if returned else LIFTED_TO,
        year,
        not returned,
        year,
    )
    return rows


# The rule of a year's figure, counted in SQL for each place (village or township, a column of `e`) and year of
# `years` from the events whose village (the household's, kept with each event: migration monitoring 2026-12-07T05:00)
# matches `where` (a condition on e, vl and t), read from the index of the events by village: an exit counts
# for a year when it happened by the year's end and no later exit of the household did (its people at that exit); a
# return, for the year it happened in when no later return of the household happened that year. `next_on`: the
# household's next event of the same kind, in (day, id) order, kept with each event by the database (migration
# monitoring 2026-12-06T21:10; as a window over the counted events, sorted by household, it was a third of the
# statement: a county's years 52-56 → 32-33 ms of backend CPU). (A county's 36,000 events were 125 ms of Python per
# dashboard; a township's 700 were a third of its rate page.) So an event counts for a span of years: an exit from
# its year to the year before the next exit (open: NULL), a return for its own year or for none. The events are
# summed per place and span first (a few hundred rows for a county), then each span counted in the years it covers
# (joining every event with every year evaluated the rule 180,000 times for a county: 100 → 65 ms).
def _year_counts(place: str, where: str, years: str = "unnest({}::int[])") -> str:
    return f"""
WITH e AS (
  SELECT e.status_to, e.happened_on, e.people, vl.id AS village, vl.township, e.next_on
  FROM status_event e JOIN village vl ON vl.id = e.village JOIN township t ON t.id = vl.township
  WHERE {where} AND e.status_to IN ('{LIFTED_TO}', '{RETURNED_TO}')
),
spans AS (
  SELECT {place} AS place, status_to, extract(year FROM happened_on)::int AS first_year,
         CASE WHEN status_to = '{LIFTED_TO}' THEN extract(year FROM next_on)::int - 1
              WHEN next_on IS NULL OR extract(year FROM next_on) > extract(year FROM happened_on)
                THEN extract(year FROM happened_on)::int
              ELSE extract(year FROM happened_on)::int - 1 END AS last_year,
         count(*) AS events, sum(people) AS people
  FROM e GROUP BY 1, 2, 3, 4
)
SELECT y.year, s.place, coalesce(sum(s.events) FILTER (WHERE s.status_to = '{LIFTED_TO}'), 0) AS lifted,
       coalesce(sum(s.events) FILTER (WHERE s.status_to = '{RETURNED_TO}'), 0) AS returned,
       coalesce(sum(s.people) FILTER (WHERE s.status_to = '{LIFTED_TO}'), 0) AS lifted_people,
       coalesce(sum(s.people) FILTER (WHERE s.status_to = '{RETURNED_TO}'), 0) AS returned_people
FROM {years} y(year) JOIN spans s ON y.year >= s.first_year AND (s.last_year IS NULL OR y.year <= s.last_year)
GROUP BY y.year, s.place
"""


# A township's events, found by their villages: with `vl.township = {}` PostgreSQL estimated four times the
# households a county-scale township has and scanned the county's 50,285 (and hash-joined its 35,941 events): the rate
# page's years statement 24-27 ms of backend CPU at county scale, 8-10 with the households found by their village
# index (1.8 → 1.7 ms on the township demo), and fewer with the events read by theirs, without the households.
_IN_TOWNSHIP = "e.village = ANY(ARRAY(SELECT v.id FROM village v WHERE v.township = {}))"
_VILLAGE_YEAR_COUNTS = _year_counts("village", _IN_TOWNSHIP)
# A township's figure of each year: its villages' kept figures when it closed the year, else its events counted; with
# the cap in force at the year's end; `{years}`: the set of years.
_TOWNSHIP_YEARS = f"""
WITH counted AS ({_year_counts("township", _IN_TOWNSHIP, "{years}")}), closed AS (
  SELECT c.year, sum(c.lifted) AS lifted, sum(c.returned) AS returned, sum(c.lifted_people) AS lifted_people,
         sum(c.returned_people) AS returned_people, min(c.closed_at) AS closed_at
  FROM return_rate_closed c JOIN village vl ON vl.id = c.village WHERE vl.township = {{}} GROUP BY c.year
)
SELECT y.year, {policy.sql(RETURN_RATE_CAP_PERCENT, "{}", "make_date(y.year, 12, 31)")} AS cap, cl.closed_at,
       coalesce(cl.lifted, co.lifted, 0) AS lifted, coalesce(cl.returned, co.returned, 0) AS returned,
       coalesce(cl.lifted_people, co.lifted_people, 0) AS lifted_people,
       coalesce(cl.returned_people, co.returned_people, 0) AS returned_people
FROM {{years}} y(year) LEFT JOIN counted co ON co.year = y.year LEFT JOIN closed cl ON cl.year = y.year
ORDER BY y.year DESC
"""
# A county's figures for each township and year of `{years}`: its events counted (`closed` false) and, for a year the
# township closed, its villages' kept figures (`closed` true, with when); each year with the county's cap in force at
# its end (looked up once a year: OFFSET 0) and at least one row, NULL `place` when nothing counts in it.
_COUNTY_YEARS = f"""
WITH counted AS ({_year_counts("township", "t.county = {}", "{years}")}), kept AS (
  SELECT c.year, vl.township AS place, sum(c.lifted) AS lifted, sum(c.returned) AS returned,
         sum(c.lifted_people) AS lifted_people, sum(c.returned_people) AS returned_people, max(c.closed_at) AS closed_at
  FROM return_rate_closed c JOIN village vl ON vl.id = c.village JOIN township t ON t.id = vl.township
  WHERE t.county = {{}} GROUP BY c.year, vl.township
)
SELECT y.year, y.cap, f.place, f.closed, f.closed_at, f.lifted, f.returned, f.lifted_people, f.returned_people
FROM (SELECT year, {policy.county_sql(RETURN_RATE_CAP_PERCENT, "{}", "make_date(year, 12, 31)")} AS cap
      FROM {{years}} y(year) OFFSET 0) y
LEFT JOIN (
  SELECT year, place, false AS closed, NULL::timestamptz AS closed_at, lifted, returned, lifted_people, returned_people
  FROM counted
  UNION ALL
  SELECT year, place, true, closed_at, lifted, returned, lifted_people, returned_people FROM kept
) f ON f.year = y.year
"""


async def county_years(county_id: int | None, name: str, this_year: int) -> list[YearFigure]:
    """The county's figure for each year, in one query: per township, its kept figure for a year it closed, else its
    events counted; `closed_at` once every township with figures has closed the year."""
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    # The years are written into the statement, as for a township's.
    sql = _COUNTY_YEARS.replace("{years}", f"unnest(ARRAY[{','.join(str(year) for year in years)}])")
    counts: defaultdict[int, dict[int, Counts]] = defaultdict(dict)  # year → township → counts
    kept: defaultdict[int, dict[int, tuple[Counts, datetime]]] = defaultdict(dict)  # year → township → kept, when
    caps: dict[int, Decimal] = {}
    for row in await Household.raw(sql, county_id or -1, county_id or -1, county_id or -1):
        caps[row["year"]] = RETURN_RATE_CAP_PERCENT.convert(row["cap"])
        if row["place"] is None:
            continue
        if row["closed"]:
            kept[row["year"]][row["place"]] = (_counts(row), row["closed_at"])
        else:
            counts[row["year"]][row["place"]] = _counts(row)
    figures = []
    for year in years:
        counted, closed = counts[year], kept[year]
        parts = [c for township, c in counted.items() if township not in closed]
        parts += [c for c, _ in closed.values()]
        sums = [sum(p[i] for p in parts) for i in range(4)]
        every_closed = bool(closed) and set(counted) <= set(closed)
        closed_at = max(at for _, at in closed.values()) if every_closed else None
        figures.append(YearFigure(Rate(year, name, sums[0], sums[1], caps[year], sums[2], sums[3]), closed_at))
    return figures
