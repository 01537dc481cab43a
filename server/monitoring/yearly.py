"""The return-to-poverty rate by year, from the recorded status events with their dates (server.monitoring.events),
never from the current status: in year Y, the households that returned to poverty during Y over the households
lifted out of poverty by the end of Y (and the same in people, as counted when each event was recorded). A year the
township closed keeps the figure it had then (server.monitoring.tables.ClosedReturnRate)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from server import policy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.clock import today
from server.households.tables import Household
from server.i18n import N_
from server.identification.steps import Actor
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

_EVENTS = """
SELECT e.household, e.status_to, e.happened_on, e.people, h.village
FROM status_event e JOIN household h ON h.id = e.household JOIN village vl ON vl.id = h.village
WHERE vl.township = {} ORDER BY e.happened_on, e.id
"""

Counts = tuple[int, int, int, int]  # lifted, returned, lifted people, returned people


@dataclass(frozen=True)
class YearFigure:
    rate: Rate  # `id` is the year
    closed_at: datetime | None  # when the township closed the year (its figure is then the kept one)


def counts_by_village(events: list[dict[str, Any]], year: int) -> dict[int, Counts]:
    """Lifted by the end of `year` (a household once, with its people at its latest exit then) and returned during
    `year` (once, with its people at its return), per village."""
    end = date(year, 12, 31)
    lifted: dict[int, tuple[int, int]] = {}  # household → (village, people)
    returned: dict[int, tuple[int, int]] = {}
    for e in events:
        if e["status_to"] == LIFTED_TO and e["happened_on"] <= end:
            lifted[e["household"]] = (e["village"], e["people"])
        elif e["status_to"] == RETURNED_TO and e["happened_on"].year == year:
            returned[e["household"]] = (e["village"], e["people"])
    totals: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for village, people in lifted.values():
        totals[village][0] += 1
        totals[village][2] += people
    for village, people in returned.values():
        totals[village][1] += 1
        totals[village][3] += people
    return {village: (t[0], t[1], t[2], t[3]) for village, t in totals.items()}


async def township_years(township_id: int, name: str, this_year: int) -> list[YearFigure]:
    """The township's figure for each of the last years, newest first: kept for a closed year, counted otherwise."""
    events = await Household.raw(_EVENTS, township_id)
    closed_rows = await ClosedReturnRate.raw(
        "SELECT c.* FROM return_rate_closed c JOIN village vl ON vl.id = c.village WHERE vl.township = {}",
        township_id,
    )
    closed: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in closed_rows:
        closed[row["year"]].append(row)
    years = range(this_year, this_year - YEARS_SHOWN, -1)
    caps = await policy.value_on_days(RETURN_RATE_CAP_PERCENT, township_id, [date(year, 12, 31) for year in years])
    figures = []
    for year in years:
        cap = caps[date(year, 12, 31)]
        if closed[year]:
            rows = closed[year]
            sums = tuple(sum(r[k] for r in rows) for k in COUNT_NAMES)
            closed_at = min(r["closed_at"] for r in rows)
        else:
            parts = counts_by_village(events, year).values()
            sums = tuple(sum(p[i] for p in parts) for i in range(4))
            closed_at = None
        rate = Rate(year, str(year), sums[0], sums[1], cap, sums[2], sums[3])
        figures.append(YearFigure(rate, closed_at))
    return figures


COUNT_NAMES = ("lifted", "returned", "lifted_people", "returned_people")


def _closed_row(village: int, year: int, counts: Counts, actor_id: int | None) -> ClosedReturnRate:
    lifted, returned, lifted_people, returned_people = counts
    return ClosedReturnRate(village=village, year=year, closed_by=actor_id, lifted=lifted, returned=returned,
                            lifted_people=lifted_people, returned_people=returned_people)  # fmt: skip


async def close_year(actor: Actor, township_id: int, year: int) -> None:
    """Keep each village's figure of a past year as it stands now; a year is closed once."""
    if year >= today().year:
        raise StepRefused(Refusal(N_("Only a year that has ended can be closed.")))
    async with DB.transaction() as transaction:
        events = await Household.raw(_EVENTS, township_id)
        counts = counts_by_village(events, year)
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


# counts_by_village's rule in SQL, per township of a county and year of `years` (a county's 36,000 events were
# 125 ms of Python per dashboard): an exit counts for a year when it happened by the year's end and no later exit of
# the household did (its people at that exit); a return, for the year it happened in when no later return of the
# household happened that year. `next_on`: the household's next event of the same kind, in (day, id) order. So an
# event counts for a span of years: an exit from its year to the year before the next exit (open: NULL), a return
# for its own year or for none. The events are summed per township and span first (a few hundred rows), then each
# span is counted in the years it covers (joining every event with every year evaluated the rule 180,000 times).
_COUNTY_YEAR_COUNTS = f"""
WITH e AS (
  SELECT e.status_to, e.happened_on, e.people, vl.township,
         lead(e.happened_on) OVER (PARTITION BY e.household, e.status_to ORDER BY e.happened_on, e.id) AS next_on
  FROM status_event e JOIN household h ON h.id = e.household JOIN village vl ON vl.id = h.village
  JOIN township t ON t.id = vl.township
  WHERE t.county = {{}} AND e.status_to IN ('{LIFTED_TO}', '{RETURNED_TO}')
),
spans AS (
  SELECT township, status_to, extract(year FROM happened_on)::int AS first_year,
         CASE WHEN status_to = '{LIFTED_TO}' THEN extract(year FROM next_on)::int - 1
              WHEN next_on IS NULL OR extract(year FROM next_on) > extract(year FROM happened_on)
                THEN extract(year FROM happened_on)::int
              ELSE extract(year FROM happened_on)::int - 1 END AS last_year,
         count(*) AS events, sum(people) AS people
  FROM e GROUP BY 1, 2, 3, 4
)
SELECT y.year, s.township, coalesce(sum(s.events) FILTER (WHERE s.status_to = '{LIFTED_TO}'), 0) AS lifted,
       coalesce(sum(s.events) FILTER (WHERE s.status_to = '{RETURNED_TO}'), 0) AS returned,
       coalesce(sum(s.people) FILTER (WHERE s.status_to = '{LIFTED_TO}'), 0) AS lifted_people,
       coalesce(sum(s.people) FILTER (WHERE s.status_to = '{RETURNED_TO}'), 0) AS returned_people
FROM unnest({{}}::int[]) y(year)
JOIN spans s ON y.year >= s.first_year AND (s.last_year IS NULL OR y.year <= s.last_year)
GROUP BY y.year, s.township
"""
_COUNTY_CLOSED = """
SELECT c.*, vl.township FROM return_rate_closed c JOIN village vl ON vl.id = c.village
JOIN township t ON t.id = vl.township WHERE t.county = {}
"""


async def county_years(county_id: int | None, name: str, this_year: int) -> list[YearFigure]:
    """The county's figure for each year, in a fixed number of queries: per township, its kept figure for a year it
    closed, else its events counted (`village` in the events is the township here); `closed_at` once every
    township with figures has closed the year."""
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    counts: defaultdict[int, dict[int, Counts]] = defaultdict(dict)  # year → township → counts
    for row in await Household.raw(_COUNTY_YEAR_COUNTS, county_id or -1, years):
        lifted, returned, lifted_people, returned_people = (int(row[name]) for name in COUNT_NAMES)
        counts[row["year"]][row["township"]] = (lifted, returned, lifted_people, returned_people)
    closed: defaultdict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in await ClosedReturnRate.raw(_COUNTY_CLOSED, county_id or -1):
        closed[(row["year"], row["township"])].append(row)
    figures = []
    for year in years:
        counted = counts[year]
        kept = {township for (y, township) in closed if y == year}
        parts = [c for township, c in counted.items() if township not in kept]
        for township in kept:
            rows = closed[(year, township)]
            parts.append((sum(r["lifted"] for r in rows), sum(r["returned"] for r in rows),
                          sum(r["lifted_people"] for r in rows), sum(r["returned_people"] for r in rows)))  # fmt: skip
        sums = [sum(p[i] for p in parts) for i in range(4)]
        cap = await policy.county_value(RETURN_RATE_CAP_PERCENT, county_id, date(year, 12, 31))
        every_closed = bool(kept) and set(counted) <= kept
        closed_at = max(r["closed_at"] for t in kept for r in closed[(year, t)]) if every_closed else None
        figures.append(YearFigure(Rate(year, name, sums[0], sums[1], cap, sums[2], sums[3]), closed_at))
    return figures
