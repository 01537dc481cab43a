"""Taking the risk case steps: each in one transaction, refused whole when out of order, written to the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from server import policy
from server.audit.queries import record
from server.households.tables import Household
from server.i18n import N_
from server.identification.steps import Actor
from server.monitoring import queries
from server.monitoring.codes import CLEARING_CHECKLIST
from server.monitoring.events import record_status_event
from server.monitoring.tables import RiskCase
from server.monitoring.workflow import (
    Refusal,
    State,
    Step,
    StepRefused,
    check,
    clear_refusal,
    confirm_refusal,
    notice_refusal,
)
from server.piccolo_conf import DB
from server.policy.registry import MONITORING_NOTICE_DAYS, POVERTY_LINE
from server.visits.tables import Visit


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


async def _audit(actor: Actor, action: str, case: dict[str, Any], changes: dict[str, Any]) -> None:
    await record(
        action,
        actor_id=actor.id,
        actor_label=actor.label,
        target_type="household",
        target_id=case["household"],
        ip=actor.ip,
        detail={"risk_case": case["id"], "changes": {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}},
    )


async def _locked(case_id: int) -> dict[str, Any]:
    rows = await RiskCase.raw("SELECT * FROM risk_case WHERE id = {} FOR UPDATE", case_id)
    if not rows:
        raise StepRefused(Refusal(N_("This risk case does not exist.")))
    return dict(rows[0])


async def notice_days_of(case: dict[str, Any]) -> int:
    """The fewest days of the village notice, as the rule stood on the day the risk was found."""
    rows = await RiskCase.raw(
        f"SELECT {policy.sql(MONITORING_NOTICE_DAYS, 'v.township', '{}::date')} AS days"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}",
        case["found_on"],
        case["household"],
    )
    return int(rows[0]["days"])


async def _advance(actor: Actor, case: dict[str, Any], step: Step, state: State, values: dict[str, Any]) -> None:
    row = {**values, "state": state.value, "updated_at": datetime.now(UTC), "version": case["version"] + 1}
    await RiskCase.update({getattr(RiskCase, key): value for key, value in row.items()}).where(
        RiskCase.id == case["id"]
    )
    changes = {"risk_state": (case["state"], state.value), **{k: (case.get(k), v) for k, v in values.items()}}
    await _audit(actor, f"risk_{step.value}", case, changes)


async def open_case(
    actor: Actor, household_id: int, source: str, found_on: date, note: str = "", visit_id: int | None = None
) -> int:
    """A risk found: refused when the household already has an open case, or the visit is not its own."""
    async with DB.transaction() as transaction:
        if visit_id is not None and not await Visit.exists().where(
            (Visit.id == visit_id) & (Visit.household == household_id)
        ):
            raise StepRefused(Refusal(N_("This visit is not one of this household's visits.")))
        savepoint = await transaction.savepoint()
        try:
            [row] = await RiskCase.insert(
                RiskCase(
                    household=household_id,
                    source=source,
                    source_visit=visit_id,
                    found_on=found_on,
                    note=note,
                    created_by=actor.id,
                )
            ).returning(RiskCase.id)
        except asyncpg.UniqueViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise StepRefused(Refusal(N_("This household already has an open risk case."))) from None
        case = {"id": row["id"], "household": household_id}
        await _audit(
            actor,
            "risk_found",
            case,
            {"risk_state": (None, State.FOUND.value), "source": (None, source), "found_on": (None, found_on)},
        )
    return int(row["id"])


async def start_notice(actor: Actor, case_id: int, starts_on: date, ends_on: date) -> None:
    async with DB.transaction():
        case = await _locked(case_id)
        check(case["state"], Step.NOTICE)
        min_days = await notice_days_of(case)
        if reason := notice_refusal(case["found_on"], starts_on, ends_on, min_days):
            raise StepRefused(reason)
        await _advance(
            actor, case, Step.NOTICE, State.NOTICED, {"notice_starts_on": starts_on, "notice_ends_on": ends_on}
        )


async def confirm(
    actor: Actor, case_id: int, confirmed_on: date, monitoring_type: str, today: date, returned: bool = False
) -> None:
    """纳入监测: the household becomes a monitored household of `monitoring_type`, in the same transaction; a lifted
    household whose income fell below the year's poverty line may be confirmed as returned to poverty (返贫), the
    only way besides the exit procedure (server/exits) that a household's status changes."""
    async with DB.transaction():
        case = await _locked(case_id)
        check(case["state"], Step.CONFIRM)
        if reason := confirm_refusal(case["notice_ends_on"], confirmed_on, today):
            raise StepRefused(reason)
        values = {"confirmed_on": confirmed_on, "monitoring_type": monitoring_type}
        await _advance(actor, case, Step.CONFIRM, State.MONITORED, values)
        await _set_monitoring_type(actor, case, monitoring_type)
        if returned:
            await _returned(actor, case, confirmed_on)


async def _returned(actor: Actor, case: dict[str, Any], confirmed_on: date) -> None:
    year = confirmed_on.year
    rows = await Household.raw("SELECT status FROM household WHERE id = {} FOR UPDATE", case["household"])
    old = rows[0]["status"]
    if old not in ("out_supported", "out_unsupported"):
        raise StepRefused(Refusal(N_("Only a household that was lifted out of poverty can return to poverty.")))
    line = await policy.value(POVERTY_LINE, await queries.township_of_household(case["household"]), date(year, 12, 31))
    income = await queries.household_income(case["household"])
    if line is None or income is None or income >= line:
        raise StepRefused(
            Refusal(
                N_("The per-capita net income (%(income)s yuan) is not below the poverty line (%(line)s yuan)."),
                literals={
                    "income": "—" if income is None else f"{income:.2f}",
                    "line": "—" if line is None else f"{line:.2f}",
                },
            )
        )
    await Household.update({Household.status: "returned", Household.updated_at: datetime.now(UTC)}).where(
        Household.id == case["household"]
    )
    await record_status_event(case["household"], old, "returned", confirmed_on, "monitoring", case["id"])
    await record("household_changed", actor_id=actor.id, actor_label=actor.label, target_type="household",
                 target_id=case["household"], ip=actor.ip,
                 detail={"risk_case": case["id"], "step": Step.CONFIRM.value,
                         "changes": {"status": [old, "returned"]}})  # fmt: skip


async def clear(actor: Actor, case_id: int, cleared_on: date, checklist: dict[str, bool], today: date) -> None:
    """风险消除: only with income above the year's monitoring line and every condition of the checklist holding."""
    async with DB.transaction():
        case = await _locked(case_id)
        check(case["state"], Step.CLEAR)
        if reason := clear_refusal(case["found_on"], case["confirmed_on"], cleared_on, today):
            raise StepRefused(reason)
        if not all(checklist.get(code) for code in CLEARING_CHECKLIST):
            raise StepRefused(Refusal(N_("Every condition of the checklist must hold before the risk is cleared.")))
        income, line = await _income_above_line(case["household"], cleared_on.year)
        values = {"cleared_on": cleared_on, "cleared_income": income, "cleared_line": line, **checklist}
        await _advance(actor, case, Step.CLEAR, State.CLEARED, values)
        await _set_monitoring_type(actor, case, None)


async def _income_above_line(household_id: int, year: int) -> tuple[Decimal, Decimal]:
    standard = await queries.monitoring_line(year, await queries.township_of_household(household_id))
    if standard.line is None:
        raise StepRefused(Refusal(N_("No monitoring line is set for %(year)s."), literals={"year": str(year)}))
    income = await queries.household_income(household_id)
    if income is None or income <= standard.line:
        shown = "—" if income is None else f"{income:.2f}"
        raise StepRefused(
            Refusal(
                N_("The per-capita net income (%(income)s yuan) is not above the monitoring line (%(line)s yuan)."),
                literals={"income": shown, "line": f"{standard.line:.2f}"},
            )
        )
    return income, standard.line


async def _set_monitoring_type(actor: Actor, case: dict[str, Any], monitoring_type: str | None) -> None:
    rows = await Household.raw("SELECT monitoring_type FROM household WHERE id = {} FOR UPDATE", case["household"])
    old = rows[0]["monitoring_type"]
    if old == monitoring_type:
        return
    await Household.update({Household.monitoring_type: monitoring_type, Household.updated_at: datetime.now(UTC)}).where(
        Household.id == case["household"]
    )
    await _audit(actor, "household_monitoring_changed", case, {"monitoring_type": (old, monitoring_type)})
