"""The statistics tables of a place and period: one statement per table, whatever the number of households.

Read-only figures, so they may come from the hot standby (@from_standby). Registered households are those whose
status is not "none"; poverty incidence counts the people of households not yet out or returned to poverty.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server import codes
from server.households.tables import Household
from server.i18n import N_, gettext
from server.projects.codes import FUNDING_SOURCE, PROJECT_KIND
from server.standby import from_standby
from server.statistics import progress, trends
from server.statistics.area import Area, Period, project_args
from server.statistics.register import GROUPED, INCOME_COLUMNS, Groups, counted, register_groups
from server.statistics.tables import Col, Row, StatTable
from server.statistics.visit_months import VisitMonths, visit_months

HOUSEHOLD_COLUMNS = (Col(N_("Households")), Col(N_("People")))
POOR = ("not_out", "returned")  # counted in poverty incidence

BREAKDOWNS = {
    # key: (column, condition, title, first header, code list, the households counted: register.counted's kind)
    "cause": (
        "main_cause",
        "h.status <> 'none'",
        N_("Households and people by main cause of poverty"),
        N_("Main cause of poverty"),
        codes.POVERTY_CAUSE,
        "registered",
    ),
    "attribute": (
        "attribute",
        "h.status <> 'none'",
        N_("Households and people by household attribute"),
        N_("Household attribute"),
        codes.HOUSEHOLD_ATTRIBUTE,
        "registered",
    ),
    "status": (
        "status",
        "h.status <> 'none'",
        N_("Households and people by poverty status"),
        N_("Poverty status"),
        codes.POVERTY_STATUS,
        "registered",
    ),
    "monitoring": (
        "monitoring_type",
        "h.monitoring_type IS NOT NULL",
        N_("Monitored households by type"),
        N_("Monitoring type"),
        codes.MONITORING_TYPE,
        "monitored",
    ),
}


def _total(rows: list[Row], label: str = "") -> Row:
    sums = tuple(sum(row.values[i] or 0 for row in rows) for i in range(len(rows[0].values))) if rows else ()
    return Row(label or gettext(N_("Total")), sums, key="all", total=True)


def breakdown(key: str, groups: Groups) -> StatTable:
    column, _, title, first, code_list, kind = BREAKDOWNS[key]
    found = counted(groups, column, kind)
    rows = [
        Row(code_list.label(code), (found[code]["households"], found[code]["people"]), key=code)
        for code in code_list
        if code in found
    ]
    note = N_("The register as it stands today: a household is counted under its current values.")
    return StatTable(
        key,
        title,
        first,
        HOUSEHOLD_COLUMNS,
        [*rows, _total(rows)] if rows else [],
        note,
        "households",
        chart=[(row.label, float(row.values[0])) for row in rows],
    )


def incidence(area: Area, groups: Groups) -> StatTable:
    """People in poor households / the rural population, by part; a part without population data says so."""
    people_by_village = {village: r["people"] for village, r in counted(groups, "village", "poor").items()}
    township_of = {village: part.id for part in area.parts for village in part.villages}  # a county's parts
    people: dict[int, int] = {}
    for village, n in people_by_village.items():
        part = township_of.get(village, village)
        people[part] = people.get(part, 0) + n
    rows = [
        _incidence_row(part.name, people.get(part.id, 0), part.population, part.without_population, str(part.id))
        for part in area.parts
    ]
    total_population = sum(part.population for part in area.parts)
    missing = sum(part.without_population for part in area.parts)
    total = _incidence_row(gettext(N_("Total")), sum(people.values()), total_population, missing, "all")
    return StatTable(
        "incidence",
        N_("Poverty incidence"),
        N_("Township") if area.level == "county" else N_("Village"),
        (Col(N_("People in poor households")), Col(N_("Rural population")), Col(N_("Incidence rate"), "percent")),
        [*rows, Row(total.label, total.values, "all", total.why, total=True)],
        N_(
            "People in households not yet out of poverty or returned to poverty, over the rural population the "
            "township records for each village."
        ),
        "households",
        chart=[(row.label, float(row.values[2])) for row in rows if row.values[2] is not None],
    )


def _incidence_row(label: str, people: int, population: int, missing: int, key: str) -> Row:
    if missing:
        why = gettext(N_("%(n)s villages have no population recorded, so the incidence cannot be computed."), n=missing)
        return Row(label, (people, None, None), key, why)
    percent = round(Decimal(100 * people) / population, 2) if population else None
    return Row(label, (people, population, percent), key)


# The ledger's rows of the place's households, found by `delivered_at` (a visit's time, the partition key; another
# source's day at its local midnight), so that only the period's visit partition is read. A county's are read by
# time and joined with its households (its 50,000 households are most of the ledger); a township's or village's as an
# array of household ids, which the planner pushes into each source of the view, so that a township probes its own
# households' visits of the period (by `delivered_on`, each visit's time converted to a local day, every partition was
# probed) instead of hashing the whole county's year (575 ms for a township of the county demo).
_PLACE_MEASURES = {
    "county": "delivered_measure d JOIN household h ON h.id = d.household WHERE h.village = ANY({})",
    "households": "delivered_measure d"
    " WHERE d.household = ANY(ARRAY(SELECT h.id FROM household h WHERE h.village = ANY({})))",
}
_MEASURES = """
SELECT d.type AS code, count(*) AS measures, count(DISTINCT d.household) AS households,
       coalesce(sum(d.amount), 0) AS amount
FROM {place} AND d.delivered_at >= {{}} AND d.delivered_at < {{}}
GROUP BY 1
"""


async def measures(area: Area, period: Period) -> StatTable:
    sql = _MEASURES.format(place=_PLACE_MEASURES["county" if area.level == "county" else "households"])
    found = {r["code"]: r for r in await Household.raw(sql, area.villages, period.start_at, period.end_at)}
    rows = [
        Row(codes.MEASURE_TYPE.label(code), (r["measures"], r["households"], r["amount"]), key=code)
        for code in [*codes.MEASURE_TYPE, *(c for c in found if c not in codes.MEASURE_TYPE)]
        if (r := found.get(code))
    ]
    total = Row(
        gettext(N_("Total")), (sum(r.values[0] for r in rows), None, sum(r.values[2] for r in rows)), "all", total=True
    )
    return StatTable(
        "measures",
        N_("Measures delivered by kind"),
        N_("Measure"),
        (Col(N_("Measures")), Col(N_("Households")), Col(N_("Amount (yuan)"), "money")),
        [*rows, total] if rows else [],
        N_(
            "Every measure delivered in the period, wherever it was recorded (visits, job placements, trainings, "
            "completed projects); a household helped twice is counted once per kind."
        ),
        "measures",
        chart=[(row.label, float(row.values[2])) for row in rows],
    )


_PROJECT_PLACE = "p.year = {} AND (p.village = ANY({}) OR (p.village IS NULL AND p.township = ANY({})))"

# The place's projects of the year by source of funds and by kind, in one statement of two parts (the two tables of
# a chapter, and of the workbook: a round trip fewer).
_PROJECTS = f"""
SELECT 'funds' AS grouped, f.source AS code, count(DISTINCT p.id) AS projects, sum(f.amount) AS amount,
       NULL AS budget, NULL AS funded, NULL AS progress
FROM project_funding f JOIN project p ON p.id = f.project
WHERE {_PROJECT_PLACE}
GROUP BY 2
UNION ALL
SELECT 'kinds', p.kind, count(*), NULL, sum(p.budget),
       coalesce(sum((SELECT sum(f.amount) FROM project_funding f WHERE f.project = p.id)), 0),
       round(avg(p.progress_percent))
FROM project p
WHERE {_PROJECT_PLACE}
GROUP BY 2
"""

ProjectGroups = dict[str, dict[str, dict[str, Any]]]  # "funds" or "kinds" -> its code -> the group's figures


async def project_tables(area: Area, period: Period) -> tuple[StatTable, StatTable]:
    """Funds by source and projects by kind."""
    found: ProjectGroups = {"funds": {}, "kinds": {}}
    for r in await Household.raw(_PROJECTS, *project_args(area, period), *project_args(area, period)):
        found[r["grouped"]][r["code"]] = r
    return funds_by_source(found["funds"]), projects_by_kind(found["kinds"])


def funds_by_source(found: dict[str, dict[str, Any]]) -> StatTable:
    rows = [
        Row(FUNDING_SOURCE.label(code), (found[code]["projects"], found[code]["amount"]), key=code)
        for code in FUNDING_SOURCE
        if code in found
    ]
    total = Row(gettext(N_("Total")), (None, sum(r.values[1] for r in rows)), "all", total=True)
    return StatTable(
        "funds",
        N_("Funds by source"),
        N_("Source of funds"),
        (Col(N_("Projects")), Col(N_("Amount (yuan)"), "money")),
        [*rows, total] if rows else [],
        N_("Projects of the year (a project is planned for a year, so a month shows its year)."),
        "projects",
        chart=[(row.label, float(row.values[1])) for row in rows],
    )


def projects_by_kind(found: dict[str, dict[str, Any]]) -> StatTable:
    rows = [
        Row(PROJECT_KIND.label(code), (r["projects"], r["budget"], r["funded"], r["progress"]), key=code)
        for code in PROJECT_KIND
        if (r := found.get(code))
    ]
    total = Row(
        gettext(N_("Total")),
        (sum(r.values[0] for r in rows), sum(r.values[1] for r in rows), sum(r.values[2] for r in rows), None),
        "all",
        total=True,
    )
    return StatTable(
        "projects",
        N_("Projects and funds by project kind"),
        N_("Project kind"),
        (
            Col(N_("Projects")),
            Col(N_("Budget (yuan)"), "money"),
            Col(N_("Funds (yuan)"), "money"),
            Col(N_("Average progress")),
        ),
        [*rows, total] if rows else [],
        N_("Projects of the year (a project is planned for a year, so a month shows its year)."),
        "projects",
    )


def visits_by_month(months: VisitMonths) -> StatTable:
    rows = [
        Row(
            m.month.strftime("%Y-%m"),
            (m.visits, m.households, m.due, m.done, m.due - m.done),
            key=m.month.strftime("%Y-%m"),
        )
        for m in months.in_period()
    ]
    return StatTable(
        "visits",
        N_("Visits and follow-ups per month"),
        N_("Month"),
        (
            Col(N_("Visits")),
            Col(N_("Households visited")),
            Col(N_("Follow-ups due")),
            Col(N_("Follow-ups done")),
            Col(N_("Follow-ups open")),
        ),
        [*rows, _total(rows)] if rows else [],
        N_("Follow-ups counted in the month they are due."),
        "visits",
        chart=[(row.label[5:], float(row.values[0])) for row in rows],
    )


# The register's income columns (summed in server/statistics/register.py) with their labels.
INCOME_SOURCES = tuple(
    zip(
        INCOME_COLUMNS,
        (
            N_("Wages"),
            N_("Production and business"),
            N_("Property"),
            N_("Transfers"),
            N_("Production costs (subtracted)"),
        ),
        strict=True,
    )
)


def income(period: Period, groups: Groups) -> StatTable:
    """Income per person by source for the year and the year before, with the change."""
    years = counted(groups, "income_year")
    this, last = years.get(period.year), years.get(period.year - 1)
    rows = []
    for name, label in (*INCOME_SOURCES, ("net", N_("Net income"))):
        now_value, before = _per_person(this, name), _per_person(last, name)
        change = round(100 * (now_value - before) / before, 1) if now_value is not None and before else None
        why = "" if this else gettext(N_("No household has income recorded for %(year)s."), year=period.year)
        rows.append(Row(gettext(label), (now_value, before, change), key=name, why=why, total=name == "net"))
    return StatTable(
        "income",
        N_("Income per person by source, year on year"),
        N_("Source of income"),
        (
            Col(str(period.year), "money"),
            Col(str(period.year - 1), "money"),
            Col(N_("Change on the year before"), "percent"),
        ),
        rows,
        N_(
            "Yuan per person per year, from the income each registered household has recorded for that year (the "
            "register keeps a household's latest year, so the year before counts the households last recorded then)."
        ),
        "households",
    )


def _per_person(row: dict[str, Any] | None, name: str) -> Decimal | None:
    if not row or not row["people"]:
        return None
    if name == "net":
        total = sum((row[n] or 0) * (-1 if n == "production_cost" else 1) for n, _ in INCOME_SOURCES)
    else:
        total = row[name] or 0
    return (Decimal(total) / int(row["people"])).quantize(Decimal("0.01"))


TITLES = {
    **{key: spec[2] for key, spec in BREAKDOWNS.items()},
    "incidence": N_("Poverty incidence"),
    "measures": N_("Measures delivered by kind"),
    "funds": N_("Funds by source"),
    "projects": N_("Projects and funds by project kind"),
    "visits": N_("Visits and follow-ups per month"),
    "income": N_("Income per person by source, year on year"),
    "identification": N_("Identification progress by step"),
    "exits": N_("Exits by step"),
    "placements": N_("Job placements and retention"),
    "clocks": N_("Risk cases by type and clock"),
    "project_places": N_("Projects with budget, funds and progress by place"),
    "trend_status": N_("Registered households and people by year of registration"),
    "trend_visits": N_("Visits by month across years"),
    "trend_income": N_("Net income per person, year on year"),
}


# The report's chapters, its tables in their order (the workbook's sheets are numbered in this order): the page shows
# one chapter at a time (18 tables of up to 1,600 cells were one long page on a phone) and runs only its statements.
CHAPTERS = {
    "register": (N_("Households and incidence"), ("cause", "attribute", "status", "monitoring", "incidence")),
    "progress": (N_("Progress and risks"), ("identification", "exits", "clocks")),
    "projects": (N_("Projects and jobs"), ("project_places", "placements")),
    "measures": (N_("Measures and funds"), ("measures", "funds", "projects")),
    "visits": (N_("Visits and follow-ups"), ("visits",)),
    "years": (N_("Year on year"), ("income", "trend_status", "trend_visits", "trend_income")),
}
ORDER = tuple(key for _, keys in CHAPTERS.values() for key in keys)
NUMBERS = {key: number for number, key in enumerate(ORDER, 1)}  # a table's number, on its chapter's page too
CHAPTER_OF = {key: chapter for chapter, (_, keys) in CHAPTERS.items() for key in keys}
# the tables counted from the register's one statement (register_groups), with the column each is grouped by
GROUPED_BY = {
    **{key: spec[0] for key, spec in BREAKDOWNS.items()},
    "incidence": "village",
    "income": "income_year",
    "trend_status": "identified_year",
    "trend_income": "income_year",
}


async def _table(key: str, area: Area, period: Period, groups: Groups, months: VisitMonths | None) -> StatTable:
    if key in BREAKDOWNS:
        return breakdown(key, groups)
    match key:
        case "incidence":
            return incidence(area, groups)
        case "clocks":
            return await progress.risk_clocks(area)
        case "project_places":
            return await progress.projects_by_place(area, period)
        case "placements":
            return await progress.placements(area)
        case "measures":
            return await measures(area, period)
        case "visits" if months:
            return visits_by_month(months)
        case "income":
            return income(period, groups)
        case "trend_status":
            return trends.status_by_year(period, groups)
        case "trend_visits" if months:
            return trends.visits_across_years(months)
        case "trend_income":
            return trends.income_by_year(period, groups)
    raise KeyError(key)


@from_standby
async def report(area: Area, period: Period, chapter: str | None = None) -> list[StatTable]:
    """The tables of a chapter, or every table of the report (the workbook), in their order: a constant number of
    statements, and only those of the tables asked for."""
    keys = CHAPTERS[chapter][1] if chapter else ORDER
    grouped = tuple(column for column in GROUPED if column in {GROUPED_BY.get(key) for key in keys})
    groups = await register_groups(area.villages, list(POOR), grouped) if grouped else {}
    by_period, across_years = "visits" in keys, "trend_visits" in keys  # one statement for both (visit_months.py)
    months = (
        await visit_months(area, period, by_period=by_period, across_years=across_years)
        if by_period or across_years
        else None
    )
    together: dict[str, StatTable] = {}  # tables that one statement counts together
    if "funds" in keys or "projects" in keys:
        together["funds"], together["projects"] = await project_tables(area, period)
    if "identification" in keys or "exits" in keys:
        together["identification"], together["exits"] = await progress.step_tables(area, period)
    return [together[key] if key in together else await _table(key, area, period, groups, months) for key in keys]
