"""The projects area's code lists: kinds, units, funding sources, statuses."""

from __future__ import annotations

from server.codes import CodeList
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
