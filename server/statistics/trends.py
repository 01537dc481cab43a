"""Trends across years: registered households by year of registration and their status today, visits by month across
years, and net income per person year on year. One statement per table, each figure with the list behind it.

The register keeps a household's current status and its latest income year only, so a year's row counts what the
register says of that year today (the note under each table says so) instead of reconstructing past states.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.i18n import N_, gettext
from server.statistics.area import Period
from server.statistics.register import Groups, counted
from server.statistics.tables import Col, Row, StatTable
from server.statistics.visit_months import VISIT_YEARS, VisitMonths

YEARS = 5  # the years the income trend covers, up to the period's year
FIRST_YEAR = 2000  # no household was registered before (建档立卡 began in 2014)


def years_of(period: Period, count: int = YEARS) -> list[int]:
    return list(range(period.year - count + 1, period.year + 1))


def status_by_year(period: Period, groups: Groups) -> StatTable:
    """Households and people by the year they were registered (every year from the first), by their status today."""
    found = {
        year: r for year, r in counted(groups, "identified_year").items() if year is not None and year <= period.year
    }
    years = list(range(min(found, default=period.year), period.year + 1))
    names = ("households", "people", "not_out", "out", "returned")
    rows = [
        Row(str(year), tuple(found[year][n] if year in found else 0 for n in names), key=str(year)) for year in years
    ]
    sums = tuple(sum(r.values[i] for r in rows) for i in range(len(names)))
    total = Row(gettext(N_("Total")), sums, "all", total=True)
    return StatTable(
        "trend_status",
        N_("Registered households and people by year of registration"),
        N_("Year registered"),
        (
            Col(N_("Households")),
            Col(N_("People")),
            Col(N_("Not yet out of poverty")),
            Col(N_("Out of poverty")),
            Col(N_("Returned to poverty")),
        ),
        [*rows, total] if found else [],
        N_(
            "The households registered in each year, with their status as it stands today (the register keeps "
            "the current status, not the status of past years)."
        ),
        "households",
        chart=[(row.label, float(row.values[0])) for row in rows],
    )


def visits_across_years(months: VisitMonths) -> StatTable:
    """Visits in each month (rows) of the period's year and the years before (columns)."""
    years = years_of(months.period, VISIT_YEARS)
    found = {(m.month.year, m.month.month): m.visits for m in months.months if m.visits > 0}
    rows = [
        Row(
            gettext(N_("Month %(m)s"), m=month),
            tuple(found.get((year, month), 0) for year in years),
            key=f"m{month:02d}",
            cell_keys=tuple(f"{year}-{month:02d}" for year in years),
        )
        for month in range(1, 13)
    ]
    total = Row(gettext(N_("Total")), tuple(sum(r.values[i] for r in rows) for i in range(len(years))), total=True)
    return StatTable(
        "trend_visits",
        N_("Visits by month across years"),
        N_("Month"),
        tuple(Col(str(year)) for year in years),
        [*rows, total] if found else [],
        N_("Visits recorded in each month, the same month of each year side by side."),
        "visits",
        series=[(str(year), [(str(m), float(found.get((year, m), 0))) for m in range(1, 13)]) for year in years],
    )


def income_by_year(period: Period, groups: Groups) -> StatTable:
    """Net income per person of registered households, year on year, with the change on the year before."""
    years = years_of(period)
    by_year = counted(groups, "income_year")
    found = {year: r for year, r in by_year.items() if year is not None and years[0] - 1 <= year <= years[-1]}
    rows = []
    for year in years:
        now, before = _per_person(found.get(year)), _per_person(found.get(year - 1))
        change = round(100 * (now - before) / before, 1) if now is not None and before else None
        record = found.get(year)
        why = "" if record else gettext(N_("No household has income recorded for %(year)s."), year=year)
        values = (record["households"] if record else 0, record["people"] if record else 0, now, change)
        rows.append(Row(str(year), values, key=str(year), why=why))
    return StatTable(
        "trend_income",
        N_("Net income per person, year on year"),
        N_("Income year"),
        (
            Col(N_("Households")),
            Col(N_("People")),
            Col(N_("Net income per person (yuan)"), "money"),
            Col(N_("Change on the year before"), "percent"),
        ),
        rows if found else [],
        N_(
            "Yuan per person per year, from the income each registered household recorded for that year (the "
            "register keeps a household's latest year, so an earlier year counts the households last recorded then)."
        ),
        "households",
        # only the years that can be computed: a year without income is not drawn as 0
        series=[
            (
                gettext(N_("Net income per person (yuan)")),
                [(r.label, float(r.values[2])) for r in rows if r.values[2] is not None],
            )
        ],
    )


def _per_person(row: dict[str, Any] | None) -> Decimal | None:
    if not row or not row["people"]:
        return None
    return (Decimal(row["net"] or 0) / int(row["people"])).quantize(Decimal("0.01"))
