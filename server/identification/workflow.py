"""The identification state machine: states, the allowed steps between them, and why a step is refused.

applied → surveyed → preliminary → appraised → noticed → reviewed → approved → registered; the home survey,
the democratic appraisal and the township review may instead strike the application out (a final state).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from server.codes import CodeList, TrailFields
from server.i18n import N_
from server.workflow import Machine, Refusal, StepRefused, Transition

__all__ = ["Refusal", "StepRefused", "Transition"]


class State(StrEnum):
    APPLIED = "applied"  # 农户申请
    SURVEYED = "surveyed"  # 入户调查 done, found eligible
    PRELIMINARY = "preliminary"  # 初选名单
    APPRAISED = "appraised"  # 民主评议 passed
    NOTICED = "noticed"  # 村级公示
    REVIEWED = "reviewed"  # 乡镇审核
    APPROVED = "approved"  # 县审批/公告
    REGISTERED = "registered"  # 建档立卡: the household is now a registered poor household
    STRUCK_OUT = "struck_out"  # 剔除: ended, with the reason

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.APPLIED: N_("Applied"),
    State.SURVEYED: N_("Surveyed"),
    State.PRELIMINARY: N_("On the preliminary list"),
    State.APPRAISED: N_("Appraised"),
    State.NOTICED: N_("In village notice"),
    State.REVIEWED: N_("Reviewed by the township"),
    State.APPROVED: N_("Approved by the county"),
    State.REGISTERED: N_("Registered"),
    State.STRUCK_OUT: N_("Struck out"),
}

ORDER = (
    State.APPLIED,
    State.SURVEYED,
    State.PRELIMINARY,
    State.APPRAISED,
    State.NOTICED,
    State.REVIEWED,
    State.APPROVED,
    State.REGISTERED,
)
OPEN_STATES = ORDER[:-1]


class Step(StrEnum):
    APPLY = "apply"
    SURVEY = "survey"
    SHORTLIST = "shortlist"
    APPRAISE = "appraise"
    NOTICE = "notice"
    REVIEW = "review"
    APPROVE = "approve"
    REGISTER = "register"
    SEND_BACK = "send_back"  # the county sends a reviewed application back to the township (it is noticed again)


MACHINE = Machine(
    order=tuple(ORDER),
    transitions=(
        Transition(Step.APPLY, None, State.APPLIED, N_("household application")),
        Transition(Step.SURVEY, State.APPLIED, State.SURVEYED, N_("home survey"), may_strike_out=True),
        Transition(Step.SHORTLIST, State.SURVEYED, State.PRELIMINARY, N_("preliminary listing")),
        Transition(Step.APPRAISE, State.PRELIMINARY, State.APPRAISED, N_("democratic appraisal"), may_strike_out=True),
        Transition(Step.NOTICE, State.APPRAISED, State.NOTICED, N_("village notice")),
        Transition(Step.REVIEW, State.NOTICED, State.REVIEWED, N_("township review"), may_strike_out=True),
        Transition(Step.APPROVE, State.REVIEWED, State.APPROVED, N_("county approval")),
        Transition(Step.REGISTER, State.APPROVED, State.REGISTERED, N_("registration")),
    ),
    off_path=State.STRUCK_OUT,
    ended={
        State.STRUCK_OUT: N_("This application was struck out, so the %(step)s cannot be done."),
        State.REGISTERED: N_("This household is already registered, so the %(step)s cannot be done."),
    },
)
TRANSITIONS = {Step(t.step): t for t in MACHINE.transitions}
STEP_REACHING = {State(t.target): t for t in MACHINE.transitions}
# Not a step forward, so not among TRANSITIONS: the county's "no" on a list the township submitted.
SEND_BACK_NAME = N_("sent back by the county")


def target(step: Step, passed: bool = True) -> State:
    """The state a step leads to: its target, or struck out when the step may and did not pass."""
    return State(MACHINE.target(step, passed))


def refusal(state: str, step: Step) -> Refusal | None:
    """None when `step` may be taken from `state`, else the reason it may not."""
    return MACHINE.refusal(state, step)


def check(state: str, step: Step) -> None:
    """Raise StepRefused when `step` may not be taken from `state`."""
    MACHINE.check(state, step)


def notice_exit_refusal(today: date, ends_on: date | None, unanswered_objections: int) -> Refusal | None:
    """The village notice may be left (township review) only after its end date, with every objection answered."""
    if ends_on is None:
        return Refusal(
            N_("The %(missing)s has not been completed yet, so the %(step)s cannot be done."),
            {"missing": N_("village notice"), "step": N_("township review")},
        )
    if today < ends_on:
        return Refusal(
            N_("The notice period runs until %(date)s, so the township review cannot be done before it ends."),
            literals={"date": ends_on.isoformat()},
        )
    if unanswered_objections:
        return Refusal(
            N_("An objection to the notice has not been answered yet, so the township review cannot be done.")
        )
    return None


def registration_refusal(today: date, announcement: dict[str, Any] | None) -> Refusal | None:
    """建档立卡 only after the county announced the list that approved the household (公告), from its first day.

    `announcement`: the county list that approved it (`state`, `announcement_starts_on`), or None when none did.
    """
    if announcement is None or announcement["state"] != "announced":
        return Refusal(
            N_(
                "The county has not announced the list that approved this household yet, "
                "so the registration cannot be done."
            )
        )
    starts_on = announcement["announcement_starts_on"]
    if starts_on is not None and today < starts_on:
        return Refusal(
            N_("The county's announcement starts on %(date)s, so the registration cannot be done before it."),
            literals={"date": starts_on.isoformat()},
        )
    return None


# Its events in the audit trail (server.identification.steps and applying) as the audit page reads them: the
# application's fields a step changes, and the application, notice and objection they name.
TRAIL = TrailFields(
    actions=(
        *(f"identification_{step.value}" for step in Step),
        "identification_objection",
        "identification_objection_answered",
        "identification_settings_changed",
        "household_updated",
    ),
    labels={
        "application": N_("Application no."),
        "identification_state": N_("Application state"),
        "survey_team": N_("Survey team"),
        "surveyed_on": N_("Surveyed on"),
        "survey_findings": N_("Survey findings"),
        "survey_eligible": N_("Eligible on the survey"),
        "member_count": N_("Household members"),
        "struck_out_reason": N_("Reason for striking out"),
        "meeting": N_("Appraisal meeting no."),
        "votes_for": N_("Votes for"),
        "votes_against": N_("Votes against"),
        "appraisal_passed": N_("Appraisal passed"),
        "notice": N_("Village notice no."),
        "objection": N_("Objection no."),
        "reviewed_on": N_("Reviewed on"),
        "review_note": N_("Review note"),
        "approved_on": N_("Approved on"),
        "approval_document": N_("County document number"),
        "office_name": N_("Office taking objections"),
        "office_address": N_("Office address"),
        "office_phone": N_("Office phone"),
    },
    codes={"identification_state": CodeList(*((state.value, label) for state, label in STATE_LABELS.items()))},
)
