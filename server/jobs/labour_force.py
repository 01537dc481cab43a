"""The labour force ledger (server.jobs.tables.LabourForce, alias `lf`) as the jobs area asks it: who, in the viewer's
scope, is of working age (the county's rule, 16-60 by default) on a given day. Matching and "no training this year"
both start from here."""

from __future__ import annotations

from datetime import date

from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.policy.registry import WORKING_AGE_MAX, WORKING_AGE_MIN
from server.scope import household_scope_sql


def in_scope(user: CurrentUser) -> QueryString:
    """The one scope rule (server.scope) on ledger rows, which carry the household's id and village."""
    return household_scope_sql(user, "lf", household_id="household")


async def working_ages(township_id: int | None, day: date) -> tuple[int, int]:
    """The working ages in force for the township on `day`: (youngest, oldest)."""
    held = await policy.values([WORKING_AGE_MIN, WORKING_AGE_MAX], [township_id], day)
    return held.get(WORKING_AGE_MIN, township_id), held.get(WORKING_AGE_MAX, township_id)


def of_working_age(scope: QueryString, day: date, ages: tuple[int, int]) -> QueryString:
    """Ledger rows within `scope` whose birth date puts them within `ages` on `day` (no age is computed per row)."""
    after, by = born_between(day, ages)
    return QueryString("{} AND lf.born > {} AND lf.born <= {}", scope, after, by)


def born_between(day: date, ages: tuple[int, int]) -> tuple[str, str]:
    """Birth dates (as 'YYYYMMDD') of people within `ages` on `day`: after the first, on or before the second."""
    youngest, oldest = ages
    return _years_before(day, oldest + 1).strftime("%Y%m%d"), _years_before(day, youngest).strftime("%Y%m%d")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
