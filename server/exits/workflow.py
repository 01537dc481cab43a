"""The exit procedure (贫困户退出) on the shared step machine (server/workflow.py):

checked (村委会和驻村工作队入户核实, income above the year's line, 两不愁三保障 and water met, the household agrees)
→ appraised (村民代表大会民主评议) → noticed (村级公示, objections recorded and answered) → reviewed (乡镇审核)
→ approved (县级审批) → exited (公告, 标注脱贫: the household becomes 已脱贫(享受政策)). The appraisal, the township
review and the county may refuse instead (a final state); the household stays as it was.
"""

from __future__ import annotations

from enum import StrEnum

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
