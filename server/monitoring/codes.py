"""The monitoring area's code lists: how a risk was found, and the conditions checked when it is cleared."""

from __future__ import annotations

from server.codes import CodeList, TrailFields
from server.i18n import N_
from server.monitoring.workflow import STATE_LABELS

RISK_SOURCE = CodeList(
    ("income_below", N_("Income under the monitoring line")),
    ("income_near", N_("Income near the monitoring line")),
    ("hardship", N_("Sudden hardship found on a visit")),
    ("reported", N_("Reported")),
)

# 两不愁三保障 and safe drinking water: every one must hold before a risk is cleared (DOMAIN.md §3).
CLEARING_CHECKLIST = CodeList(
    ("food_clothing_ok", N_("Enough food and clothing")),
    ("schooling_ok", N_("Compulsory schooling guaranteed")),
    ("medical_ok", N_("Basic medical care guaranteed")),
    ("housing_ok", N_("Safe housing guaranteed")),
    ("water_ok", N_("Safe drinking water")),
)

# A risk case's fields as its steps record them in the audit trail (server.monitoring.steps), named on screen.
CASE_FIELD_LABELS = {
    "risk_state": N_("State"),
    "source": N_("How the risk was found"),
    "found_on": N_("Found on"),
    "notice_starts_on": N_("Notice starts on"),
    "notice_ends_on": N_("Notice ends on"),
    "confirmed_on": N_("Confirmed on"),
    "cleared_on": N_("Cleared on"),
    "cleared_income": N_("Per-capita net income"),
    "cleared_line": N_("Monitoring line"),
    **CLEARING_CHECKLIST.msgids(),
}
# The code lists of those fields' values.
CASE_FIELD_CODES = {
    "risk_state": CodeList(*((state.value, label) for state, label in STATE_LABELS.items())),
    "source": RISK_SOURCE,
}

# Its events in the audit trail (server.monitoring.steps and yearly) as the audit page reads them: the case's fields,
# the case itself, and the year's return-to-poverty figures when they are closed.
TRAIL = TrailFields(
    actions=(
        "risk_found",
        "risk_notice",
        "risk_confirm",
        "risk_clear",
        "household_monitoring_changed",
        "return_rate_closed",
    ),
    labels={
        **CASE_FIELD_LABELS,
        "risk_case": N_("Risk case no."),
        "year": N_("Year"),
        "lifted": N_("Households lifted out of poverty"),
        "returned": N_("Households returned to poverty"),
        "lifted_people": N_("People lifted out of poverty"),
        "returned_people": N_("People returned to poverty"),
    },
    codes=CASE_FIELD_CODES,
)
