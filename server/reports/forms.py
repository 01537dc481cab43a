"""Parsing the public forms (no account): what happened, a short text, a phone to call back, and the honeypot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from server.i18n import N_
from server.reports.codes import DIFFICULTY

MAX_TEXT = 300
MAX_NAME = 20
BODY_LIMIT = 16 * 1024  # the forms hold a few hundred characters; anything bigger is refused with 413
HONEYPOT = "website"  # hidden from people (CSS and aria-hidden); a script that fills every field fills it too
PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}\d{7,8}$")  # a mobile number, or a landline with its area code

TOO_LONG = N_("At most 300 characters.")


@dataclass
class PublicForm:
    """One public form as typed (shown again with its errors) and as parsed."""

    kind: str
    data: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    trapped: bool = False  # the honeypot was filled: answered like a success, nothing stored


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    """The field as typed, cut far above its limit only so that a huge value is not echoed back whole."""
    return str(data.get(name) or "").strip()[: limit * 4]


def phone_of(text: str) -> str | None:
    digits = re.sub(r"[\s\-()（）]", "", text)
    return digits if PHONE.match(digits) else None


def parse(kind: str, data: dict[str, Any], village_ids: set[int] | None = None) -> PublicForm:
    """kind: 'difficulty' and 'complaint' (door card) or 'help' (township page, with `village_ids` to choose from)."""
    form = PublicForm(kind=kind, data={k: _text(data, k, MAX_TEXT) for k in ("category", "text", "phone", "name")})
    form.data["village"] = _text(data, "village", 12)
    form.trapped = bool(str(data.get(HONEYPOT) or "").strip())
    errors, text = form.errors, form.data["text"]
    if kind in ("difficulty", "help") and form.data["category"] not in DIFFICULTY:
        errors["category"] = N_("Choose what happened.")
    if not text:
        errors["text"] = (
            N_("Write in a few words what happened.") if kind != "complaint" else N_("Write what is wrong.")
        )
    elif len(text) > MAX_TEXT:
        errors["text"] = TOO_LONG
    phone = phone_of(form.data["phone"]) if form.data["phone"] else ""
    if phone is None:
        errors["phone"] = N_("Enter a mobile number of 11 digits, or a landline with its area code.")
    elif not phone and kind == "help":
        errors["phone"] = N_("Leave a phone number, so that the township office can call you back.")
    form.values = {"category": form.data["category"] if kind != "complaint" else "", "text": text,
                   "callback_phone": phone or ""}  # fmt: skip
    if kind == "help":
        _parse_help(form, village_ids or set())
    return form


def _parse_help(form: PublicForm, village_ids: set[int]) -> None:
    name, village = form.data["name"], form.data["village"]
    if not name:
        form.errors["name"] = N_("Write whose family needs help.")
    elif len(name) > MAX_NAME:
        form.errors["name"] = N_("At most 20 characters.")
    if not village.isdigit() or int(village) not in village_ids:
        form.errors["village"] = N_("Choose the village.")
    form.values.update(name=name, village=int(village) if village.isdigit() else None)
