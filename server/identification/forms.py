"""Parsing and validating the identification forms; errors are messages keyed by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server import codes
from server.households import id_numbers
from server.i18n import N_, gettext
from server.identification.rules import Rules

NAME_SEPARATORS = re.compile(r"[,，、;；\s]+")
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
MAX_MEMBERS = 30


class Fields:
    """Reads one form's fields, collecting an error per field."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = False, length: int = 200, message: str = "") -> str:
        value = str(self.data.get(name, "") or "").strip()
        if required and not value:
            self.errors[name] = message or N_("This field is required.")
        elif len(value) > length:
            self.errors[name] = gettext(N_("At most %(n)s characters."), n=length)
        return value[:length]

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = str(self.data.get(name, "") or "").strip()
        if not value:
            if required:
                self.errors[name] = N_("Enter a date.")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = N_("Enter a date such as 2026-06-03.")
            return None

    def number(self, name: str, *, low: int = 0, high: int = 10_000, required: bool = True) -> int | None:
        value = str(self.data.get(name, "") or "").strip()
        if not value and not required:
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[name] = N_("Enter a whole number.")
            return None
        if not low <= number <= high:
            self.errors[name] = gettext(N_("Enter a number from %(low)s to %(high)s."), low=low, high=high)
            return None
        return number

    def money(self, name: str) -> Decimal | None:
        value = str(self.data.get(name, "") or "").strip().replace(",", "")
        if not value:
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            self.errors[name] = N_("Enter an amount in yuan, such as 2800.50.")
            return None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            self.errors[name] = N_("The amount cannot be negative.")
            return None
        return amount.quantize(Decimal("0.01"))

    def choice(self, name: str, allowed: Any, default: str = "") -> str:
        value = str(self.data.get(name, "") or default).strip()
        if value not in allowed:
            self.errors[name] = N_("Choose one of the options.")
        return value

    def yes_no(self, name: str) -> bool | None:
        value = str(self.data.get(name, "") or "")
        if value not in ("yes", "no"):
            self.errors[name] = N_("Choose one of the options.")
            return None
        return value == "yes"


@dataclass
class FamilyForm:
    """A new family's application: the household, its head and the application in one form."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, group_ids: set[int]) -> FamilyForm:
        f = Fields(data)
        values: dict[str, Any] = {
            "head_name": f.text("head_name", required=True, length=30, message=N_("Enter the head's name.")),
            "id_number": id_numbers.normalise(f.text("id_number", required=True, length=30)),
            "phone": f.text("phone", length=20).replace(" ", ""),
            "member_count": f.number("member_count", low=1, high=MAX_MEMBERS),
            "main_cause": f.choice("main_cause", codes.POVERTY_CAUSE),
            "attribute": f.choice("attribute", codes.HOUSEHOLD_ATTRIBUTE, default="general"),
            "reason": f.text("reason", length=500),
            "declared_income": f.money("declared_income"),
            "group": f.number("group", low=1, high=2**31 - 1, required=False),
        }
        if "id_number" not in f.errors and (problem := id_numbers.validate(values["id_number"])):
            f.errors["id_number"] = problem
        if values["phone"] and not PHONE.match(values["phone"]):
            f.errors["phone"] = N_("Enter an 11-digit mobile number or a landline such as 0539-1234567.")
        if values["group"] is not None and values["group"] not in group_ids:
            f.errors["group"] = N_("Choose one of the options.")
        return cls(values=values, errors=f.errors)


@dataclass
class ExistingForm:
    """An application for a household already in the register with status 'not registered'."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> ExistingForm:
        f = Fields(data)
        values = {
            "household": f.number("household", low=1, high=2**31 - 1),
            "reason": f.text("reason", length=500),
            "declared_income": f.money("declared_income"),
        }
        return cls(values=values, errors=f.errors)


def team_names(value: str) -> list[str]:
    return [name for name in NAME_SEPARATORS.split(value.strip()) if name]


@dataclass
class SurveyForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, rules: Rules, population: int) -> SurveyForm:
        f = Fields(data)
        team = team_names(f.text("team", required=True, length=300, message=N_("Enter the survey team members.")))
        values = {
            "team": team,
            "surveyed_on": f.day("surveyed_on"),
            "findings": f.text("findings", required=True, length=2000, message=N_("Write down what was found.")),
            "member_count": f.number("member_count", low=1, high=MAX_MEMBERS),
            "eligible": f.yes_no("eligible"),
            "strike_reason": f.text("strike_reason", length=500),
        }
        low, high = rules.survey_team_minimum(population), rules.survey_team_max
        if team and not low <= len(team) <= high:
            f.errors["team"] = gettext(
                N_("A survey team has %(low)s to %(high)s members in a village of %(people)s people, not %(n)s."),
                low=low,
                high=high,
                people=population,
                n=len(team),
            )
        if any(len(name) > 30 for name in team):
            f.errors["team"] = gettext(N_("At most %(n)s characters."), n=30)
        if values["eligible"] is False and not values["strike_reason"]:
            f.errors["strike_reason"] = N_("Give the reason the application is struck out.")
        return cls(values=values, errors=f.errors)


@dataclass
class MeetingForm:
    """The village representatives' meeting and its votes on each application of the preliminary list."""

    values: dict[str, Any] = field(default_factory=dict)
    votes: dict[int, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, rules: Rules, population: int, application_ids: list[int]) -> MeetingForm:
        f = Fields(data)
        present = f.number("representatives_present", low=1, high=2000)
        values = {"held_on": f.day("held_on"), "representatives_present": present, "place": f.text("place", length=100)}
        minimum = rules.representatives_minimum(population)
        if present is not None and present < minimum:
            f.errors["representatives_present"] = gettext(
                N_("A village of %(people)s people needs at least %(n)s representatives present."),
                people=population,
                n=minimum,
            )
        votes: dict[int, dict[str, Any]] = {}
        for app_id in application_ids:
            votes_for = f.number(f"votes_for_{app_id}", low=0, high=2000)
            votes_against = f.number(f"votes_against_{app_id}", low=0, high=2000)
            vote: dict[str, Any] = {
                "votes_for": votes_for,
                "votes_against": votes_against,
                "passed": f.yes_no(f"passed_{app_id}"),
                "reason": f.text(f"reason_{app_id}", length=500),
            }
            cast = (votes_for or 0) + (votes_against or 0)
            if present is not None and cast > present:
                f.errors[f"votes_for_{app_id}"] = N_("More votes than representatives present.")
            elif present is not None and votes_for is not None and vote["passed"] is not None:
                against_votes = result_against_votes(vote["passed"], votes_for, present)
                if against_votes:
                    f.errors[f"passed_{app_id}"] = against_votes
            if vote["passed"] is False and not vote["reason"]:
                f.errors[f"reason_{app_id}"] = N_("Give the reason the application is struck out.")
            votes[app_id] = vote
        if not application_ids:
            f.errors["held_on"] = N_("No application of this village is on the preliminary list.")
        return cls(values=values, votes=votes, errors=f.errors)


def result_against_votes(passed: bool, votes_for: int, present: int) -> str | None:
    """Why a recorded result contradicts its votes (passing takes more than half of the representatives present),
    or None when it follows them."""
    if passed == (votes_for * 2 > present):
        return None
    msgid = (
        N_("Passed needs more than half of the %(present)s representatives present: %(n)s voted for.")
        if passed
        else N_("%(n)s of the %(present)s representatives present voted for: more than half, so it passed.")
    )
    return gettext(msgid, present=present, n=votes_for)


@dataclass
class NoticeForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, rules: Rules) -> NoticeForm:
        f = Fields(data)
        starts, ends = f.day("starts_on"), f.day("ends_on")
        values = {"starts_on": starts, "ends_on": ends, "posted_at": f.text("posted_at", length=100)}
        if starts and ends and (ends - starts).days + 1 < rules.notice_days:
            f.errors["ends_on"] = gettext(
                N_("A notice lasts at least %(n)s days, counting the first and the last day."), n=rules.notice_days
            )
        return cls(values=values, errors=f.errors)


@dataclass
class ObjectionForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, application_ids: set[int]) -> ObjectionForm:
        f = Fields(data)
        values = {
            "received_on": f.day("received_on"),
            "content": f.text("content", required=True, length=2000, message=N_("Write down the objection.")),
            "raised_by": f.text("raised_by", length=60),
            "application": f.number("application", low=1, high=2**31 - 1, required=False),
        }
        if values["application"] is not None and values["application"] not in application_ids:
            f.errors["application"] = N_("Choose one of the options.")
        return cls(values=values, errors=f.errors)


@dataclass
class AnswerForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> AnswerForm:
        f = Fields(data)
        values = {
            "answer": f.text("answer", required=True, length=2000, message=N_("Write down the answer.")),
            "answered_on": f.day("answered_on"),
        }
        return cls(values=values, errors=f.errors)


@dataclass
class DecisionForm:
    """Township review (passed or not, with a note); the county decides on lists (server.county.forms)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse_review(cls, data: Any) -> DecisionForm:
        f = Fields(data)
        values = {"on": f.day("on"), "passed": f.yes_no("passed"), "note": f.text("note", length=1000)}
        if values["passed"] is False and not values["note"]:
            f.errors["note"] = N_("Give the reason the application is struck out.")
        return cls(values=values, errors=f.errors)


@dataclass
class SettingsForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> SettingsForm:
        f = Fields(data)
        values: dict[str, Any] = {
            "office_name": f.text("office_name", length=60),
            "office_address": f.text("office_address", length=200),
            "office_phone": f.text("office_phone", length=30),
        }
        return cls(values=values, errors=f.errors)
