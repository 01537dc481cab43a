"""Parsing the exit forms: the check (income, the 三保障 checklist as yes/no answers, the household's agreement),
the appraisal, the notice, objections and answers, the township review and the county's decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.exits.steps import CHECKLIST
from server.i18n import N_, gettext
from server.identification.forms import Fields
from server.identification.rules import Rules


@dataclass
class ExitForm:
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _form(data: Any, f: Fields, values: dict[str, Any]) -> ExitForm:
    return ExitForm(data={key: str(value) for key, value in dict(data).items()}, values=values, errors=f.errors)


def parse_check(data: Any, year: int) -> ExitForm:
    f = Fields(data)
    values: dict[str, Any] = {
        "year": year,
        "checked_on": f.day("checked_on"),
        "income": f.money("income"),
        "household_agreed": f.yes_no("household_agreed"),
        "note": f.text("note", length=1000),
    }
    for item in CHECKLIST:
        values[item] = f.yes_no(item)
    if values["income"] is None and "income" not in f.errors:
        f.errors["income"] = N_("Enter an amount in yuan, such as 2800.50.")
    return _form(data, f, values)


def parse_appraisal(data: Any, rules: Rules, population: int) -> ExitForm:
    f = Fields(data)
    present = f.number("representatives_present", low=1, high=2000)
    votes_for, votes_against = f.number("votes_for", high=2000), f.number("votes_against", high=2000)
    values: dict[str, Any] = {
        "appraised_on": f.day("appraised_on"),
        "representatives_present": present,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "passed": f.yes_no("passed"),
        "note": f.text("note", length=1000),
    }
    minimum = rules.representatives_minimum(population)
    if present is not None and present < minimum:
        f.errors["representatives_present"] = gettext(
            N_("A village of %(people)s people needs at least %(n)s representatives present."),
            people=population,
            n=minimum,
        )
    votes = (votes_for or 0) + (votes_against or 0)
    if present is not None and votes > present:
        f.errors["votes_for"] = N_("More votes than representatives present.")
    if values["passed"] is False and not values["note"]:
        f.errors["note"] = N_("Give the reason the exit is refused.")
    return _form(data, f, values)


def parse_notice(data: Any, rules: Rules) -> ExitForm:
    f = Fields(data)
    starts, ends = f.day("starts_on"), f.day("ends_on")
    values = {"starts_on": starts, "ends_on": ends, "posted_at": f.text("posted_at", length=100)}
    if starts and ends and (ends - starts).days + 1 < rules.notice_days:
        f.errors["ends_on"] = gettext(
            N_("A notice lasts at least %(n)s days, counting the first and the last day."), n=rules.notice_days
        )
    return _form(data, f, values)


def parse_objection(data: Any) -> ExitForm:
    f = Fields(data)
    values = {
        "received_on": f.day("received_on"),
        "content": f.text("content", required=True, length=2000, message=N_("Write down the objection.")),
        "raised_by": f.text("raised_by", length=60),
    }
    return _form(data, f, values)


def parse_answer(data: Any) -> ExitForm:
    f = Fields(data)
    values = {
        "answer": f.text("answer", required=True, length=2000, message=N_("Write down the answer.")),
        "answered_on": f.day("answered_on"),
    }
    return _form(data, f, values)


def parse_decision(data: Any) -> ExitForm:
    """The township review: passed or not, the date, a note (the reason when refused)."""
    f = Fields(data)
    values = {
        "on": f.day("on"),
        "passed": f.yes_no("passed"),
        "note": f.text("note", length=1000),
    }
    if values["passed"] is False and not values["note"]:
        f.errors["note"] = N_("Give the reason the exit is refused.")
    return _form(data, f, values)
