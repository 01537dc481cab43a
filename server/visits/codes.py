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

# What a cadre most often writes under "what was done": tapped instead of typed (static/js/visits.js adds the phrase
# to the note; without JavaScript the buttons stay hidden and the field is typed as before).
NOTE_PHRASES = (
    N_("Asked about the family's income and work."),
    N_("Explained the return-to-poverty prevention policy."),
    N_("Checked that the house and drinking water are safe."),
    N_("Asked how the children are doing at school."),
    N_("Checked that medical costs were reimbursed."),
    N_("Explained planting and breeding techniques."),
    N_("Updated the household's policy card."),
)
