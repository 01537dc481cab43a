"""Parsing and validating the visit form (new and edit); errors are msgids keyed by field."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from server.clock import TIMEZONE
from server.codes import MEASURE_TYPE
from server.i18n import N_, too_long
from server.media.images import NOT_A_SIGNATURE
from server.visits.codes import HARDSHIP, VISIT_KIND

MAX_PHOTOS = 9
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock may run a little ahead
MAX_TEXT = 2000
MAX_AMOUNT = Decimal("10000000")
MEASURE_NOTE_CHARACTERS = 200  # visit_measure.note
SIGNATURE_PREFIX = "data:image/png;base64,"  # what a canvas's toDataURL() gives
SIGNATURE_TEXT = 800_000  # base64 of the largest signature kept (server.media.images.SIGNATURE_MAX_BYTES), and more


@dataclass
class MeasureRow:
    type: str = ""
    amount: str = ""
    note: str = ""

    def amount_value(self) -> Decimal | None:
        return Decimal(self.amount) if self.amount else None


@dataclass
class VisitForm:
    """What the cadre sent; the texts are kept as typed so the form can be shown again with its errors."""

    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    visited_at_text: str = ""
    kind: str = "home"
    note: str = ""
    problems: str = ""
    hardship: str = ""  # a code of HARDSHIP, or "" for none
    measures: list[MeasureRow] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    expected_photos: int = 0
    next_follow_up_text: str = ""
    close_ids: list[int] = field(default_factory=list)
    version: int = 1
    # The household's confirmation (server/visits/confirmations.py), optional: the head's signature drawn on the
    # phone as a PNG data URL, or, for a call, who confirmed on the phone and when.
    signature: str = ""
    call_confirmed_by: str = ""
    call_confirmed_at_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def visited_at(self) -> datetime | None:
        return parse_local_datetime(self.visited_at_text)

    @property
    def next_follow_up_on(self) -> date | None:
        try:
            return date.fromisoformat(self.next_follow_up_text) if self.next_follow_up_text else None
        except ValueError:
            return None

    def fingerprint(self, household_id: int) -> str:
        """What makes two submissions "the same visit": the content a person typed, not the photos or place."""
        visited_at = self.visited_at
        content = {
            "household": household_id,
            "visited_at": visited_at.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M") if visited_at else "",
            "kind": self.kind,
            "note": self.note,
            "problems": self.problems,
            "measures": [[m.type, str(m.amount_value() or ""), m.note] for m in self.measures],
        }
        if self.hardship:  # only when chosen, so visits sent before the field existed keep their fingerprint
            content["hardship"] = self.hardship
        if self.signature or self.call_confirmed_by:  # the same rule for the household's confirmation
            signed = hashlib.sha256(self.signature.encode()).hexdigest() if self.signature else ""
            content["confirmation"] = [signed, self.call_confirmed_by, self.call_confirmed_at_text]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    @classmethod
    def blank(cls, now: datetime, next_follow_up_on: date) -> VisitForm:
        return cls(
            visited_at_text=now.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M"),
            next_follow_up_text=next_follow_up_on.isoformat(),
            measures=[MeasureRow()],
        )

    @classmethod
    def parse(cls, data: Any, *, photo_count: int, now: datetime, editing: bool = False) -> VisitForm:
        """`data` is a FormMultiDict (or a dict of lists); `photo_count`: photos sent with this request."""
        form = cls(
            client_id=_text(data, "client_id", 40),
            visited_at_text=_text(data, "visited_at", 40),
            kind=_text(data, "kind", 12) or "home",
            note=_text(data, "note", MAX_TEXT + 1),
            problems=_text(data, "problems", MAX_TEXT + 1),
            hardship=_text(data, "hardship", 12),
            measures=_measure_rows(data),
            latitude=_number(data, "latitude", -90, 90),
            longitude=_number(data, "longitude", -180, 180),
            accuracy_m=_number(data, "accuracy", 0, 1e7),
            next_follow_up_text=_text(data, "next_follow_up_on", 20),
            close_ids=[int(v) for v in _all(data, "close") if v.isdigit()],
            signature=_text(data, "signature", SIGNATURE_TEXT),
            call_confirmed_by=_text(data, "call_confirmed_by", 61),
            call_confirmed_at_text=_text(data, "call_confirmed_at", 40),
        )
        if not form.visited_at_text and not editing:  # a client that sends no time means "now"
            form.visited_at_text = now.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M")
        form.expected_photos = max(photo_count, _integer(data, "expected_photos", 0, MAX_PHOTOS) or 0)
        form.version = _integer(data, "version", 1, 2**31) or 1
        form.validate(photo_count=photo_count, now=now, editing=editing)
        return form

    def validate(self, *, photo_count: int, now: datetime, editing: bool) -> None:
        errors = self.errors
        if not editing:
            try:
                self.client_id = str(uuid.UUID(self.client_id))
            except ValueError:
                errors["client_id"] = N_("The form is out of date. Reload the page and try again.")
        visited_at = self.visited_at
        if visited_at is None:
            errors["visited_at"] = N_("Enter the date and time of the visit.")
        elif visited_at > now + CLOCK_SKEW:
            errors["visited_at"] = N_("The visit cannot be in the future.")
        elif visited_at < now - timedelta(days=366):
            errors["visited_at"] = N_("The visit is more than a year ago.")
        if self.kind not in VISIT_KIND:
            errors["kind"] = N_("Choose the kind of visit.")
        if self.hardship and self.hardship not in HARDSHIP:
            errors["hardship"] = N_("Choose a sudden hardship from the list.")
        if len(self.note) > MAX_TEXT or len(self.problems) > MAX_TEXT:
            errors["note" if len(self.note) > MAX_TEXT else "problems"] = N_("At most 2000 characters.")
        if photo_count > MAX_PHOTOS:
            errors["photos"] = N_("At most 9 photos per visit.")
        has_photos = photo_count > 0 or (self.expected_photos > 0 and not editing)
        if not editing and not (self.note or self.problems or self.hardship or has_photos or self.measures):
            errors["note"] = N_("Write what was done, or add a photo.")
        if editing and not (self.note or self.problems or self.measures or self.expected_photos):
            errors["note"] = N_("Write what was done, or add a photo.")
        self._validate_measures()
        self._validate_confirmation(now)
        if self.next_follow_up_text and (self.next_follow_up_on is None or not _after(self.next_follow_up_on, now)):
            errors["next_follow_up_on"] = N_("The next follow-up must be a date after today.")

    @property
    def call_confirmed_at(self) -> datetime | None:
        return parse_local_datetime(self.call_confirmed_at_text) or self.visited_at

    def _validate_confirmation(self, now: datetime) -> None:
        """Optional and never a gate, but what is sent must make sense: a PNG drawing, or a call's confirmer."""
        if self.signature and not self.signature.startswith(SIGNATURE_PREFIX):
            self.errors["signature"] = NOT_A_SIGNATURE
        if not self.call_confirmed_by:
            return
        if self.kind != "phone":
            self.errors["call_confirmed_by"] = N_("Only a phone call is confirmed by phone.")
        elif self.signature:
            self.errors["call_confirmed_by"] = N_("Keep either the signature or the phone confirmation, not both.")
        elif len(self.call_confirmed_by) > 60:
            self.errors["call_confirmed_by"] = too_long(60)
        confirmed_at = self.call_confirmed_at
        if self.call_confirmed_at_text and parse_local_datetime(self.call_confirmed_at_text) is None:
            self.errors["call_confirmed_at"] = N_("Enter the date and time of the confirmation.")
        elif confirmed_at is not None and confirmed_at > now + CLOCK_SKEW:
            self.errors["call_confirmed_at"] = N_("The confirmation cannot be in the future.")

    def _validate_measures(self) -> None:
        for row in self.measures:
            if row.type not in MEASURE_TYPE:
                self.errors["measures"] = N_("Choose the type of each measure.")
                return
            try:
                amount = row.amount_value()
            except InvalidOperation:
                self.errors["measures"] = N_("Enter amounts in yuan, for example 200 or 1500.50.")
                return
            if amount is not None and not _is_yuan(amount):
                self.errors["measures"] = N_("Enter amounts in yuan, for example 200 or 1500.50.")
                return
            if len(row.note) > MEASURE_NOTE_CHARACTERS:
                self.errors["measures"] = too_long(MEASURE_NOTE_CHARACTERS)
                return


def _is_yuan(amount: Decimal) -> bool:
    exponent = amount.as_tuple().exponent
    return amount.is_finite() and 0 <= amount < MAX_AMOUNT and isinstance(exponent, int) and exponent >= -2


def parse_local_datetime(text: str) -> datetime | None:
    """A datetime-local value (Asia/Shanghai) or a full ISO 8601 time with its offset."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=TIMEZONE) if value.tzinfo is None else value


def _after(day: date, now: datetime) -> bool:
    return day > now.astimezone(TIMEZONE).date()


def _all(data: Any, name: str) -> list[str]:
    values = data.getall(name, []) if hasattr(data, "getall") else data.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [value for value in values if isinstance(value, str)]


def _text(data: Any, name: str, limit: int) -> str:
    values = _all(data, name)
    return values[0].strip()[:limit] if values else ""


def _number(data: Any, name: str, low: float, high: float) -> float | None:
    try:
        value = float(_text(data, name, 30))
    except ValueError:
        return None
    return value if low <= value <= high else None


def _integer(data: Any, name: str, low: int, high: int) -> int | None:
    text = _text(data, name, 12)
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _measure_rows(data: Any) -> list[MeasureRow]:
    types, amounts, notes = _all(data, "measure_type"), _all(data, "measure_amount"), _all(data, "measure_note")
    rows = []
    for index in range(min(max(len(types), len(amounts)), 20)):
        row = MeasureRow(
            type=types[index].strip() if index < len(types) else "",
            amount=amounts[index].strip().replace(",", "") if index < len(amounts) else "",
            note=notes[index].strip() if index < len(notes) else "",
        )
        if row.type or row.amount or row.note:
            rows.append(row)
    return rows
