"""The supervision area's code lists and defaults: call outcomes, finding states, verdicts on rectification."""

from __future__ import annotations

from server.codes import CodeList, TrailFields
from server.i18n import N_

CALL_OUTCOME = CodeList(
    ("confirmed", N_("Reached: confirms the visit")),
    ("reached", N_("Reached: could not say")),
    ("denied", N_("Reached: says no one came")),
    ("unreachable", N_("Not reachable")),
)
REACHED = ("confirmed", "reached", "denied")  # the share confirmed is counted among these

FINDING_STATE = CodeList(
    ("open", N_("Waiting for rectification")),
    ("answered", N_("Answered, waiting for the inspector")),
    ("accepted", N_("Rectified and accepted")),
)

VERDICT = CodeList(
    ("accepted", N_("Accepted")),
    ("sent_back", N_("Sent back")),
)

SAMPLE_DAYS = 30  # visits of the last month, unless the form says otherwise
SAMPLE_SHARE = 10  # percent of each village's and cadre's visits
RECTIFY_DAYS = 15  # a finding's default deadline, in days
HOUSEHOLDS_PER_VILLAGE = 3  # households a spot check draws at random in each village chosen

# Its events in the audit trail (server.supervision.checks, findings and calls) as the audit page reads them.
TRAIL = TrailFields(
    actions=(
        "spot_check_planned",
        "finding_recorded",
        "finding_photo_added",
        "rectification_answered",
        "rectification_accepted",
        "rectification_sent_back",
        "verification_sample_drawn",
        "verification_call_opened",
        "verification_call_recorded",
        "verification_denial_reviewed",
    ),
    labels={
        "villages": N_("Villages checked"),
        "households": N_("Households drawn"),
        "spot_check": N_("Spot check no."),
        "household": N_("Household"),
        "responsible": N_("Responsible"),
        "deadline": N_("Deadline"),
        "photos": N_("Photos"),
        "rectification": N_("Rectification answer no."),
        "late": N_("Answered after the deadline"),
        "since": N_("Visits from"),
        "until": N_("Visits until"),
        "share": N_("Share drawn (%)"),
        "village": N_("Village drawn from"),
        "visits": N_("Visits drawn"),
        "outcome": N_("Outcome of the call"),
        "note_characters": N_("Note (characters)"),
    },
    codes={"outcome": CALL_OUTCOME},
    refs={"villages": "village", "village": "village", "household": "household", "responsible": "user"},
    blanks={"village": N_("All villages")},
)
