"""The reports area's code lists: kinds of report, the difficulties a household can report, how a report was handled."""

from __future__ import annotations

from server.codes import CodeList, TrailFields
from server.i18n import N_

REPORT_KIND = CodeList(
    ("difficulty", N_("Difficulty reported by the household")),
    ("complaint", N_("No one has come (complaint)")),
    ("help", N_("Request for help")),
)

DIFFICULTY = CodeList(
    ("illness", N_("Someone fell ill")),
    ("accident", N_("Accident")),
    ("disaster", N_("Hit by a disaster")),
    ("job_loss", N_("Lost job")),
    ("other", N_("Other")),
)

# Why a report was dropped unread (server.reports.intake).
DROPPED = CodeList(
    ("honeypot", N_("Sent by a robot (it filled in the hidden field)")),
)

# What the township office did with a report.
OUTCOME = CodeList(
    ("risk", N_("Monitoring risk opened")),
    ("matched", N_("Matched to a household")),
    ("application", N_("Sent on as an identification application")),
    ("answered", N_("Answered")),
    ("no_action", N_("No action needed")),
)

# Its events in the audit trail (server.reports.intake and handling) as the audit page reads them.
TRAIL = TrailFields(
    actions=("public_report_received", "public_report_handled", "public_report_dropped", "public_page_saved"),
    labels={
        "kind": N_("Kind of report"),
        "category": N_("Difficulty"),
        "risk_case": N_("Risk case opened, no."),
        "card": N_("Door card no."),
        "characters": N_("Text (characters)"),
        "outcome": N_("How it was handled"),
        "household": N_("Household"),
        "reason": N_("Reason"),
        "new_token": N_("Public page given a new address"),
    },
    codes={"kind": REPORT_KIND, "category": DIFFICULTY, "outcome": OUTCOME, "reason": DROPPED},
    refs={"household": "household"},
)
