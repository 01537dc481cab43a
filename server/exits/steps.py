"""Taking the exit steps: each in one transaction that locks the case, written as a step and to the audit trail.

The household's status changes in the same transaction as the announcement (已脱贫(享受政策)), so the status
always follows from a recorded step; the change history names the step (`household_changed` with `exit_case`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from server import policy
from server.audit.queries import record
from server.clock import TIMEZONE, today
from server.exits.tables import ExitCase, ExitObjection, ExitStep
from server.exits.workflow import MACHINE, Refusal, State, Step, StepRefused
from server.households.income import per_capita_net_income
from server.households.tables import Household
from server.i18n import N_
from server.identification.steps import Actor
from server.identification.workflow import notice_exit_refusal
from server.monitoring.events import record_status_event
from server.piccolo_conf import DB
from server.policy.registry import POVERTY_LINE

EXITING_STATUSES = ("not_out", "returned")  # who can exit: a registered household not yet out, or returned
CHECKLIST = ("food_clothing_ok", "schooling_ok", "medical_ok", "housing_ok", "water_ok")
NOT_FOUND = N_("This exit case does not exist.")


async def _locked(case_id: int) -> dict[str, Any]:
    rows = await ExitCase.raw("SELECT * FROM exit_case WHERE id = {} FOR UPDATE", case_id)
    if not rows:
        raise StepRefused(Refusal(NOT_FOUND))
    return dict(rows[0])


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


async def _step(
    actor: Actor, case: dict[str, Any], step: Step, state: str, changes: dict[str, Any], note: str = ""
) -> None:
    """Move one (locked, checked) case to `state`, write its step row and its audit event."""
    values = {"state": state, "updated_at": datetime.now(TIMEZONE), **changes}
    await ExitCase.update({getattr(ExitCase, key): value for key, value in values.items()}).where(
        ExitCase.id == case["id"]
    )
    await ExitStep.insert(
        ExitStep(case=case["id"], step=step.value, state=state, actor=actor.id, actor_label=actor.label, note=note)
    )
    detail = {key: [_plain(case.get(key)), _plain(value)] for key, value in changes.items()}
    await record(
        f"exit_{step.value}",
        actor_id=actor.id,
        actor_label=actor.label,
        target_type="household",
        target_id=case["household"],
        ip=actor.ip,
        detail={"exit_case": case["id"], "state": [case.get("state"), state], "changes": detail},
    )


async def standing(household_id: int, year: int) -> dict[str, Any]:
    """The household's status, per-capita net income from the register and that year's poverty line."""
    rows = await Household.raw(
        "SELECT h.*, v.township, (SELECT count(*) FROM member m WHERE m.household = h.id) AS members"
        " FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}",
        household_id,
    )
    household = rows[0]
    line = await policy.value(POVERTY_LINE, household["township"], date(year, 12, 31))
    return {
        "status": household["status"],
        "income": per_capita_net_income(household, int(household["members"])),
        "line": line,
    }


async def open_case(actor: Actor, household_id: int, values: dict[str, Any]) -> int:
    """入户核实: the exit check. Refused below the year's line, with an unmet 三保障 item, without the household's
    agreement, for a household that is not poor now, or while another exit case is open."""
    async with DB.transaction() as transaction:
        await Household.raw("SELECT id FROM household WHERE id = {} FOR UPDATE", household_id)
        now = await standing(household_id, values["year"])
        if now["status"] not in EXITING_STATUSES:
            raise StepRefused(
                Refusal(N_("Only a household that is not yet out of poverty, or has returned, can exit."))
            )
        if now["line"] is None:
            raise StepRefused(
                Refusal(
                    N_("The poverty line of %(year)s has not been recorded yet."),
                    literals={"year": str(values["year"])},
                )
            )
        income: Decimal | None = values["income"]
        if income is None or income < now["line"]:
            raise StepRefused(
                Refusal(
                    N_(
                        "The household's per-capita net income (%(income)s yuan) is below the poverty line of"
                        " %(line)s yuan, so it cannot exit."
                    ),
                    literals={"income": str(income or 0), "line": str(now["line"])},
                )
            )
        if not all(values[item] for item in CHECKLIST):
            raise StepRefused(
                Refusal(
                    N_(
                        "Food, clothing, compulsory schooling, basic medical care, safe housing and safe drinking"
                        " water must all be met before a household can exit."
                    )
                )
            )
        if not values["household_agreed"]:
            raise StepRefused(Refusal(N_("The household has to agree to exit.")))
        savepoint = await transaction.savepoint()
        try:
            [row] = await ExitCase.insert(
                ExitCase(
                    household=household_id,
                    year=values["year"],
                    state=State.CHECKED,
                    checked_on=values["checked_on"],
                    per_capita_income=income,
                    poverty_line=now["line"],
                    household_agreed=True,
                    created_by=actor.id,
                    food_clothing_ok=True,
                    schooling_ok=True,
                    medical_ok=True,
                    housing_ok=True,
                    water_ok=True,
                )
            ).returning(ExitCase.id)
        except asyncpg.UniqueViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise StepRefused(Refusal(N_("This household already has an exit case under way."))) from None
        case = {"id": row["id"], "household": household_id, "state": None}
        await _step(
            actor,
            case,
            Step.CHECK,
            State.CHECKED,
            {"checked_on": values["checked_on"], "per_capita_income": income},
            values.get("note", ""),
        )
    return int(row["id"])


async def appraise(actor: Actor, case_id: int, values: dict[str, Any]) -> str:
    async with DB.transaction():
        case = await _locked(case_id)
        MACHINE.check(case["state"], Step.APPRAISE)
        if values["appraised_on"] < case["checked_on"]:
            raise StepRefused(Refusal(N_("The appraisal cannot be before the exit check.")))
        state = MACHINE.target(Step.APPRAISE, passed=bool(values["passed"]))
        changes = {
            key: values[key] for key in ("appraised_on", "representatives_present", "votes_for", "votes_against")
        }
        if state == State.REFUSED:
            changes["refused_reason"] = values["note"]
        await _step(actor, case, Step.APPRAISE, state, changes, values["note"])
    return state


async def start_notice(actor: Actor, case_id: int, values: dict[str, Any]) -> None:
    async with DB.transaction():
        case = await _locked(case_id)
        MACHINE.check(case["state"], Step.NOTICE)
        if values["starts_on"] < case["appraised_on"]:
            raise StepRefused(Refusal(N_("The notice cannot start before the appraisal.")))
        changes = {
            "notice_starts_on": values["starts_on"],
            "notice_ends_on": values["ends_on"],
            "notice_posted_at": values["posted_at"],
        }
        await _step(actor, case, Step.NOTICE, State.NOTICED, changes)


async def add_objection(actor: Actor, case_id: int, values: dict[str, Any]) -> int:
    async with DB.transaction():
        case = await _locked(case_id)
        if case["state"] != State.NOTICED:
            raise StepRefused(Refusal(N_("Objections are recorded while the exit is in its village notice.")))
        [row] = await ExitObjection.insert(
            ExitObjection(
                case=case_id,
                received_on=values["received_on"],
                content=values["content"],
                raised_by=values["raised_by"],
            )
        ).returning(ExitObjection.id)
        await record(
            "exit_objection",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=case["household"],
            ip=actor.ip,
            detail={"exit_case": case_id, "objection": row["id"]},
        )
    return int(row["id"])


async def answer_objection(actor: Actor, case_id: int, objection_id: int, values: dict[str, Any]) -> None:
    async with DB.transaction():
        case = await _locked(case_id)
        updated = (
            await ExitObjection.update(
                {"answer": values["answer"], "answered_on": values["answered_on"], "answered_by": actor.id}
            )
            .where((ExitObjection.id == objection_id) & (ExitObjection.case == case_id))
            .returning(ExitObjection.id)
        )
        if not updated:
            raise StepRefused(Refusal(NOT_FOUND))
        await record(
            "exit_objection_answered",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=case["household"],
            ip=actor.ip,
            detail={"exit_case": case_id, "objection": objection_id},
        )


async def review(actor: Actor, case_id: int, values: dict[str, Any]) -> str:
    """乡镇审核: only after the notice's end date, with every objection answered."""
    async with DB.transaction():
        case = await _locked(case_id)
        MACHINE.check(case["state"], Step.REVIEW)
        unanswered = await ExitObjection.count().where(
            (ExitObjection.case == case_id) & ExitObjection.answered_on.is_null()
        )
        if refused := notice_exit_refusal(today(), case["notice_ends_on"], unanswered):
            raise StepRefused(refused)
        state = MACHINE.target(Step.REVIEW, passed=bool(values["passed"]))
        changes: dict[str, Any] = {"reviewed_on": values["on"], "review_note": values["note"]}
        if state == State.REFUSED:
            changes["refused_reason"] = values["note"]
        await _step(actor, case, Step.REVIEW, state, changes, values["note"])
    return state


async def county_approve(actor: Actor, case_id: int, values: dict[str, Any]) -> str:
    """县级审批: the county office approves (with its document number) or refuses a reviewed exit, on the list its
    township sent (server/county/exits.py, which the county can open only for its own townships)."""
    async with DB.transaction():
        case = await _locked(case_id)
        MACHINE.check(case["state"], Step.APPROVE)
        state = MACHINE.target(Step.APPROVE, passed=bool(values["passed"]))
        changes: dict[str, Any] = {"approved_on": values["on"], "approval_document": values["document"]}
        if state == State.REFUSED:
            changes = {"refused_reason": values["note"]}
        await _step(actor, case, Step.APPROVE, state, changes, values["note"] or values["document"])
    return state


async def announce(actor: Actor, case_id: int, announced_on: date) -> None:
    """公告, 标注脱贫: the household becomes 已脱贫(享受政策) in the same transaction, and its history says so."""
    async with DB.transaction():
        case = await _locked(case_id)
        MACHINE.check(case["state"], Step.ANNOUNCE)
        if announced_on < case["approved_on"]:
            raise StepRefused(Refusal(N_("The announcement cannot be before the county's approval.")))
        household = await Household.select(Household.status).where(Household.id == case["household"]).first()
        old_status = household["status"] if household else None
        await _step(actor, case, Step.ANNOUNCE, State.EXITED, {"announced_on": announced_on})
        await Household.update({Household.status: "out_supported", Household.updated_at: datetime.now(TIMEZONE)}).where(
            Household.id == case["household"]
        )
        await record_status_event(case["household"], old_status, "out_supported", announced_on, "exit", case_id)
        await record(
            "household_changed",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=case["household"],
            ip=actor.ip,
            detail={
                "exit_case": case_id,
                "step": Step.ANNOUNCE.value,
                "changes": {"status": [old_status, "out_supported"]},
            },
        )
