"""Visit figures for pairing screens (coverage, homes, door cards), read from the visits area in one place.

The coverage query (server/pairing/coverage.py) and the homes (server/home/queries.py) read only this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from server.clock import TIMEZONE
from server.codes import MEASURE_TYPE
from server.plans import delivered
from server.visits import queries as visit_queries

# Whether a household `h` of township `t`, joined as HOUSEHOLD_VISIT_JOINS below, is unvisited / overdue: the
# coverage's figures and the lists behind them. `t` carries TOWNSHIP_DAY_COLUMNS (`{days}`: its alert days).
UNVISITED, OVERDUE = visit_queries.UNVISITED_KEPT, visit_queries.OVERDUE_KEPT
TOWNSHIP_DAY_COLUMNS = visit_queries.TOWNSHIP_DAY_COLUMNS
PENDING_CONDITIONS = {"unvisited": UNVISITED, "overdue": OVERDUE}
LOCAL_TODAY_SQL = visit_queries.LOCAL_TODAY_SQL
HOUSEHOLD_VISIT_JOINS = visit_queries.KEPT_DATES_JOIN


@dataclass(frozen=True)
class VisitDates:
    last_visit: date | None = None
    next_follow_up: date | None = None


# The fields `last_visited_at` and `next_follow_up` of a household `h` (for `visit_dates_of`) and their columns.
VISIT_DATE_COLUMNS = {
    "last_visited_at": visit_queries.LAST_VISITED_AT_SQL, "next_follow_up": visit_queries.NEXT_FOLLOW_UP_SQL
}  # fmt: skip


def visit_dates_of(row: dict[str, Any]) -> VisitDates:
    """The last visit (its local date) and the next follow-up due of a row read with VISIT_DATE_COLUMNS."""
    last = row.pop("last_visited_at")
    return VisitDates(last_visit=local_date_of(last) if last else None, next_follow_up=row.pop("next_follow_up"))


async def measures(household_ids: Iterable[int]) -> dict[int, list[str]]:
    """The measures each household has received (帮扶措施 labels), in one query."""
    found = await delivered.types_by_household(household_ids)
    return {household: [MEASURE_TYPE.label(code) for code in codes] for household, codes in found.items()}


def local_date_of(moment: datetime) -> date:
    return moment.astimezone(TIMEZONE).date()
