"""Parsing and validating the household and member forms; errors are msgids keyed by field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from server import codes
from server.households import id_numbers
from server.households.income import INCOME_PARTS
from server.i18n import N_, too_long

MONEY_FIELDS = (*INCOME_PARTS, "production_cost")
LAND_FIELDS = ("cultivated_mu", "irrigated_mu", "forest_mu", "orchard_mu", "water_surface_mu", "pasture_mu")
MONEY_LIMIT = Decimal("10000000000")  # Numeric(12, 2)
AREA_LIMIT = Decimal("100000000")  # Numeric(10, 2)
DILAPIDATED_GRADES = ("", "C", "D")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")
BANK_ACCOUNT = re.compile(r"^[0-9]{8,30}$")
HOUSEHOLD_TEXT = {"code": 20, "phone": 20, "address": 200, "bank_name": 50, "bank_account": 30}
HOUSEHOLD_CODES: dict[str, tuple[codes.CodeList, bool]] = {  # field: (code list, required)
    "attribute": (codes.HOUSEHOLD_ATTRIBUTE, True),
    "main_cause": (codes.POVERTY_CAUSE, True),
    "status": (codes.POVERTY_STATUS, True),
    "monitoring_type": (codes.MONITORING_TYPE, False),
    "housing_structure": (codes.HOUSING_STRUCTURE, False),
}
MEMBER_CODES: dict[str, tuple[codes.CodeList, bool]] = {
    "relation": (codes.RELATION, True),
    "education": (codes.EDUCATION, False),
    "schooling": (codes.SCHOOLING, True),
    "health": (codes.HEALTH, True),
    "labour_skill": (codes.LABOUR_SKILL, True),
}


class FieldErrors(dict[str, str]):
    """msgids by field name; the first error of a field wins."""

    def add(self, name: str, msgid: str) -> None:
        self.setdefault(name, msgid)


def _text(data: Mapping[str, str], name: str) -> str:
    return (data.get(name) or "").strip()


def _code(data: Mapping[str, str], name: str, code_list: codes.CodeList, required: bool, errors: FieldErrors) -> Any:
    value = _text(data, name)
    if not value:
        if required:
            errors.add(name, N_("Choose a value."))
        return None
    if value not in code_list:
        errors.add(name, N_("Choose a value from the list."))
        return None
    return value


def parse_decimal(raw: str, limit: Decimal, errors: FieldErrors, name: str) -> Decimal | None:
    """A non-negative amount with at most 2 decimals; None (and an error) when it is not one."""
    try:
        value = Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        errors.add(name, N_("Enter a number."))
        return None
    if not value.is_finite():
        errors.add(name, N_("Enter a number."))
    elif value < 0:
        errors.add(name, N_("This cannot be negative."))
    elif value >= limit:
        errors.add(name, N_("This number is too large."))
    elif value != value.quantize(Decimal("0.01")):
        errors.add(name, N_("At most 2 decimals."))
    else:
        return value
    return None


def parse_int(raw: str, low: int, high: int, errors: FieldErrors, name: str) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        errors.add(name, N_("Enter a whole number."))
        return None
    if not low <= value <= high:
        errors.add(name, N_("This number is outside the allowed range."))
        return None
    return value


def parse_float(raw: str, low: float, high: float, errors: FieldErrors, name: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        errors.add(name, N_("Enter a number."))
        return None
    if not low <= value <= high:
        errors.add(name, N_("This number is outside the allowed range."))
        return None
    return value


def _optional(data: Mapping[str, str], name: str, parse: Callable[[str], Any], default: Any = None) -> Any:
    raw = _text(data, name)
    return parse(raw) if raw else default


def _phone(data: Mapping[str, str], errors: FieldErrors, name: str = "phone") -> str:
    phone = _text(data, name)
    if phone and not PHONE.match(phone):
        errors.add(name, N_("Enter a mobile number of 11 digits, or a landline with its area code (0539-4521234)."))
    return phone


@dataclass
class HouseholdForm:
    """What an admin typed for a household; `values` holds the parsed columns (village and group as ids)."""

    data: dict[str, Any] = field(default_factory=dict)  # as typed, to show the form again
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)

    @classmethod
    def parse(cls, data: Mapping[str, str], secondary_causes: list[str]) -> HouseholdForm:
        form = cls(data={**data, "secondary_causes": secondary_causes})
        errors, values = form.errors, form.values
        for name, length in HOUSEHOLD_TEXT.items():
            values[name] = _text(data, name)
            if len(values[name]) > length:
                errors.add(name, too_long(length))
        if not values["code"]:
            errors.add("code", N_("Enter the household number."))
        values["phone"] = _phone(data, errors)
        if values["bank_account"] and not BANK_ACCOUNT.match(values["bank_account"]):
            errors.add("bank_account", N_("A bank account is 8 to 30 digits."))
        for name, (code_list, required) in HOUSEHOLD_CODES.items():
            values[name] = _code(data, name, code_list, required, errors)
        values["housing_structure"] = values["housing_structure"] or ""
        values["secondary_causes"] = cls._secondary(secondary_causes, values["main_cause"], errors)
        values["dilapidated_grade"] = _text(data, "dilapidated_grade").upper()
        if values["dilapidated_grade"] not in DILAPIDATED_GRADES:
            errors.add("dilapidated_grade", N_("Choose a value from the list."))
        values["safe_water"] = data.get("safe_water") == "1"
        cls._numbers(data, values, errors)
        return form

    @staticmethod
    def _secondary(chosen: list[str], main: str | None, errors: FieldErrors) -> list[str]:
        if any(code not in codes.POVERTY_CAUSE for code in chosen):
            errors.add("secondary_causes", N_("Choose a value from the list."))
        return [code for code in codes.POVERTY_CAUSE if code in chosen and code != main]

    @staticmethod
    def _numbers(data: Mapping[str, str], values: dict[str, Any], errors: FieldErrors) -> None:
        def amount(name: str, limit: Decimal, default: Decimal | None) -> Decimal | None:
            raw = _text(data, name)
            return parse_decimal(raw, limit, errors, name) if raw else default

        def whole(name: str, low: int, high: int) -> int | None:
            raw = _text(data, name)
            return parse_int(raw, low, high, errors, name) if raw else None

        def coordinate(name: str, limit: float) -> float | None:
            raw = _text(data, name)
            return parse_float(raw, -limit, limit, errors, name) if raw else None

        for name in MONEY_FIELDS:
            values[name] = amount(name, MONEY_LIMIT, Decimal(0))
        for name in LAND_FIELDS:
            values[name] = amount(name, AREA_LIMIT, Decimal(0))
        values["housing_area"] = amount("housing_area", AREA_LIMIT, None)
        values["identified_year"] = whole("identified_year", 1990, 2100)
        values["income_year"] = whole("income_year", 1990, 2100)
        values["latitude"] = coordinate("latitude", 90)
        values["longitude"] = coordinate("longitude", 180)
        values["village"] = whole("village", 1, 2**31 - 1)
        if values["village"] is None:
            errors.add("village", N_("Choose a village."))
        values["group"] = whole("group", 1, 2**31 - 1)
        if (values["irrigated_mu"] or 0) > (values["cultivated_mu"] or 0):
            errors.add("irrigated_mu", N_("Irrigated land cannot exceed cultivated land."))


@dataclass
class MemberForm:
    """What an admin typed for a member. Sex and birth date are never typed: they come from the ID number."""

    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)
    former_head_relation: str = ""  # what the current head becomes when this member is made head

    @classmethod
    def parse(cls, data: Mapping[str, str], prefix: str = "", relation: str | None = None) -> MemberForm:
        """`prefix` names the fields (e.g. 'head_' inside the new-household form); `relation` fixes the relation."""
        form = cls(data=dict(data))
        errors, values = FieldErrors(), form.values
        fields = {name: data.get(prefix + name, "") for name in _MEMBER_FIELDS}
        if relation:
            fields["relation"] = relation
        values["name"] = _text(fields, "name")
        if not values["name"]:
            errors.add("name", N_("Enter the name."))
        elif len(values["name"]) > 30:
            errors.add("name", too_long(30))
        values["id_number"] = id_numbers.normalise(fields["id_number"])
        if problem := id_numbers.validate(values["id_number"]):
            errors.add("id_number", problem)
        for name, (code_list, required) in MEMBER_CODES.items():
            values[name] = _code(fields, name, code_list, required, errors) or ""
        values["ethnicity"] = _text(fields, "ethnicity") or "汉族"
        if len(values["ethnicity"]) > 10:
            errors.add("ethnicity", too_long(10))
        values["months_away"] = _optional(
            fields, "months_away", lambda raw: parse_int(raw, 0, 12, errors, "months_away"), 0
        )
        values["medical_insurance"] = fields["medical_insurance"] == "1"
        values["pension_insurance"] = fields["pension_insurance"] == "1"
        values["phone"] = _phone(fields, errors)
        former = _text(fields, "former_head_relation")
        if former and (former not in codes.RELATION or former == "head"):
            errors.add("former_head_relation", N_("Choose a value from the list."))
        form.former_head_relation = former
        form.errors = FieldErrors({prefix + name: msgid for name, msgid in errors.items()})
        return form


_MEMBER_FIELDS = (
    "name",
    "id_number",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour_skill",
    "months_away",
    "medical_insurance",
    "pension_insurance",
    "phone",
    "former_head_relation",
)
