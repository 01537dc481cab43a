"""Parsing and validating the jobs area's forms; errors are msgids keyed by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server.accounts.passwords import password_problem
from server.i18n import N_, too_long
from server.jobs.codes import DAYS_PER_MONTH, PAY_UNIT, PHYSICAL, TRAINING_TOPIC, WORK_KIND

MONEY_LIMIT = Decimal("1000000")


class FieldErrors(dict[str, str]):
    """msgids by field name; the first error of a field wins."""

    def add(self, name: str, msgid: str) -> None:
        self.setdefault(name, msgid)


def text(data: Mapping[str, str], name: str, limit: int, errors: FieldErrors, required: bool = False) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors.add(name, N_("This field is required."))
    elif len(value) > limit:
        errors.add(name, too_long(limit))
    return value[:limit]


def number(data: Mapping[str, str], name: str, errors: FieldErrors, low: int, high: int) -> int | None:
    value = (data.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        errors.add(name, N_("Enter a whole number in the allowed range."))
        return None
    return int(value)


def money(data: Mapping[str, str], name: str, errors: FieldErrors, required: bool = False) -> Decimal | None:
    value = (data.get(name) or "").strip().replace(",", "")
    if not value:
        if required:
            errors.add(name, N_("This field is required."))
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        errors.add(name, N_("Enter an amount in yuan, e.g. 2800 or 120.50."))
        return None
    if not amount.is_finite() or amount < 0 or amount >= MONEY_LIMIT:
        errors.add(name, N_("Enter an amount in yuan, e.g. 2800 or 120.50."))
        return None
    return amount.quantize(Decimal("0.01"))


def day(data: Mapping[str, str], name: str, errors: FieldErrors, required: bool = False) -> date | None:
    value = (data.get(name) or "").strip()
    if not value:
        if required:
            errors.add(name, N_("This field is required."))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, N_("Enter a date like 2026-06-01."))
        return None


def code(data: Mapping[str, str], name: str, codes: Any, errors: FieldErrors, default: str = "") -> str:
    value = (data.get(name) or default).strip()
    if value not in codes:
        errors.add(name, N_("Choose one of the options."))
        return default
    return value


def flag(data: Mapping[str, str], name: str) -> bool:
    return data.get(name) in ("1", "on", "true", "yes")


def monthly_equivalent(wage: Decimal, pay_unit: str) -> Decimal | None:
    """A wage as yuan per month (a day wage × 22); None for piece pay, which cannot be converted."""
    if pay_unit == "month":
        return wage
    if pay_unit == "day":
        return wage * DAYS_PER_MONTH
    return None


OLDEST_JOB_AGE = 70  # public welfare posts take people past the working age, not past this


@dataclass
class JobForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)
    low_wage: bool = False  # below the township's minimum and not yet confirmed: the employer must confirm

    @classmethod
    def parse(
        cls,
        data: Mapping[str, str],
        *,
        today: date,
        minimum_wage: int,
        working_ages: tuple[int, int],
        village_ids: set[int],
    ) -> JobForm:
        """`working_ages`: the county's rule; a job's ages default to it and start no younger."""
        errors, (youngest, oldest) = FieldErrors(), working_ages
        v: dict[str, Any] = {
            "title": text(data, "title", 60, errors, required=True),
            "work_kind": code(data, "work_kind", WORK_KIND, errors, "other"),
            "place": text(data, "place", 100, errors, required=True),
            "outside_county": flag(data, "outside_county"),
            "pay_unit": code(data, "pay_unit", PAY_UNIT, errors, "month"),
            "wage_min": money(data, "wage_min", errors, required=True),
            "wage_max": money(data, "wage_max", errors),
            "headcount": number(data, "headcount", errors, 1, 9999),
            "working_hours": text(data, "working_hours", 100, errors),
            "age_min": number(data, "age_min", errors, youngest, OLDEST_JOB_AGE) or youngest,
            "age_max": number(data, "age_max", errors, youngest, OLDEST_JOB_AGE) or oldest,
            "needs_skill": flag(data, "needs_skill"),
            "skills": text(data, "skills", 200, errors),
            "physical": code(data, "physical", PHYSICAL, errors, "medium"),
            "housing": flag(data, "housing"),
            "meals": flag(data, "meals"),
            "description": text(data, "description", 2000, errors),
            "start_date": day(data, "start_date", errors),
            "closing_date": day(data, "closing_date", errors, required=True),
            "is_public_welfare": flag(data, "is_public_welfare"),
            "is_workshop": flag(data, "is_workshop"),
            "village": None,
        }
        village = number(data, "village", errors, 1, 2**31 - 1)
        if village is not None:
            if village in village_ids:
                v["village"] = village
            else:
                errors.add("village", N_("Choose one of the options."))
        if v["headcount"] is None:
            errors.add("headcount", N_("This field is required."))
        if v["wage_min"] is not None:
            v["wage_max"] = v["wage_max"] if v["wage_max"] is not None else v["wage_min"]
            if v["wage_max"] < v["wage_min"]:
                errors.add("wage_max", N_("The highest wage cannot be below the lowest."))
        if v["age_max"] < v["age_min"]:
            errors.add("age_max", N_("The highest age cannot be below the lowest."))
        if v["closing_date"] is not None and v["closing_date"] < today:
            errors.add("closing_date", N_("The closing date is in the past."))
        form = cls(values=v, errors=errors)
        monthly = monthly_equivalent(v["wage_min"], v["pay_unit"]) if v["wage_min"] is not None else None
        below = monthly is not None and monthly < minimum_wage
        v["low_wage_confirmed"] = below and flag(data, "confirm_low_wage")
        form.low_wage = below and not v["low_wage_confirmed"]
        return form

    @property
    def ok(self) -> bool:
        return not self.errors and not self.low_wage


@dataclass
class TrainingForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> TrainingForm:
        errors = FieldErrors()
        values = {
            "topic": code(data, "topic", TRAINING_TOPIC, errors, "skills"),
            "title": text(data, "title", 100, errors, required=True),
            "work_kind": "" if not data.get("work_kind") else code(data, "work_kind", WORK_KIND, errors),
            "held_on": day(data, "held_on", errors, required=True),
            "place": text(data, "place", 100, errors),
            "organiser": text(data, "organiser", 100, errors),
            "trainer": text(data, "trainer", 50, errors),
            "capacity": number(data, "capacity", errors, 1, 9999) or 30,
        }
        return cls(values=values, errors=errors)


@dataclass
class WishForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str], kinds: list[str]) -> WishForm:
        errors = FieldErrors()
        if any(kind not in WORK_KIND for kind in kinds):
            errors.add("work_kinds", N_("Choose one of the options."))
        values = {
            "work_kinds": [kind for kind in dict.fromkeys(kinds) if kind in WORK_KIND],
            "expected_wage": number(data, "expected_wage", errors, 0, 100000),
            "leave_county": flag(data, "leave_county"),
            "note": text(data, "note", 200, errors),
        }
        return cls(values=values, errors=errors)


@dataclass
class HireForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> HireForm:
        errors = FieldErrors()
        values = {
            "start_date": day(data, "start_date", errors, required=True),
            "monthly_wage": money(data, "monthly_wage", errors, required=True),
            "has_contract": data.get("has_contract") == "1",
            "has_social_insurance": data.get("has_social_insurance") == "1",
        }
        for name in ("has_contract", "has_social_insurance"):
            if data.get(name) not in ("0", "1"):
                errors.add(name, N_("Choose yes or no."))
        return cls(values=values, errors=errors)


@dataclass
class CheckForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> CheckForm:
        errors = FieldErrors()
        still = data.get("still_working")
        if still not in ("0", "1"):
            errors.add("still_working", N_("Choose yes or no."))
        wage = money(data, "monthly_wage", errors, required=still == "1")
        values = {"still_working": still == "1", "monthly_wage": wage, "note": text(data, "note", 200, errors)}
        return cls(values=values, errors=errors)


@dataclass
class EmployerForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> EmployerForm:
        errors = FieldErrors()
        values = {
            "name": text(data, "name", 100, errors, required=True),
            "credit_code": text(data, "credit_code", 18, errors).upper(),
            "industry": text(data, "industry", 50, errors),
            "contact_name": text(data, "contact_name", 30, errors, required=True),
            "phone": text(data, "phone", 20, errors),
            "address": text(data, "address", 200, errors),
            "username": text(data, "username", 40, errors, required=True),
            "password": data.get("password", ""),
        }
        if problem := password_problem(values["password"], values["username"]):
            errors.add("password", problem)
        if values["credit_code"] and len(values["credit_code"]) != 18:
            errors.add("credit_code", N_("The unified social credit code has 18 characters."))
        return cls(values=values, errors=errors)
