"""What the county follows place by place: identification progress by step, risk cases against their clocks, and
projects with their budget, funds and progress (one statement each, by township of the county or village of the
township)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piccolo.querystring import QueryString

from server import codes
from server.clock import today
from server.exits.workflow import ORDER as EXIT_ORDER
from server.exits.workflow import STATE_LABELS as EXIT_LABELS
from server.exits.workflow import State as ExitState
from server.households.tables import Household
from server.i18n import N_, gettext
from server.identification.workflow import ORDER, State
from server.jobs import figures as jobs_figures
from server.monitoring.queries import _OPEN_CASES, with_clocks
from server.statistics.area import Area, Period, project_args
from server.statistics.tables import Col, Row, StatTable

STEPS = (*ORDER, State.STRUCK_OUT)


def _part_sql(area: Area, village_column: str) -> str:
    """The part (township of a county, else village) a row belongs to, from a village id column."""
    if area.level == "county":
        return f"(SELECT township FROM village WHERE id = {village_column})"
    return village_column


def _rows(area: Area, values: dict[int, tuple[Any, ...]], width: int) -> list[Row]:
    rows = [Row(part.name, values.get(part.id, (0,) * width), key=str(part.id)) for part in area.parts]
    totals = tuple(sum(row.values[i] or 0 for row in rows) for i in range(width))
    return [*rows, Row(gettext(N_("Total")), totals, key="all", total=True)]


def _first(area: Area) -> str:
    return N_("Township") if area.level == "county" else N_("Village")


# The applications of the year by the step each has reached, and the exits of the year likewise: one statement of
# two parts (the two tables of a chapter, and of the workbook: a round trip fewer).
_STEPS = """
SELECT 'identification' AS counted, {identification_part} AS part, a.state, count(*) AS n
FROM identification_application a
WHERE a.village = ANY({{}}) AND extract(year FROM a.applied_on) = {{}}
GROUP BY 2, 3
UNION ALL
SELECT 'exits', {exit_part}, e.state, count(*)
FROM exit_case e JOIN household h ON h.id = e.household
WHERE h.village = ANY({{}}) AND e.year = {{}}
GROUP BY 2, 3
"""


async def step_tables(area: Area, period: Period) -> tuple[StatTable, StatTable]:
    """Identification progress by step and exits by step."""
    sql = _STEPS.format(identification_part=_part_sql(area, "a.village"), exit_part=_part_sql(area, "h.village"))
    counts: dict[str, dict[int, dict[str, int]]] = {"identification": defaultdict(dict), "exits": defaultdict(dict)}
    for r in await Household.raw(sql, area.villages, period.year, area.villages, period.year):
        counts[r["counted"]][r["part"]][r["state"]] = r["n"]
    return identification_progress(area, counts["identification"]), exit_progress(area, counts["exits"])


def identification_progress(area: Area, counts: dict[int, dict[str, int]]) -> StatTable:
    """Applications of the year by the step they have reached."""
    values = {part: tuple(states.get(state.value, 0) for state in STEPS) for part, states in counts.items()}
    return StatTable(
        "identification",
        N_("Identification progress by step"),
        _first(area),
        tuple(Col(state.label) for state in STEPS),
        _rows(area, values, len(STEPS)),
        N_("Applications of the year, by the step each has reached."),
    )


EXIT_STATES = (*EXIT_ORDER, ExitState.REFUSED)


def exit_progress(area: Area, counts: dict[int, dict[str, int]]) -> StatTable:
    """Exits of the year (贫困户退出) by the step each has reached."""
    values = {part: tuple(states.get(state.value, 0) for state in EXIT_STATES) for part, states in counts.items()}
    return StatTable(
        "exits",
        N_("Exits by step"),
        _first(area),
        tuple(Col(EXIT_LABELS[state]) for state in EXIT_STATES),
        _rows(area, values, len(EXIT_STATES)),
        N_("Exits of the year, by the step each has reached."),
    )


async def risk_clocks(area: Area) -> StatTable:
    """Open risk cases and monitored households by type, and the cases past their clocks."""
    cases = await Household.raw(
        _OPEN_CASES,
        QueryString("h.village = ANY({})", area.villages),
        QueryString("rc.state <> 'cleared'"),
        QueryString(""),
    )
    village_ids = {part.name: part.id for part in area.parts}  # a township's villages have distinct names
    types = list(codes.MONITORING_TYPE)
    values: dict[int, list[int]] = defaultdict(lambda: [0] * (len(types) + 3))
    day = today()
    for case in cases:
        timed = with_clocks(case, day)
        part = case["township"] if area.level == "county" else village_ids.get(case["village_name"], -1)
        figures = values[part]
        figures[0] += 1
        if case["state"] == "monitored" and case["monitoring_type"] in types:
            figures[1 + types.index(case["monitoring_type"])] += 1
        # The monitoring pages' rule: late while not yet confirmed, and late while no measure has come.
        figures[-2] += int(timed["confirm_late"] and case["state"] in ("found", "noticed"))
        figures[-1] += int(timed["measure_late"] and case["first_measure_on"] is None)
    return StatTable(
        "clocks",
        N_("Risk cases by type and clock"),
        _first(area),
        (
            Col(N_("Open risk cases")),
            *(Col(codes.MONITORING_TYPE.label(t)) for t in types),
            Col(N_("Not confirmed in time"), "alert"),
            Col(N_("No measure in time"), "alert"),
        ),
        _rows(area, {part: tuple(v) for part, v in values.items()}, len(types) + 3),
        N_("Open cases today; a case past its clock (confirmation, first measure) is counted in red."),
    )


async def projects_by_place(area: Area, period: Period) -> StatTable:
    part = "p.township" if area.level == "county" else "p.village"
    sql = (
        f"SELECT {part} AS part, count(*) AS projects, sum(p.budget) AS budget,"
        " coalesce(sum((SELECT sum(f.amount) FROM project_funding f WHERE f.project = p.id)), 0) AS funded,"
        " round(avg(p.progress_percent)) AS progress FROM project p"
        " WHERE p.year = {} AND (p.village = ANY({}) OR (p.village IS NULL AND p.township = ANY({}))) GROUP BY 1"
    )
    values = {
        r["part"]: (r["projects"], r["budget"], r["funded"], r["progress"])
        for r in await Household.raw(sql, *project_args(area, period))
        if r["part"] is not None
    }
    rows = _rows(area, values, 4)
    total = rows[-1]
    rows[-1] = Row(total.label, (*total.values[:3], None), "all", total=True)
    return StatTable(
        "project_places",
        N_("Projects with budget, funds and progress by place"),
        _first(area),
        (
            Col(N_("Projects")),
            Col(N_("Budget (yuan)"), "money"),
            Col(N_("Funds (yuan)"), "money"),
            Col(N_("Average progress")),
        ),
        rows,
        N_("Projects of the year; a township's own projects (no village) are counted at the township only."),
    )


PLACEMENT_COLUMNS = (
    "open_jobs",
    "referrals",
    "placements",
    "working",
    "employed_first",
    "employed_second",
    "employed_third",
)


async def placements(area: Area) -> StatTable:
    """Jobs, referrals and placements, and those still employed at each placement check (1, 3, 6 months by default),
    by township of the county or village of the township (the jobs area's figures)."""
    day = today()
    if area.level == "county":
        data = await jobs_figures.county_figures(area.county_id, day)
        found = data["townships"]
    else:
        data = await jobs_figures.figures(area.township_id, day)
        found = [row for row in data["villages"] if area.level == "township" or row["id"] == area.village_id]
    values = {row["id"]: tuple(row[column] for column in PLACEMENT_COLUMNS) for row in found}
    months = data["check_months"]
    return StatTable(
        "placements",
        N_("Job placements and retention"),
        _first(area),
        (
            Col(N_("Open jobs")),
            Col(N_("Referrals")),
            Col(N_("Placements")),
            Col(N_("Working now")),
            *(Col(gettext(N_("Still employed after %(n)s months"), n=n)) for n in months[:3]),
        ),
        _rows(area, values, len(PLACEMENT_COLUMNS)),
        N_("Placements of members of the place's households, and those still working at each placement check."),
    )
