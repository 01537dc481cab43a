"""Parsing the supervision forms: a sample to draw, a spot check to plan, a finding, an answer, a verdict."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from server.clock import TIMEZONE
from server.i18n import N_
from server.supervision.checks import CheckPlan
from server.supervision.codes import CALL_OUTCOME
from server.visits.forms import CLOCK_SKEW, MAX_PHOTOS, parse_local_datetime

MAX_TEXT = 1000
MAX_NOTE = 500


def first(data: Any, name: str, limit: int) -> str:
    values = data.getall(name, []) if hasattr(data, "getall") else [data.get(name, "")]
    text = str(values[0] if values else "").strip()
    return text[: limit * 4]


def all_of(data: Any, name: str) -> list[str]:
    values = data.getall(name, []) if hasattr(data, "getall") else data.get(name, [])
    return [str(value) for value in ([values] if isinstance(values, str) else values)]


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass
class Form:
    """A form as typed (shown again with its errors) and as parsed; errors are msgids by field."""

    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_sample(data: Any, today: date, village_ids: set[int]) -> Form:
    form = Form(data={k: first(data, k, 20) for k in ("since", "until", "share", "village")})
    since, until = _day(form.data["since"]), _day(form.data["until"])
    if since is None or until is None or since > until:
        form.errors["since"] = N_("Choose the first and the last day of the period.")
    elif until > today:
        form.errors["until"] = N_("The date cannot be in the future.")
    share = form.data["share"]
    if not share.isdigit() or not 1 <= int(share) <= 100:
        form.errors["share"] = N_("Enter a share between 1 and 100 percent.")
    village = form.data["village"]
    if village and (not village.isdigit() or int(village) not in village_ids):
        form.errors["village"] = N_("Choose one of the options.")
    form.values = {"since": since, "until": until, "share": int(share) if share.isdigit() else 0,
                   "village_id": int(village) if village.isdigit() else None}  # fmt: skip
    return form


def parse_call(data: Any) -> Form:
    form = Form(data={"outcome": first(data, "outcome", 12), "note": first(data, "note", MAX_NOTE)})
    if form.data["outcome"] not in CALL_OUTCOME:
        form.errors["outcome"] = N_("Choose what the household said.")
    if len(form.data["note"]) > MAX_NOTE:
        form.errors["note"] = N_("At most 500 characters.")
    form.values = dict(form.data)
    return form


def parse_plan(data: Any, today: date, village_ids: set[int]) -> tuple[Form, CheckPlan | None]:
    form = Form(data={k: first(data, k, MAX_TEXT) for k in ("title", "checklist", "planned_on", "per_village",
                                                               "codes")})  # fmt: skip
    villages = [int(v) for v in all_of(data, "villages") if v.isdigit() and int(v) in village_ids]
    form.data["villages"] = villages
    title, checklist = form.data["title"], form.data["checklist"]
    if not title or len(title) > 100:
        form.errors["title"] = N_("Name the check in at most 100 characters.")
    if len(checklist) > MAX_TEXT:
        form.errors["checklist"] = N_("At most 1000 characters.")
    planned_on = _day(form.data["planned_on"])
    if planned_on is None or planned_on < today - timedelta(days=30):
        form.errors["planned_on"] = N_("Enter a date.")
    per_village = form.data["per_village"]
    if not per_village.isdigit() or not 0 <= int(per_village) <= 50:
        form.errors["per_village"] = N_("Enter a number from 0 to 50.")
    codes = [code for code in form.data["codes"].replace("，", ",").replace(" ", ",").split(",") if code]
    if not villages and not codes:
        form.errors["villages"] = N_("Choose at least one village, or type household numbers.")
    if form.errors or planned_on is None:
        return form, None
    return form, CheckPlan(title, checklist, planned_on, villages, int(per_village), codes[:200])


@dataclass
class FindingForm:
    """A finding as the inspector typed it at the household (or as the phone's outbox kept it)."""

    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    household: str = ""
    description: str = ""
    responsible: str = ""
    deadline: str = ""
    found_at_text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    expected_photos: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def found_at(self) -> datetime | None:
        return parse_local_datetime(self.found_at_text)

    @property
    def deadline_day(self) -> date | None:
        return _day(self.deadline)

    def fingerprint(self, check_id: int) -> str:
        """The content a person typed: the same finding sent again has the same fingerprint."""
        found_at = self.found_at
        minute = found_at.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M") if found_at else ""
        content = {"check": check_id, "household": self.household, "description": self.description,
                   "responsible": self.responsible, "deadline": self.deadline, "found_at": minute}  # fmt: skip
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    @classmethod
    def blank(cls, now: datetime, deadline: date) -> FindingForm:
        return cls(found_at_text=now.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M"), deadline=deadline.isoformat())

    @classmethod
    def parse(cls, data: Any, *, photo_count: int, now: datetime, households: set[int], staff: set[int]) -> FindingForm:
        form = cls(
            client_id=first(data, "client_id", 40), household=first(data, "household", 12),
            description=first(data, "description", MAX_TEXT), responsible=first(data, "responsible", 12),
            deadline=first(data, "deadline", 10), found_at_text=first(data, "found_at", 40),
            latitude=_number(first(data, "latitude", 30), -90, 90),
            longitude=_number(first(data, "longitude", 30), -180, 180),
            accuracy_m=_number(first(data, "accuracy", 30), 0, 1e7),
        )  # fmt: skip
        expected = first(data, "expected_photos", 3)
        form.expected_photos = max(photo_count, min(MAX_PHOTOS, int(expected)) if expected.isdigit() else 0)
        if not form.found_at_text:
            form.found_at_text = now.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M")
        form._validate(photo_count, now, households, staff)
        return form

    def _validate(self, photo_count: int, now: datetime, households: set[int], staff: set[int]) -> None:
        errors = self.errors
        try:
            self.client_id = str(uuid.UUID(self.client_id))
        except ValueError:
            errors["client_id"] = N_("The form is out of date. Reload the page and try again.")
        if not self.household.isdigit() or int(self.household) not in households:
            errors["household"] = N_("Choose the household.")
        if not self.description:
            errors["description"] = N_("Write what was found.")
        elif len(self.description) > MAX_TEXT:
            errors["description"] = N_("At most 1000 characters.")
        if not self.responsible.isdigit() or int(self.responsible) not in staff:
            errors["responsible"] = N_("Choose who is responsible for the rectification.")
        today = now.astimezone(TIMEZONE).date()
        deadline = self.deadline_day
        if deadline is None or not today <= deadline <= today + timedelta(days=366):
            errors["deadline"] = N_("The deadline must be a date from today to a year ahead.")
        found_at = self.found_at
        if found_at is None or found_at > now + CLOCK_SKEW or found_at < now - timedelta(days=60):
            errors["found_at"] = N_("Enter when it was found (within the last 60 days).")
        if photo_count > MAX_PHOTOS:
            errors["photos"] = N_("At most 9 photos per visit.")


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def parse_answer(data: Any, photo_count: int) -> Form:
    form = Form(data={"answer": first(data, "answer", MAX_TEXT)})
    if not form.data["answer"]:
        form.errors["answer"] = N_("Write what was done.")
    elif len(form.data["answer"]) > MAX_TEXT:
        form.errors["answer"] = N_("At most 1000 characters.")
    if photo_count > MAX_PHOTOS:
        form.errors["photos"] = N_("At most 9 photos per visit.")
    form.values = dict(form.data)
    return form


def parse_verdict(data: Any) -> Form:
    form = Form(data={"verdict": first(data, "verdict", 12), "note": first(data, "note", MAX_NOTE)})
    if form.data["verdict"] not in ("accepted", "sent_back"):
        form.errors["verdict"] = N_("Choose to accept or to send back.")
    if len(form.data["note"]) > MAX_NOTE:
        form.errors["note"] = N_("At most 500 characters.")
    elif form.data["verdict"] == "sent_back" and not form.data["note"]:
        form.errors["note"] = N_("Say what is still missing.")
    form.values = dict(form.data)
    return form
