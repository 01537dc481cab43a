"""What the monitoring pages show, assembled from the queries (constant number of queries per page)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from server import policy
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.codes import MEASURE_TYPE, MONITORING_TYPE, POVERTY_STATUS
from server.monitoring import queries, rate
from server.monitoring.codes import CLEARING_CHECKLIST, RISK_SOURCE
from server.monitoring.forms import StepForm
from server.monitoring.rows import case_rows, risk_rows, state_tag
from server.plans import delivered
from server.web.listing import fetched_page

__all__ = ["StepForm"]
from server.clock import today
from server.county.tables import SubmissionItem
from server.monitoring.workflow import ORDER, State, notice_ends_at_earliest
from server.visits.codes import HARDSHIP

OVERVIEW_RISKS = 20
# The open cases the overview shows, the longest open first; all of them are on their own list (RISK_PAGE a page).
OVERVIEW_CASES = 10
# The rows a page of the risk list and of the open cases' list, as the household lists (a phone loads the next page at
# the end of the list).
RISK_PAGE = 30
CODE_LISTS: dict[str, Any] = {
    "risk_sources": RISK_SOURCE,
    "hardships": HARDSHIP,
    "monitoring_types": MONITORING_TYPE,
    "statuses": POVERTY_STATUS,
    "measure_types": MEASURE_TYPE,
}
RATE_CONTEXT: dict[str, Any] = {"cap_mark": rate.CAP_MARK}
SHEET_CONTEXT: dict[str, Any] = {**CODE_LISTS}


async def overview(user: CurrentUser, year: int) -> dict[str, Any]:
    figures = await queries.overview(user, year, OVERVIEW_RISKS, OVERVIEW_CASES, today())
    risks, township_rate = figures.risks, figures.township_rate
    return {
        "year": year,
        "line": risks.line,
        "risks": risks.rows,
        "risk_count": risks.total,
        "cases": figures.cases.rows,
        "case_count": figures.cases.total,
        "case_rows": case_rows,
        "risk_rows": risk_rows,
        "township_rate": township_rate,
        "can_edit": user.role is Role.ADMIN,
        "today": today(),
        **RATE_CONTEXT,
        "cap": policy.number_text(township_rate.cap),
        **CODE_LISTS,
    }


async def risk_list(user: CurrentUser, year: int, page: int = 1) -> dict[str, Any]:
    """A page of the risks to check, the most urgent first (a work list: a risk recorded leaves it), and how many
    there are; a page past the end (the list got shorter since) is its last page."""
    risks, result = await fetched_page(partial(queries.risks_to_check, user, year), page, RISK_PAGE)
    return {
        "year": year,
        "line": risks.line,
        "result": result,
        "risk_rows": risk_rows,
        "can_edit": user.role is Role.ADMIN,
        "today": today(),
        **CODE_LISTS,
    }


async def case_list(user: CurrentUser, page: int = 1) -> dict[str, Any]:
    """A page of the open risk cases, the longest open first, and how many there are; a page past the end (cases
    cleared since) is its last page."""
    now = today()
    _, result = await fetched_page(lambda limit, offset: queries.open_cases(user, limit, offset, now), page, RISK_PAGE)
    return {"result": result, "case_rows": case_rows}


async def case_page(user: CurrentUser, case_id: int) -> dict[str, Any] | None:
    """The case, its clocks, the measures since the risk was found, and the forms of the next step."""
    case = await queries.case_in_scope(user, case_id)
    if case is None:
        return None
    now = today()
    case = queries.with_clocks(case, now)
    measures = await queries.case_measures(case)
    year = (case["cleared_on"] or now).year
    line = await queries.monitoring_line(year, user.township_id)
    able = await queries.able_to_work(case["household"], case["township"], now)
    return {
        "case": case,
        "state": State(case["state"]),
        "states": ORDER,
        "measures": measures,
        "able_to_work": able,
        "work_measure": delivered.has_work_measure(measures),
        "income": await queries.household_income(case["household"]),
        "line": line,
        "year": year,
        "can_edit": user.role is Role.ADMIN,
        "forms": default_forms(case, now),
        "checklist": CLEARING_CHECKLIST,
        "notice_min_days": case["notice_min_days"],
        "county": await county_item(case_id),
        "state_tag": state_tag,
        **CODE_LISTS,
    }


async def county_item(case_id: int) -> dict[str, Any] | None:
    """The case on the latest list sent to the county for confirmation (its decision and reason), if any."""
    return (
        await SubmissionItem.select(SubmissionItem.submission, SubmissionItem.decision, SubmissionItem.reason)
        .where((SubmissionItem.kind == "monitoring") & (SubmissionItem.subject == case_id))
        .order_by(SubmissionItem.id, ascending=False)
        .first()
    )


def default_forms(case: dict[str, Any], now: date) -> dict[str, StepForm]:
    starts = max(now, case["found_on"])
    notice_end = case["notice_ends_on"]
    return {
        "notice": StepForm(
            data={
                "notice_starts_on": starts.isoformat(),
                "notice_ends_on": notice_ends_at_earliest(starts, case["notice_min_days"]).isoformat(),
            }
        ),
        "confirm": StepForm(data={"confirmed_on": (max(now, notice_end) if notice_end else now).isoformat()}),
        "clear": StepForm(data={"cleared_on": now.isoformat()}),
    }
