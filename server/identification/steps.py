"""Taking the identification steps: each in one transaction, written as a step and to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from server.audit.queries import record
from server.clock import TIMEZONE, today
from server.households.tables import Household
from server.i18n import N_
from server.identification.queries import approving_list
from server.identification.tables import (
    Application,
    ApplicationStep,
    AppraisalMeeting,
    IdentificationSettings,
    Objection,
    VillageNotice,
)
from server.identification.workflow import (
    Refusal,
    State,
    Step,
    StepRefused,
    check,
    notice_exit_refusal,
    registration_refusal,
    target,
)
from server.piccolo_conf import DB


@dataclass(frozen=True)
class Actor:
    """Who takes a step: written to the step table and the audit trail."""

    id: int | None  # None: someone without an account (a household through its door card)
    label: str
    ip: str = ""


async def _locked(application_id: int) -> dict[str, Any]:
    rows = await Application.raw("SELECT * FROM identification_application WHERE id = {} FOR UPDATE", application_id)
    if not rows:
        raise StepRefused(Refusal(N_("This household is not in this village.")))
    return dict(rows[0])


async def _advance(
    actor: Actor, app: dict[str, Any], step: Step, state: State, changes: dict[str, Any], note: str = ""
) -> None:
    """Move one (locked, checked) application to `state`, write its step row and its audit event."""
    values = {"state": state.value, "updated_at": datetime.now(TIMEZONE), **changes}
    await Application.update({getattr(Application, key): value for key, value in values.items()}).where(
        Application.id == app["id"]
    )
    await ApplicationStep.insert(
        ApplicationStep(
            application=app["id"],
            step=step.value,
            state=state.value,
            actor=actor.id,
            actor_label=actor.label,
            note=note,
        )
    )
    detail_changes = {"identification_state": [app.get("state"), state.value]}
    detail_changes.update({key: [_plain(app.get(key)), _plain(value)] for key, value in changes.items()})
    await record(
        f"identification_{step.value}",
        actor_id=actor.id,
        actor_label=actor.label,
        target_type="household",
        target_id=app["household"],
        ip=actor.ip,
        detail={"application": app["id"], "changes": detail_changes},
    )


def _plain(value: Any) -> Any:
    """JSON-safe values for the audit detail."""
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str | list):
        return value
    return str(value)


async def survey(actor: Actor, application_id: int, values: dict[str, Any]) -> State:
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.SURVEY)
        state = target(Step.SURVEY, passed=bool(values["eligible"]))
        changes = {
            "survey_team": values["team"],
            "surveyed_on": values["surveyed_on"],
            "survey_findings": values["findings"],
            "survey_eligible": values["eligible"],
            "member_count": values["member_count"],
        }
        if state is State.STRUCK_OUT:
            changes["struck_out_reason"] = values["strike_reason"]
        await _advance(actor, app, Step.SURVEY, state, changes, note=values["strike_reason"])
    return state


async def shortlist(actor: Actor, application_id: int) -> None:
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.SHORTLIST)
        await _advance(actor, app, Step.SHORTLIST, State.PRELIMINARY, {})


async def hold_meeting(actor: Actor, village_id: int, values: dict[str, Any], votes: dict[int, dict[str, Any]]) -> int:
    """One village meeting, and the vote on each listed application; any application out of order refuses all."""
    async with DB.transaction():
        apps = [await _locked(app_id) for app_id in sorted(votes)]
        if not apps:
            raise StepRefused(Refusal(N_("No application of this village is on the preliminary list.")))
        for app in apps:
            if app["village"] != village_id:
                raise StepRefused(Refusal(N_("This household is not in this village.")))
            check(app["state"], Step.APPRAISE)
        [meeting] = await AppraisalMeeting.insert(
            AppraisalMeeting(
                village=village_id,
                held_on=values["held_on"],
                representatives_present=values["representatives_present"],
                place=values["place"],
                recorded_by=actor.id,
            )
        )
        for app in apps:
            vote = votes[app["id"]]
            state = target(Step.APPRAISE, passed=bool(vote["passed"]))
            changes: dict[str, Any] = {
                "meeting": meeting["id"],
                "votes_for": vote["votes_for"],
                "votes_against": vote["votes_against"],
                "appraisal_passed": vote["passed"],
            }
            if state is State.STRUCK_OUT:
                changes["struck_out_reason"] = vote["reason"]
            await _advance(actor, app, Step.APPRAISE, state, changes, note=vote["reason"])
    return int(meeting["id"])


async def start_notice(actor: Actor, village_id: int, application_ids: list[int], values: dict[str, Any]) -> int:
    """The village notice of the listed applications, all appraised in this village; any other refuses all."""
    async with DB.transaction():
        apps = [await _locked(app_id) for app_id in sorted(set(application_ids))]
        if not apps:
            raise StepRefused(Refusal(N_("No application of this village has passed the democratic appraisal yet.")))
        for app in apps:
            if app["village"] != village_id:
                raise StepRefused(Refusal(N_("This household is not in this village.")))
            check(app["state"], Step.NOTICE)
        appraised = await _appraised_on([app["meeting"] for app in apps])
        if appraised is not None and values["starts_on"] < appraised:
            refusal = Refusal(
                N_("A notice makes public what the democratic appraisal of %(day)s decided: it cannot start before."),
                literals={"day": appraised.isoformat()},
            )
            raise StepRefused(refusal)
        [notice] = await VillageNotice.insert(
            VillageNotice(
                village=village_id,
                starts_on=values["starts_on"],
                ends_on=values["ends_on"],
                posted_at=values["posted_at"],
                recorded_by=actor.id,
            )
        )
        for app in apps:
            await _advance(actor, app, Step.NOTICE, State.NOTICED, {"notice": notice["id"]})
    return int(notice["id"])


async def _appraised_on(meeting_ids: list[int | None]) -> date | None:
    """The day of the latest of these democratic appraisals."""
    held = await AppraisalMeeting.select(AppraisalMeeting.held_on).where(
        AppraisalMeeting.id.is_in([meeting for meeting in meeting_ids if meeting] or [0])
    )
    return max((row["held_on"] for row in held), default=None)


async def add_objection(actor: Actor, notice: dict[str, Any], values: dict[str, Any]) -> int:
    async with DB.transaction():
        [row] = await Objection.insert(
            Objection(
                notice=notice["id"],
                application=values["application"],
                received_on=values["received_on"],
                content=values["content"],
                raised_by=values["raised_by"],
            )
        )
        await record(
            "identification_objection",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="village",
            target_id=notice["village"],
            ip=actor.ip,
            detail={"notice": notice["id"], "objection": row["id"], "application": values["application"]},
        )
    return int(row["id"])


async def answer_objection(actor: Actor, objection_id: int, values: dict[str, Any]) -> None:
    async with DB.transaction():
        await Objection.update(
            {"answer": values["answer"], "answered_on": values["answered_on"], "answered_by": actor.id}
        ).where(Objection.id == objection_id)
        await record(
            "identification_objection_answered",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="objection",
            target_id=objection_id,
            ip=actor.ip,
        )


async def review(actor: Actor, application_id: int, values: dict[str, Any]) -> State:
    """乡镇审核: only after the notice's end date, with every objection about it answered."""
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.REVIEW)
        notice = await VillageNotice.select(VillageNotice.ends_on).where(VillageNotice.id == app["notice"]).first()
        unanswered = await Objection.count().where(
            (Objection.notice == app["notice"])
            & Objection.answered_on.is_null()
            & (Objection.application.is_null() | (Objection.application == app["id"]))
        )
        if refused := notice_exit_refusal(today(), notice["ends_on"] if notice else None, unanswered):
            raise StepRefused(refused)
        state = target(Step.REVIEW, passed=bool(values["passed"]))
        changes: dict[str, Any] = {"reviewed_on": values["on"], "review_note": values["note"]}
        if state is State.STRUCK_OUT:
            changes["struck_out_reason"] = values["note"]
        await _advance(actor, app, Step.REVIEW, state, changes, note=values["note"])
    return state


async def approve(actor: Actor, application_id: int, values: dict[str, Any]) -> None:
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.APPROVE)
        changes = {"approved_on": values["on"], "approval_document": values["document"]}
        await _advance(actor, app, Step.APPROVE, State.APPROVED, changes, note=values["document"])


async def send_back(actor: Actor, application_id: int, reason: str) -> None:
    """The county sends a reviewed application back: it is in the village notice's state again, for the township
    to review once more (and strike out or send again), with the county's reason on its steps."""
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.APPROVE)  # only what awaits the county's approval can be sent back
        await _advance(actor, app, Step.SEND_BACK, State.NOTICED, {"reviewed_on": None}, note=reason)


async def register(actor: Actor, application_id: int) -> None:
    """建档立卡: the household becomes a registered poor household (not yet out), in the same transaction."""
    async with DB.transaction():
        app = await _locked(application_id)
        check(app["state"], Step.REGISTER)
        refused = registration_refusal(today(), await approving_list(application_id))
        if refused:
            raise StepRefused(refused)
        household = (
            await Household.select(Household.status, Household.identified_year)
            .where(Household.id == app["household"])
            .first()
        )
        year = (app["approved_on"] or today()).year
        await Household.update(
            {"status": "not_out", "identified_year": year, "updated_at": datetime.now(TIMEZONE)}
        ).where(Household.id == app["household"])
        await _advance(actor, app, Step.REGISTER, State.REGISTERED, {})
        await record(
            "household_updated",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="household",
            target_id=app["household"],
            ip=actor.ip,
            detail={
                "application": app["id"],
                "changes": {
                    "status": [household["status"] if household else None, "not_out"],
                    "identified_year": [household["identified_year"] if household else None, year],
                },
            },
        )


async def save_settings(actor: Actor, township_id: int, values: dict[str, Any]) -> None:
    async with DB.transaction():
        existing = await IdentificationSettings.select().where(IdentificationSettings.township == township_id).first()
        if existing:
            await IdentificationSettings.update(
                {getattr(IdentificationSettings, key): value for key, value in values.items()}
            ).where(IdentificationSettings.township == township_id)
        else:
            await IdentificationSettings.insert(IdentificationSettings(township=township_id, **values))
        old = existing or {}
        changes = {key: [old.get(key), value] for key, value in values.items() if old.get(key) != value}
        await record(
            "identification_settings_changed",
            actor_id=actor.id,
            actor_label=actor.label,
            target_type="township",
            target_id=township_id,
            ip=actor.ip,
            detail={"changes": changes},
        )
