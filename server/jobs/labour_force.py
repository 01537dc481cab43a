"""The labour force ledger (server.jobs.tables.LabourForce, alias `lf`) as the jobs area asks it: who, in the viewer's
scope, is of working age (16-60) on a given day. Matching and "no training this year" both start from here."""

from __future__ import annotations

from datetime import date

from piccolo.querystring import QueryString

from server.accounts.sessions import CurrentUser
from server.jobs.codes import WORKING_AGE
from server.scope import household_scope_sql


def in_scope(user: CurrentUser) -> QueryString:
    """The one scope rule (server.scope) on ledger rows, which carry the household's id and village."""
    return household_scope_sql(user, "lf", household_id="household")


def of_working_age(scope: QueryString, day: date) -> QueryString:
    """Ledger rows within `scope` whose birth date puts them at 16-60 on `day` (no age is computed per row)."""
    after, by = born_between(day)
    return QueryString("{} AND lf.born > {} AND lf.born <= {}", scope, after, by)


def born_between(day: date) -> tuple[str, str]:
    """Birth dates (as 'YYYYMMDD') of people aged 16-60 on `day`: after the first, on or before the second."""
    youngest, oldest = WORKING_AGE
    return _years_before(day, oldest + 1).strftime("%Y%m%d"), _years_before(day, youngest).strftime("%Y%m%d")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
