"""The supervision area's code lists and defaults: call outcomes, finding states, verdicts on rectification."""

from __future__ import annotations

from server.codes import CodeList
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
