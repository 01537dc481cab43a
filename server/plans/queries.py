"""Help plans against what was delivered: each plan item matched with a delivered measure of its type and year.

Items of one type are matched in order of their dates with that year's delivered measures of the type in order of
delivery, so two planned industry measures need two delivered ones. An item is open until matched, and overdue when
open after its date. The same SQL serves one household's plan, a cadre's due list and the township's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.clock import LOCAL_TODAY_SQL, TIMEZONE
from server.codes import MEASURE_TYPE, POVERTY_CAUSE
from server.households.tables import Household
from server.plans.tables import HelpPlan
from server.scope import household_scope_sql

# Causes of poverty and the measures that usually answer them (a suggestion on the plan form, never a rule).
SUGGESTED_MEASURES: dict[str, tuple[str, ...]] = {
    "illness": ("medical", "dibao"),
    "disability": ("dibao", "medical", "employment"),
    "schooling": ("education",),
    "disaster": ("housing", "donation", "dibao"),
    "lack_land": ("industry", "employment"),
    "lack_water": ("infrastructure",),
    "lack_skills": ("skills_training", "employment"),
    "lack_labour": ("dibao", "pension"),
    "lack_funds": ("microcredit", "industry"),
    "poor_transport": ("infrastructure", "relocation"),
    "low_motivation": ("employment", "skills_training"),
    "other": (),
}


@dataclass(frozen=True)
class PlanItem:
    """A planned measure and, when matched, the day a measure of its type was delivered."""

    id: int
    household: int
    village: int
    type: str
    what: str
    due_on: date
    amount: Decimal | None
    target: str
    delivered_on: date | None
    delivered_amount: Decimal | None = None  # the amount of the delivery matched with it

    @property
    def type_label(self) -> str:
        return MEASURE_TYPE.label(self.type)

    @property
    def short_of_plan(self) -> bool:
        """Met by a delivery of its type whose amount is less than planned (3000 yuan of chicks planned, 2000 given):
        the item counts as delivered, as the plan rules say, and the page shows how much of it was."""
        return (
            self.delivered_on is not None
            and self.amount is not None
            and self.delivered_amount is not None
            and self.delivered_amount < self.amount
        )

    @property
    def delivered(self) -> bool:
        return self.delivered_on is not None

    def overdue(self, on: date) -> bool:
        return self.delivered_on is None and self.due_on < on


# `{where}` is a condition on the plan `p` (a QueryString argument) that selects one year's plans; the match reads
# the ledger view for the households given as an array (`planned_households`): a list the planner can count, so it
# reads each one's deliveries through the indexes instead of every visit measure of the county (1.3 s on the county
# demo's home); and only the deliveries of that year (`_year_span`), the only ones an item of the year can match:
# the visit measures of 1,200 visits are then probed instead of all 560,000 hashed (a county's coverage page). The
# year is asked by `delivered_at`, the visits' partition key, so only the plan year's partition is read (by
# `delivered_on`, an expression, each household was probed in all eight yearly partitions of the county demo).
# The plan items `{where}` selects, each numbered among its plan's items of its type by date (`n`).
_ITEMS = """items AS (
    SELECT i.id, p.household, h.village, p.year, i.type, i.what, i.due_on, i.amount, i.target,
           row_number() OVER (PARTITION BY p.id, i.type ORDER BY i.due_on, i.id) AS n
    FROM help_plan_item i JOIN help_plan p ON p.id = i.plan JOIN household h ON h.id = p.household
    WHERE {}
)"""
# The planned households' deliveries `d` of the year (the array, then the year's first and next local midnights).
_YEAR_DELIVERIES = "d.household = ANY({}::int[]) AND d.delivered_at >= {} AND d.delivered_at < {}"
_MATCHED = f"""
WITH {_ITEMS}, got AS (
    SELECT d.household, d.type, d.delivered_on, d.amount,
           row_number() OVER (PARTITION BY d.household, d.type, date_part('year', d.delivered_on)
                              ORDER BY d.delivered_on, d.source, d.source_id) AS n
    FROM delivered_measure d
    WHERE {_YEAR_DELIVERIES}
)
SELECT items.id, items.household, items.village, items.type, items.what, items.due_on, items.amount, items.target,
       got.delivered_on, got.amount AS delivered_amount
FROM items LEFT JOIN got ON got.household = items.household AND got.type = items.type AND got.n = items.n
     AND date_part('year', got.delivered_on) = items.year
"""


def _year_span(year: int) -> tuple[datetime, datetime]:
    """The local midnights that begin `year` and the next: the deliveries a plan of `year` can match."""
    return datetime(year, 1, 1, tzinfo=TIMEZONE), datetime(year + 1, 1, 1, tzinfo=TIMEZONE)


PLANNED_HOUSEHOLDS = "SELECT DISTINCT p.household FROM help_plan p JOIN household h ON h.id = p.household WHERE {}"


async def planned_households(where: QueryString) -> list[int]:
    """The households whose plans `where` selects (the first statement of every plan-against-delivered query)."""
    rows = await Household.raw(PLANNED_HOUSEHOLDS, where)
    return [int(row["household"]) for row in rows]


async def items(household_id: int, year: int) -> list[PlanItem]:
    """The plan's items of a household and year, by date, each with its delivery. Scope is checked by the caller."""
    rows = await Household.raw(
        _MATCHED + " ORDER BY items.due_on, items.id",
        QueryString("p.household = {} AND p.year = {}", household_id, year),
        [household_id],
        *_year_span(year),
    )
    return [PlanItem(**row) for row in rows]


async def plan_of(household_id: int, year: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await HelpPlan.select(*HelpPlan.all_columns(), HelpPlan.drafted_by.display_name.as_alias("drafted_by_name"))
        .where((HelpPlan.household == household_id) & (HelpPlan.year == year))
        .first()
    )
    return row


def suggestions(main_cause: str | None, secondary: list[str] | None, planned: set[str]) -> list[str]:
    """Measure types the household's causes suggest, main cause first, without those already planned."""
    found: list[str] = []
    for cause in [main_cause or "", *(secondary or [])]:
        for code in SUGGESTED_MEASURES.get(cause, ()):
            if code not in found and code not in planned:
                found.append(code)
    return found


def cause_labels(main_cause: str | None, secondary: list[str] | None) -> list[str]:
    return [POVERTY_CAUSE.label(c) for c in [main_cause or "", *(secondary or [])] if c]


_OVERDUE_LIST = f"""
SELECT m.*, h.code, vl.name AS village_name,
       (SELECT mb.name FROM member mb WHERE mb.household = m.household AND mb.relation = 'head' LIMIT 1) AS head
FROM ({_MATCHED}) m JOIN household h ON h.id = m.household JOIN village vl ON vl.id = h.village
WHERE m.delivered_on IS NULL AND m.due_on < {LOCAL_TODAY_SQL}
ORDER BY m.due_on, m.id LIMIT 500
"""


def own_only(user: CurrentUser, mine: bool) -> bool:
    """Whether the plan items the user answers for are only those of the households paired with them: a cadre's
    always (a village cadre sees the village's households, but the others' plans are their own cadres' to deliver);
    a leader's or admin's when they ask for their own (`mine`), else the township's."""
    return mine or user.is_cadre


def to_deliver_sql(user: CurrentUser, alias: str, household_id: str = "id", mine: bool = False) -> QueryString:
    """The households whose plan items the user answers for (`own_only`), as a condition on `alias` (its household's
    id in `household_id`): in the user's scope, and paired with the user when they are the user's own only."""
    scope = household_scope_sql(user, alias, household_id)
    if not own_only(user, mine):
        return scope
    return QueryString(
        f"{{}} AND {alias}.{household_id} IN (SELECT household FROM pairing WHERE cadre = {{}} AND ended_on IS NULL)",
        scope,
        user.id,
    )


async def overdue_for(
    user: CurrentUser, year: int, village_id: int | None = None, mine: bool = False
) -> list[dict[str, Any]]:
    """Open plan items past their date among the households the user answers for (`own_only`: a cadre's own, a
    leader's or admin's township, or with `mine` their own paired households), oldest first; one village's when
    `village_id` is given."""
    where = QueryString(
        "p.year = {} AND {} AND ({}::int IS NULL OR h.village = {}::int)",
        year,
        to_deliver_sql(user, "h", mine=mine),
        village_id,
        village_id,
    )
    rows: list[dict[str, Any]] = await Household.raw(
        _OVERDUE_LIST, where, await planned_households(where), *_year_span(year)
    )
    return rows


def overdue_by_village_sql(villages: str) -> str:
    """A query of the open plan items past their date per village (`village`, `overdue`) among the villages that
    the query `villages` selects (leaders' figures: the villages' households, whoever looks), with one parameter
    `{}`, the plan year: the coverage page reads it inside its figures' statement. Villages without any are left
    out. The items not yet met are kept by the database (`plan_item_open`, migration plans_2026_12_06t17_55_00: the
    n-th item of a type in a plan is met when its household received at least n of the type in the plan's year, as
    `_MATCHED` pairs them; worked out when an item, a plan, a delivery or a household's village is written): an
    index-only count per village of those before today (0.8 ms of backend CPU less on the township demo)."""
    return (
        "SELECT o.village, count(*)::int AS overdue FROM plan_item_open o"
        f" WHERE o.year = {{}} AND o.village IN ({villages}) AND o.due_on < (SELECT {LOCAL_TODAY_SQL})"
        " GROUP BY o.village"
    )


def overdue_count_sql(user: CurrentUser, year: int) -> QueryString:
    """How many open plan items are past their date among the households paired with the user (`n`: the home of a
    cadre or leader, beside their own follow-ups), to read inside another statement: counted from the items not yet
    met that the database keeps (`plan_item_open`)."""
    return QueryString(
        "SELECT count(*) AS n FROM plan_item_open o"
        f" WHERE o.year = {{}} AND {{}} AND o.due_on < (SELECT {LOCAL_TODAY_SQL})",
        year,
        to_deliver_sql(user, "o", "household", mine=True),
    )
