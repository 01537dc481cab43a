"""The identification state machine: states, the allowed steps between them, and why a step is refused.

applied → surveyed → preliminary → appraised → noticed → reviewed → approved → registered; the home survey,
the democratic appraisal and the township review may instead strike the application out (a final state).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from server.i18n import N_, gettext


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


@dataclass(frozen=True)
class Transition:
    step: Step
    source: State | None
    target: State
    name: str  # msgid: the step as a noun ("the home survey")
    may_strike_out: bool = False


TRANSITIONS = {
    t.step: t
    for t in (
        Transition(Step.APPLY, None, State.APPLIED, N_("household application")),
        Transition(Step.SURVEY, State.APPLIED, State.SURVEYED, N_("home survey"), may_strike_out=True),
        Transition(Step.SHORTLIST, State.SURVEYED, State.PRELIMINARY, N_("preliminary listing")),
        Transition(Step.APPRAISE, State.PRELIMINARY, State.APPRAISED, N_("democratic appraisal"), may_strike_out=True),
        Transition(Step.NOTICE, State.APPRAISED, State.NOTICED, N_("village notice")),
        Transition(Step.REVIEW, State.NOTICED, State.REVIEWED, N_("township review"), may_strike_out=True),
        Transition(Step.APPROVE, State.REVIEWED, State.APPROVED, N_("county approval")),
        Transition(Step.REGISTER, State.APPROVED, State.REGISTERED, N_("registration")),
    )
}
STEP_REACHING = {t.target: t for t in TRANSITIONS.values()}
# Not a step forward, so not among TRANSITIONS: the county's "no" on a list the township submitted.
SEND_BACK_NAME = N_("sent back by the county")


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused: a msgid and its variables (themselves msgids), translated when shown."""

    msgid: str
    variables: dict[str, str] = field(default_factory=dict)
    literals: dict[str, str] = field(default_factory=dict)  # variables shown as they are (dates)

    def message(self) -> str:
        values = {key: gettext(value) for key, value in self.variables.items()}
        return gettext(self.msgid, **values, **self.literals)


class StepRefused(Exception):
    """Raised inside a transaction, so that nothing of the refused step is written."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.msgid)
        self.refusal = refusal


def target(step: Step, passed: bool = True) -> State:
    """The state a step leads to: its target, or struck out when the step may and did not pass."""
    transition = TRANSITIONS[step]
    if not passed:
        if not transition.may_strike_out:
            raise ValueError(f"{step} cannot strike an application out")
        return State.STRUCK_OUT
    return transition.target


def refusal(state: str, step: Step) -> Refusal | None:
    """None when `step` may be taken from `state`, else the reason it may not."""
    transition = TRANSITIONS[step]
    if state == transition.source:
        return None
    name = {"step": transition.name}
    if state == State.STRUCK_OUT:
        return Refusal(N_("This application was struck out, so the %(step)s cannot be done."), name)
    if state == State.REGISTERED:
        return Refusal(N_("This household is already registered, so the %(step)s cannot be done."), name)
    if transition.source is None or ORDER.index(State(state)) > ORDER.index(transition.source):
        return Refusal(N_("The %(step)s has already been done for this application."), name)
    missing = STEP_REACHING[ORDER[ORDER.index(State(state)) + 1]].name
    return Refusal(
        N_("The %(missing)s has not been completed yet, so the %(step)s cannot be done."), {**name, "missing": missing}
    )


def check(state: str, step: Step) -> None:
    """Raise StepRefused when `step` may not be taken from `state`."""
    if reason := refusal(state, step):
        raise StepRefused(reason)


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
