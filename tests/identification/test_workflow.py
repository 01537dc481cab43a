"""The state machine on its own: which step is allowed from which state, and the reason (in Chinese) when not."""

from __future__ import annotations

from datetime import date

import pytest

from server.identification.rules import DEFAULT_RULES, Rules
from server.identification.workflow import (
    ORDER,
    TRANSITIONS,
    State,
    Step,
    notice_exit_refusal,
    refusal,
    target,
)


@pytest.mark.parametrize("step", [s for s in TRANSITIONS if s is not Step.APPLY])
def test_every_step_is_allowed_only_from_the_state_before_it(step: Step) -> None:
    source = TRANSITIONS[step].source
    assert refusal(source, step) is None
    for state in [*ORDER, State.STRUCK_OUT]:
        if state != source:
            assert refusal(state, step) is not None, f"{step} was allowed from {state}"


def test_the_steps_lead_through_every_state_in_order() -> None:
    state = State.APPLIED
    for step in [Step.SURVEY, Step.SHORTLIST, Step.APPRAISE, Step.NOTICE, Step.REVIEW, Step.APPROVE, Step.REGISTER]:
        assert refusal(state, step) is None
        state = target(step)
    assert state is State.REGISTERED


def test_survey_appraisal_and_review_may_strike_out_but_other_steps_may_not() -> None:
    assert target(Step.SURVEY, passed=False) is State.STRUCK_OUT
    assert target(Step.APPRAISE, passed=False) is State.STRUCK_OUT
    assert target(Step.REVIEW, passed=False) is State.STRUCK_OUT
    with pytest.raises(ValueError):
        target(Step.REGISTER, passed=False)


def test_an_appraisal_before_the_survey_names_the_missing_survey() -> None:
    reason = refusal(State.APPLIED, Step.APPRAISE)
    assert reason is not None
    assert reason.message() == "尚未完成入户调查，不能进行民主评议"


@pytest.mark.parametrize(
    ("state", "step", "expected"),
    [
        (State.APPLIED, Step.SHORTLIST, "尚未完成入户调查，不能进行初选"),
        (State.SURVEYED, Step.APPRAISE, "尚未完成初选，不能进行民主评议"),
        (State.PRELIMINARY, Step.NOTICE, "尚未完成民主评议，不能进行村级公示"),
        (State.APPRAISED, Step.REVIEW, "尚未完成村级公示，不能进行乡镇审核"),
        (State.NOTICED, Step.APPROVE, "尚未完成乡镇审核，不能进行县级审批"),
        (State.REVIEWED, Step.REGISTER, "尚未完成县级审批，不能进行建档立卡登记"),
        (State.APPLIED, Step.REGISTER, "尚未完成入户调查，不能进行建档立卡登记"),
    ],
)
def test_each_step_out_of_order_says_which_step_is_missing(state: State, step: Step, expected: str) -> None:
    reason = refusal(state, step)
    assert reason is not None
    assert reason.message() == expected


def test_a_step_already_taken_or_on_a_closed_application_is_refused_with_its_reason() -> None:
    assert "已完成" in refusal(State.APPRAISED, Step.SURVEY).message()  # type: ignore[union-attr]
    assert "已被剔除" in refusal(State.STRUCK_OUT, Step.APPRAISE).message()  # type: ignore[union-attr]
    assert "已纳入建档立卡" in refusal(State.REGISTERED, Step.REGISTER).message()  # type: ignore[union-attr]


def test_the_notice_cannot_be_left_before_its_end_date_or_with_an_unanswered_objection() -> None:
    ends = date(2026, 6, 11)
    early = notice_exit_refusal(date(2026, 6, 10), ends, 0)
    assert early is not None
    assert "2026-06-11" in early.message()
    unanswered = notice_exit_refusal(date(2026, 6, 12), ends, 1)
    assert unanswered is not None
    assert "异议" in unanswered.message()
    assert notice_exit_refusal(ends, ends, 0) is None


def test_team_and_representative_minimums_follow_the_village_size() -> None:
    rules = DEFAULT_RULES
    assert rules.survey_team_minimum(1000) == 2
    assert rules.survey_team_minimum(1001) == 3
    assert rules.representatives_minimum(999) == 20
    assert rules.representatives_minimum(1000) == 30
    assert Rules(notice_days=5).notice_days == 5
    assert rules.notice_days == 7
    assert (rules.incidence_percent("provincial"), rules.incidence_percent("")) == (50, 5)
