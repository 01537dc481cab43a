"""The visit area's code lists: kinds of visit, why a follow-up is due, sudden hardships found on a visit."""

from __future__ import annotations

from server.codes import CodeList, TrailFields
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

# How the household confirmed a visit (server.visits.confirmations).
CONFIRMATION = CodeList(("signature", N_("Signed on the phone")), ("call", N_("Confirmed by phone")))

# Its events in the audit trail (server.visits.recording) as the audit page reads them.
TRAIL = TrailFields(
    actions=("visit_recorded", "visit_edited", "visit_photo_added"),
    labels={
        "household": N_("Household"),
        "visited_at": N_("Visited at"),
        "kind": N_("Kind"),
        "note": N_("What was done"),
        "problems": N_("Problems found"),
        "hardship": N_("Sudden hardship"),
        "measures": N_("Measures"),
        "photos": N_("Photos"),
        "expected": N_("Photos expected"),
        "next_follow_up": N_("Next follow-up"),
        "confirmation": N_("Household's confirmation"),
    },
    codes={"kind": VISIT_KIND, "hardship": HARDSHIP, "confirmation": CONFIRMATION},
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
