"""The place's visits counted month by month, in one statement for the two tables that show them: the period's visits
and follow-ups per month (chapter "visits") and the visits by month across three years (chapter "years"). The
workbook has both: its months are the three years', and the period's months (always among them) also count their
households visited and their follow-ups, so the period's visits are read once, not once for each table (township demo:
3.6 + 2.0 → 3.9 ms of backend CPU, and a statement fewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.households.tables import Household
from server.statistics.area import MONTHS_SQL, PLACE_VILLAGES, Area, Period, months_of

VISIT_YEARS = 3  # visits by month across years: the period's year and the two before

# Each month's visits are found by its own range of the visit index (`visit_recent`), its local bounds computed once:
# no time zone conversion per visit, only the months' partitions read. Joining the months to the visits by range
# instead let PostgreSQL's generic plan (from a connection's sixth run on) test every visit against every month (36 x
# 3,000 pairs for the years, 100-200 ms on the township demo instead of 5); the months' own statement before counted
# each month four times over (4 s at county scale for a year).
# The place's villages are a relation joined by equality (PLACE_VILLAGES), not `h.village = ANY(...)`: with the array
# a parameter, the generic plan probed each visit's household through `household_village` once per village of the
# place (26 index descents a household on the township demo, 18,000 buffers); now by its primary key, the village
# tested against a hash of the villages (5.0 → 2.8 ms of backend CPU, the same at county scale).
# The households visited and the follow-ups are counted for the period's months only; the follow-ups' part is not run
# at all when the period's table is not asked for (its one-time filter, the boolean parameter).
_MONTHS = f"""
WITH months AS ({MONTHS_SQL}),
follow_ups AS (
  SELECT date_trunc('month', f.due_on)::date AS month, count(*) AS due,
         count(*) FILTER (WHERE f.closed_at IS NOT NULL) AS done
  FROM follow_up f JOIN household h ON h.id = f.household
  WHERE {{}}::boolean AND h.village = ANY({{}}) AND f.due_on >= {{}} AND f.due_on < {{}}
  GROUP BY 1
)
SELECT m.month, v.visits, v.households, coalesce(f.due, 0) AS due, coalesce(f.done, 0) AS done
FROM months m
CROSS JOIN LATERAL (
  SELECT count(*) AS visits,
         count(DISTINCT v.household) FILTER (WHERE m.month >= {{}} AND m.month < {{}}) AS households
  FROM visit v JOIN household h ON h.id = v.household {PLACE_VILLAGES}
  WHERE v.visited_at >= m.starts AND v.visited_at < m.ends
    AND v.visited_at >= {{}} AND v.visited_at < {{}}  -- the span as values too: only its partitions are planned
) v
LEFT JOIN follow_ups f ON f.month = m.month
ORDER BY m.month
"""


@dataclass(frozen=True)
class VisitMonth:
    month: date  # its first day
    visits: int
    households: int  # visited in the month: counted in the period's months only
    due: int  # follow-ups due in the month: counted in the period's months only
    done: int


@dataclass(frozen=True)
class VisitMonths:
    """The months counted: the period's (`in_period()`, with their households and follow-ups when asked) and, when
    the visits across years are asked for, the rest of the three years' (visits only)."""

    period: Period
    months: list[VisitMonth]

    def in_period(self) -> list[VisitMonth]:
        return [m for m in self.months if self.period.start <= m.month < self.period.end]


async def visit_months(area: Area, period: Period, *, by_period: bool, across_years: bool) -> VisitMonths:
    """The place's visits by month: the period's months with their households and follow-ups (`by_period`), and the
    three years' months with their visits (`across_years`); one statement either way."""
    whole_years = Period(period.year - VISIT_YEARS + 1, 0), Period(period.year, 0)
    first, end = whole_years if across_years else (period, period)
    # the period's households and follow-ups: an empty range of months, and no follow-ups, when not asked for
    counted = (period.start, period.end) if by_period else (period.start, period.start)
    rows = await Household.raw(
        _MONTHS,
        months_of(first.start, end.end),
        by_period,
        area.villages,
        *counted,
        *counted,
        area.villages,
        first.start_at,
        end.end_at,
    )
    return VisitMonths(
        period, [VisitMonth(r["month"], r["visits"], r["households"], r["due"], r["done"]) for r in rows]
    )
