"""The risk case state machine: states, the allowed steps between them, and why a step (or its date) is refused.

found (风险发现) → noticed (村级公示, at least the rule's days, 5 by default) → monitored (纳入监测, one of the three
types) → cleared (风险消除). Measures are not a state: they are the visits that delivered measures while the case
is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server.i18n import N_
from server.identification.workflow import Refusal, StepRefused

__all__ = ["Refusal", "StepRefused"]

# The notice's fewest days and the clocks (confirmed within about 15 days, a first measure within about half a
# month) are policy values: server/policy/registry.py (MONITORING_NOTICE_DAYS, IDENTIFY_ and MEASURE_TARGET_DAYS).


class State(StrEnum):
    FOUND = "found"
    NOTICED = "noticed"
    MONITORED = "monitored"
    CLEARED = "cleared"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.FOUND: N_("Risk found"),
    State.NOTICED: N_("In village notice"),
    State.MONITORED: N_("Monitored"),
    State.CLEARED: N_("Risk cleared"),
}
ORDER = (State.FOUND, State.NOTICED, State.MONITORED, State.CLEARED)


class Step(StrEnum):
    NOTICE = "notice"
    CONFIRM = "confirm"
    CLEAR = "clear"


@dataclass(frozen=True)
class Transition:
    step: Step
    source: State
    target: State
    name: str  # msgid: the step as a noun


TRANSITIONS = {
    t.step: t
    for t in (
        Transition(Step.NOTICE, State.FOUND, State.NOTICED, N_("village notice")),
        Transition(Step.CONFIRM, State.NOTICED, State.MONITORED, N_("confirmation as a monitored household")),
        Transition(Step.CLEAR, State.MONITORED, State.CLEARED, N_("clearing of the risk")),
    )
}
STEP_REACHING = {t.target: t for t in TRANSITIONS.values()}


def refusal(state: str, step: Step) -> Refusal | None:
    """None when `step` may be taken from `state`, else the reason it may not."""
    transition = TRANSITIONS[step]
    if state == transition.source:
        return None
    name = {"step": transition.name}
    if state == State.CLEARED:
        return Refusal(N_("This risk has been cleared, so the %(step)s cannot be done."), name)
    if ORDER.index(State(state)) > ORDER.index(transition.source):
        return Refusal(N_("The %(step)s has already been done for this risk."), name)
    missing = STEP_REACHING[ORDER[ORDER.index(State(state)) + 1]].name
    return Refusal(
        N_("The %(missing)s has not been done yet, so the %(step)s cannot be done."), {**name, "missing": missing}
    )


def check(state: str, step: Step) -> None:
    if reason := refusal(state, step):
        raise StepRefused(reason)


def _on(msgid: str, day: date, **more: str) -> Refusal:
    return Refusal(msgid, literals={"date": day.isoformat(), **more})


NOTICE_TOO_SHORT = N_("A village notice lasts at least %(n)s days, counting the first and the last day.")


def notice_refusal(found_on: date, starts_on: date, ends_on: date, min_days: int) -> Refusal | None:
    """The notice starts once the risk is found and lasts at least `min_days`, counting its first and last day."""
    if starts_on < found_on:
        return _on(N_("The notice cannot start before the risk was found (%(date)s)."), found_on)
    if ends_on < starts_on:
        return Refusal(N_("The notice cannot end before it starts."))
    if (ends_on - starts_on).days + 1 < min_days:
        return Refusal(NOTICE_TOO_SHORT, literals={"n": str(min_days)})
    return None


def confirm_refusal(notice_ends_on: date, confirmed_on: date, today: date) -> Refusal | None:
    if confirmed_on > today:
        return Refusal(N_("The date cannot be in the future."))
    if confirmed_on < notice_ends_on:
        return _on(N_("The household can be confirmed only after the notice ends (%(date)s)."), notice_ends_on)
    return None


def clear_refusal(found_on: date, confirmed_on: date, cleared_on: date, today: date) -> Refusal | None:
    if cleared_on > today:
        return Refusal(N_("The date cannot be in the future."))
    if cleared_on < found_on:
        return _on(N_("A risk cannot be cleared before it was found (%(date)s)."), found_on)
    if cleared_on < confirmed_on:
        return _on(N_("A risk cannot be cleared before the household was confirmed (%(date)s)."), confirmed_on)
    return None


def days_between(start: date, end: date) -> int:
    return (end - start).days


def notice_ends_at_earliest(starts_on: date, min_days: int) -> date:
    return starts_on + timedelta(days=min_days - 1)
