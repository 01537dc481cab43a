"""The reports area's code lists: kinds of report, the difficulties a household can report, how a report was handled."""

from __future__ import annotations

from server.codes import CodeList
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

# What the township office did with a report.
OUTCOME = CodeList(
    ("risk", N_("Monitoring risk opened")),
    ("matched", N_("Matched to a household")),
    ("application", N_("Sent on as an identification application")),
    ("answered", N_("Answered")),
    ("no_action", N_("No action needed")),
)
