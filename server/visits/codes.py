"""The visit area's code lists: kinds of visit, why a follow-up is due, sudden hardships found on a visit."""

from __future__ import annotations

from server.codes import CodeList
from server.i18n import N_

VISIT_KIND = CodeList(
    ("home", N_("Home visit")),
    ("phone", N_("Phone contact")),
    ("group", N_("Group help")),
    ("condolence", N_("Condolence")),
)

FOLLOW_UP_REASON = CodeList(
    ("schedule", N_("Regular follow-up")),
    ("placement", N_("Job placement check")),
    ("measure", N_("Measure check")),
)

# A sudden hardship found on a visit puts the household on the monitoring risk list (server.monitoring).
HARDSHIP = CodeList(
    ("illness", N_("Sudden illness")),
    ("disaster", N_("Natural disaster")),
    ("accident", N_("Accident")),
    ("other", N_("Other hardship")),
)
