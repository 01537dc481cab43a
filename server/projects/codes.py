"""The projects area's code lists: kinds, units, funding sources, statuses."""

from __future__ import annotations

from server.codes import CodeList, TrailFields
from server.i18n import N_

PROJECT_KIND = CodeList(
    ("road", N_("Road hardening")),
    ("water", N_("Water storage and pipes")),
    ("field", N_("Low-yield field improvement")),
    ("housing", N_("Dilapidated-house renovation")),
    ("industry", N_("Industry project")),
    ("other", N_("Other project")),
)

UNIT = CodeList(
    ("m2", N_("m²")),
    ("m3", N_("m³")),
    ("km", N_("km")),
    ("m", N_("m")),
    ("mu", N_("mu")),
    ("household", N_("households (unit)")),
    ("piece", N_("pieces (unit)")),
)

FUNDING_SOURCE = CodeList(
    ("provincial", N_("Provincial poverty-alleviation funds")),
    ("municipal", N_("Municipal funds")),
    ("county", N_("County funds")),
    ("township", N_("Township funds")),
    ("villagers", N_("Villagers' cash and labour")),
    ("donation", N_("Social donations")),
    ("other", N_("Other sources")),
)

PROJECT_STATUS = CodeList(
    ("planned", N_("Planned")),
    ("in_progress", N_("In progress")),
    ("completed", N_("Completed")),
    ("accepted", N_("Accepted")),
)

# Its events in the audit trail (server.projects.changes) as the audit page reads them: the project's fields, one
# per funding source, and its beneficiaries.
TRAIL = TrailFields(
    actions=("project_created", "project_changed", "project_progress_added", "project_beneficiaries_changed"),
    labels={
        "name": N_("Project name"),
        "kind": N_("Kind"),
        "village": N_("Village"),
        "year": N_("Year"),
        "status": N_("Status"),
        "budget": N_("Budget"),
        "progress_percent": N_("Progress percent"),
        "note": N_("Note"),
        "started_on": N_("Start date"),
        "planned_completion_on": N_("Planned completion"),
        "completed_on": N_("Completion date"),
        "accepted_on": N_("Acceptance date"),
        **{f"funding_{source}": label for source, label in FUNDING_SOURCE.msgids().items()},
        "quantities": N_("Quantities"),
        "noted_on": N_("Progress noted on"),
        "added": N_("Beneficiary households added"),
        "removed": N_("Beneficiary households removed"),
        "count": N_("Beneficiary households now"),
    },
    codes={"kind": PROJECT_KIND, "status": PROJECT_STATUS},
    refs={"village": "village", "added": "household", "removed": "household"},
)
