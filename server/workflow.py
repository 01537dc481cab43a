"""Step-by-step procedures (identification, exit): states along one path, the steps between them, and why a step
is refused. Each procedure declares its path and steps as a `Machine`; taking a step happens in its area, in one
transaction that locks the case row first, so two people taking steps at once cannot both pass the check."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.i18n import N_, gettext


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


@dataclass(frozen=True)
class Transition:
    step: str
    source: str | None  # None: the step that opens a case
    target: str
    name: str  # msgid: the step as a noun ("the home survey")
    may_strike_out: bool = False  # the step may end the case instead (its `off_path` state)


@dataclass(frozen=True)
class Machine:
    """One procedure: its states in order, its steps, the state a failed step ends in, and what to say when a
    step is asked of a case that has ended (`ended`: state → msgid with %(step)s)."""

    order: tuple[str, ...]
    transitions: tuple[Transition, ...]
    off_path: str
    ended: dict[str, str]
    already_done: str = N_("The %(step)s has already been done for this application.")

    def transition(self, step: str) -> Transition:
        return next(t for t in self.transitions if t.step == step)

    def target(self, step: str, passed: bool = True) -> str:
        """The state a step leads to: its target, or the off-path state when the step may and did not pass."""
        transition = self.transition(step)
        if not passed:
            if not transition.may_strike_out:
                raise ValueError(f"{step} cannot end a case")
            return self.off_path
        return transition.target

    def refusal(self, state: str, step: str) -> Refusal | None:
        """None when `step` may be taken from `state`, else the reason it may not."""
        transition = self.transition(step)
        if state == transition.source:
            return None
        name = {"step": transition.name}
        if state in self.ended:
            return Refusal(self.ended[state], name)
        if transition.source is None or self.order.index(state) > self.order.index(transition.source):
            return Refusal(self.already_done, name)
        following = self.order[self.order.index(state) + 1]
        missing = next(t for t in self.transitions if t.target == following).name
        return Refusal(
            N_("The %(missing)s has not been completed yet, so the %(step)s cannot be done."),
            {**name, "missing": missing},
        )

    def check(self, state: str, step: str) -> None:
        """Raise StepRefused when `step` may not be taken from `state`."""
        if reason := self.refusal(state, step):
            raise StepRefused(reason)
