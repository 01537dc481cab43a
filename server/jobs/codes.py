"""The jobs area's code lists: training topics, kinds of work, pay units, physical demands and statuses."""

from __future__ import annotations

from typing import Any

from server.codes import CodeList, Summary, TrailFields
from server.i18n import N_, gettext

TRAINING_TOPIC = CodeList(
    ("skills", N_("Vocational skills training")),
    ("agriculture", N_("Agricultural technology")),
    ("legal", N_("Legal knowledge session")),
    ("yulu", N_("Rain and Dew Plan")),
    ("entrepreneurship", N_("Entrepreneurship training")),
    ("other", N_("Other training")),
)

WORK_KIND = CodeList(
    ("garment", N_("Garment and handicraft")),
    ("farming", N_("Planting and breeding")),
    ("food", N_("Food processing")),
    ("logistics", N_("Logistics and driving")),
    ("construction", N_("Construction")),
    ("cleaning", N_("Cleaning and greening")),
    ("care", N_("Housekeeping and care")),
    ("factory", N_("Factory work")),
    ("other", N_("Other work")),
)

PAY_UNIT = CodeList(
    ("month", N_("per month")),
    ("day", N_("per day")),
    ("piece", N_("per piece")),
)

PHYSICAL = CodeList(
    ("light", N_("Light work")),
    ("medium", N_("Medium work")),
    ("heavy", N_("Heavy work")),
)

JOB_STATUS = CodeList(
    ("open", N_("Open")),
    ("paused", N_("Paused")),
    ("closed", N_("Closed")),
)

REFERRAL_STATUS = CodeList(
    ("referred", N_("Referred")),
    ("interview", N_("Interview")),
    ("hired", N_("Hired")),
    ("rejected", N_("Not hired")),
)

PLACEMENT_STATUS = CodeList(
    ("working", N_("Still working")),
    ("left", N_("Left the job")),
)

SEX = CodeList(("M", N_("Male")), ("F", N_("Female")))

# Labour skills of members who can take a job; 'lost' and 'none' cannot. The labour force ledger's triggers
# (migrations/jobs) hold the same list; tests/jobs/test_labour_force.py checks they agree.
LABOUR_CAPABLE = ("normal", "skilled", "weak")
DAYS_PER_MONTH = 22  # a day wage times this is compared with the township's minimum monthly wage

# A yes or no the trail keeps as text (str(True)).
YES_NO_TEXT = CodeList(("True", N_("Yes")), ("False", N_("No")))


def _wish(wish: dict[str, Any]) -> Summary:
    """A member's work wishes in one line, each by its label."""
    parts = []
    for name, value in wish.items():
        if name == "work_kinds":
            value = "、".join(WORK_KIND.label(kind) for kind in value) or "—"
        elif isinstance(value, bool):
            value = gettext("Yes") if value else gettext("No")
        parts.append(f"{gettext(WISH_LABELS.get(name, name))}: {'—' if value in (None, '') else value}")
    return "；".join(parts), []


WISH_LABELS = {
    "work_kinds": N_("Kinds of work wanted"),
    "expected_wage": N_("Expected monthly wage (yuan)"),
    "leave_county": N_("Willing to work outside the county"),
    "note": N_("Note"),
}
# Its events in the audit trail (server.jobs and server.employers) as the audit page reads them: a job's fields as
# its form names them, a referral's answer, a training's result, a member's wishes.
TRAIL = TrailFields(
    actions=(
        "employer_created",
        "employer_approved",
        "employer_unapproved",
        "job_created",
        "job_changed",
        "job_status",
        "referral_created",
        "referral_answered",
        "training_created",
        "training_enrolled",
        "training_result",
        "member_wish_saved",
    ),
    labels={
        "name": N_("Company name"),
        "title": N_("Title"),
        "work_kind": N_("Kind of work"),
        "place": N_("Place of work"),
        "village": N_("Village of the workplace"),
        "outside_county": N_("The work is outside the county"),
        "pay_unit": N_("Pay unit"),
        "wage_min": N_("Lowest wage (yuan)"),
        "wage_max": N_("Highest wage (yuan)"),
        "headcount": N_("Positions"),
        "working_hours": N_("Working hours"),
        "age_min": N_("Youngest age"),
        "age_max": N_("Oldest age"),
        "needs_skill": N_("Skilled workers wanted"),
        "skills": N_("Skills required"),
        "physical": N_("Physical demands"),
        "housing": N_("Housing provided"),
        "meals": N_("Meals provided"),
        "description": N_("Description"),
        "start_date": N_("Start date"),
        "closing_date": N_("Closing date"),
        "is_public_welfare": N_("Public-welfare post"),
        "is_workshop": N_("Poverty-relief workshop"),
        "low_wage_confirmed": N_("Wage below the township's minimum confirmed"),
        "status": N_("Status"),
        "job": N_("Job"),
        "member": N_("Member"),
        "answer": N_("Employer's answer"),
        "interview_on": N_("Interview date"),
        "reason": N_("Reason for not hiring"),
        "monthly_wage": N_("Monthly wage (yuan)"),
        "has_contract": N_("Labour contract signed?"),
        "has_social_insurance": N_("Social insurance paid?"),
        "training": N_("Training"),
        "attended": N_("Attended"),
        "certificate": N_("Certificate"),
        "subsidy_paid": N_("Subsidy paid (yuan)"),
        "wish": N_("Work wishes"),
    },
    codes={
        "work_kind": WORK_KIND,
        "pay_unit": PAY_UNIT,
        "physical": PHYSICAL,
        "status": JOB_STATUS,
        "answer": REFERRAL_STATUS,
        "has_contract": YES_NO_TEXT,
        "has_social_insurance": YES_NO_TEXT,
        "attended": YES_NO_TEXT,
    },
    refs={"village": "village"},
    summaries={"wish": _wish},
)
