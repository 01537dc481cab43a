"""Parsing and validating the pairing forms; errors are msgids keyed by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from server.i18n import N_, too_long

MAX_REASON = 200


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_id(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _check_date(errors: dict[str, str], name: str, value: date | None, today: date) -> None:
    if value is None:
        errors[name] = N_("Enter a date like 2026-05-26.")
    elif value > today:
        errors[name] = N_("The date cannot be in the future.")


def _check_reason(errors: dict[str, str], reason: str) -> None:
    if not reason:
        errors["reason"] = N_("Enter a reason.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = too_long(200)


@dataclass
class PairForm:
    cadre: str = ""
    rank: str = "1"
    started_on: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, str], today: date) -> PairForm:
        form = cls(
            cadre=data.get("cadre", "").strip(),
            rank=data.get("rank", "1").strip(),
            started_on=data.get("started_on", "").strip(),
            reason=data.get("reason", "").strip(),
        )
        if parse_id(form.cadre) is None:
            form.errors["cadre"] = N_("Choose a cadre.")
        if form.rank not in ("1", "2"):
            form.errors["rank"] = N_("Choose first or second responsible cadre.")
        _check_date(form.errors, "started_on", parse_date(form.started_on), today)
        _check_reason(form.errors, form.reason)
        return form


@dataclass
class EndForm:
    ended_on: str = ""
    reason: str = ""
    confirmed: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, str], today: date) -> EndForm:
        form = cls(
            ended_on=data.get("ended_on", "").strip(),
            reason=data.get("reason", "").strip(),
            confirmed=data.get("confirm") == "1",
        )
        _check_date(form.errors, "ended_on", parse_date(form.ended_on), today)
        _check_reason(form.errors, form.reason)
        return form


@dataclass
class HandoverForm:
    to_cadre: str = ""  # a cadre id, or "auto": share out by the assistant's rule
    on: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: dict[str, str], today: date) -> HandoverForm:
        form = cls(
            to_cadre=data.get("to_cadre", "").strip(),
            on=data.get("on", "").strip(),
            reason=data.get("reason", "").strip(),
        )
        if form.to_cadre != "auto" and parse_id(form.to_cadre) is None:
            form.errors["to_cadre"] = N_("Choose who takes over, or share out by the assistant's rule.")
        _check_date(form.errors, "on", parse_date(form.on), today)
        _check_reason(form.errors, form.reason)
        return form

    @property
    def target(self) -> int | None:
        return None if self.to_cadre == "auto" else parse_id(self.to_cadre)
