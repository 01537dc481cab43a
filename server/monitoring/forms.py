"""Parsing the risk case forms: dates, the monitoring type, the clearing checklist. Errors are msgids by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.codes import MONITORING_TYPE
from server.i18n import N_, gettext, too_long
from server.monitoring.codes import CLEARING_CHECKLIST, RISK_SOURCE
from server.monitoring.workflow import NOTICE_TOO_SHORT

MAX_NOTE = 200  # the column length: a longer note is refused with the limit, never cut


def _date(data: dict[str, Any], name: str, errors: dict[str, str], today: date, future: bool = False) -> date | None:
    text = str(data.get(name) or "").strip()
    try:
        value = date.fromisoformat(text)
    except ValueError:
        errors[name] = N_("Enter a date.")
        return None
    if not future and value > today:
        errors[name] = N_("The date cannot be in the future.")
        return None
    return value


@dataclass
class StepForm:
    """The values of one step, as typed (to show the form again) and parsed."""

    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_open(data: dict[str, Any], today: date) -> StepForm:
    form = StepForm(data=dict(data))
    found_on = _date(data, "found_on", form.errors, today)
    source = str(data.get("source") or "")
    if source not in RISK_SOURCE:
        form.errors["source"] = N_("Choose how the risk was found.")
    visit = str(data.get("visit") or "")
    form.values = {
        "found_on": found_on,
        "source": source,
        "note": str(data.get("note") or "").strip(),
        "visit_id": int(visit) if visit.isdigit() and source == "hardship" else None,
    }
    if len(form.values["note"]) > MAX_NOTE:
        form.errors["note"] = too_long(MAX_NOTE)
    return form


def parse_notice(data: dict[str, Any], today: date, min_days: int) -> StepForm:
    """The notice may be recorded ahead (it hangs for days); the end date must allow at least `min_days`."""
    form = StepForm(data=dict(data))
    starts_on = _date(data, "notice_starts_on", form.errors, today, future=True)
    ends_on = _date(data, "notice_ends_on", form.errors, today, future=True)
    if starts_on and ends_on:
        if ends_on < starts_on:
            form.errors["notice_ends_on"] = N_("The notice cannot end before it starts.")
        elif (ends_on - starts_on).days + 1 < min_days:
            form.errors["notice_ends_on"] = gettext(NOTICE_TOO_SHORT, n=min_days)
    form.values = {"starts_on": starts_on, "ends_on": ends_on}
    return form


def parse_confirm(data: dict[str, Any], today: date) -> StepForm:
    form = StepForm(data=dict(data))
    confirmed_on = _date(data, "confirmed_on", form.errors, today)
    monitoring_type = str(data.get("monitoring_type") or "")
    if monitoring_type not in MONITORING_TYPE:
        form.errors["monitoring_type"] = N_("Choose the type of monitored household.")
    returned = data.get("returned") in ("on", "1", "yes")
    form.values = {"confirmed_on": confirmed_on, "monitoring_type": monitoring_type, "returned": returned}
    return form


def parse_clear(data: dict[str, Any], today: date) -> StepForm:
    form = StepForm(data=dict(data))
    cleared_on = _date(data, "cleared_on", form.errors, today)
    checklist = {code: data.get(code) in ("on", "1", "true") for code in CLEARING_CHECKLIST}
    if not all(checklist.values()):
        form.errors["checklist"] = N_("Every condition of the checklist must hold before the risk is cleared.")
    form.values = {"cleared_on": cleared_on, "checklist": checklist}
    return form
