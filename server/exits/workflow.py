"""The exit procedure (贫困户退出) on the shared step machine (server/workflow.py):

checked (村委会和驻村工作队入户核实, income above the year's line, 两不愁三保障 and water met, the household agrees)
→ appraised (村民代表大会民主评议) → noticed (村级公示, objections recorded and answered) → reviewed (乡镇审核)
→ approved (县级审批) → exited (公告, 标注脱贫: the household becomes 已脱贫(享受政策)). The appraisal, the township
review and the county may refuse instead (a final state); the household stays as it was.
"""

from __future__ import annotations

from enum import StrEnum

from server.codes import CodeList, Summary, TrailFields
from server.i18n import N_
from server.workflow import Machine, Refusal, StepRefused, Transition

__all__ = ["Refusal", "StepRefused"]


class State(StrEnum):
    CHECKED = "checked"
    APPRAISED = "appraised"
    NOTICED = "noticed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    EXITED = "exited"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.CHECKED: N_("Checked at home"),
    State.APPRAISED: N_("Appraised"),
    State.NOTICED: N_("In village notice"),
    State.REVIEWED: N_("Reviewed by the township"),
    State.APPROVED: N_("Approved by the county"),
    State.EXITED: N_("Out of poverty"),
    State.REFUSED: N_("Exit refused"),
}
ORDER = (State.CHECKED, State.APPRAISED, State.NOTICED, State.REVIEWED, State.APPROVED, State.EXITED)
OPEN_STATES = ORDER[:-1]


class Step(StrEnum):
    CHECK = "check"
    APPRAISE = "appraise"
    NOTICE = "notice"
    REVIEW = "review"
    APPROVE = "approve"
    ANNOUNCE = "announce"


MACHINE = Machine(
    order=tuple(ORDER),
    transitions=(
        Transition(Step.CHECK, None, State.CHECKED, N_("exit check")),
        Transition(Step.APPRAISE, State.CHECKED, State.APPRAISED, N_("democratic appraisal"), may_strike_out=True),
        Transition(Step.NOTICE, State.APPRAISED, State.NOTICED, N_("village notice")),
        Transition(Step.REVIEW, State.NOTICED, State.REVIEWED, N_("township review"), may_strike_out=True),
        Transition(Step.APPROVE, State.REVIEWED, State.APPROVED, N_("county approval"), may_strike_out=True),
        Transition(Step.ANNOUNCE, State.APPROVED, State.EXITED, N_("announcement")),
    ),
    off_path=State.REFUSED,
    ended={
        State.REFUSED: N_("This exit was refused, so the %(step)s cannot be done."),
        State.EXITED: N_("This household has already exited, so the %(step)s cannot be done."),
    },
    already_done=N_("The %(step)s has already been done for this exit."),
)
STEPS_SHOWN = {t.target: t.name for t in MACHINE.transitions}

EXIT_STATE = CodeList(*((state.value, label) for state, label in STATE_LABELS.items()))


def _state_change(pair: list[str | None]) -> Summary:
    """An exit step's state, before → after (the first step has no state before)."""
    before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
    return (f"{EXIT_STATE.label(before)} → {EXIT_STATE.label(after)}" if before else EXIT_STATE.label(after)), []


# Its events in the audit trail (server.exits.steps) as the audit page reads them: the case's fields a step changes.
TRAIL = TrailFields(
    actions=(*(f"exit_{step.value}" for step in Step), "exit_objection", "exit_objection_answered"),
    labels={
        "exit_case": N_("Exit case no."),
        "state": N_("Exit state"),
        "objection": N_("Objection no."),
        "checked_on": N_("Checked on"),
        "per_capita_income": N_("Per-capita net income"),
        "appraised_on": N_("Meeting on"),
        "representatives_present": N_("Representatives present"),
        "votes_for": N_("Votes for"),
        "votes_against": N_("Votes against"),
        "refused_reason": N_("Reason for refusing the exit"),
        "notice_starts_on": N_("Notice starts on"),
        "notice_ends_on": N_("Notice ends on"),
        "notice_posted_at": N_("Posted at"),
        "reviewed_on": N_("Reviewed on"),
        "review_note": N_("Review note"),
        "approved_on": N_("Approved on"),
        "approval_document": N_("County document number"),
        "announced_on": N_("Announced on"),
    },
    codes={"state": EXIT_STATE},
    summaries={"state": _state_change},
)
