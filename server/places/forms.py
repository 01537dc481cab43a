"""Parsing and validating the admin's forms for villages and groups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from server import codes
from server.households.forms import FieldErrors, parse_float, parse_int
from server.i18n import N_, too_long
from server.places.division_codes import code_problem


@dataclass
class ParsedForm:
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: FieldErrors = field(default_factory=FieldErrors)


def _text(data: Mapping[str, str], name: str) -> str:
    return (data.get(name) or "").strip()


def _required_int(form: ParsedForm, name: str, low: int, high: int, required: bool = True) -> int | None:
    raw = _text(form.data, name)
    if not raw:
        if required:
            form.errors.add(name, N_("Enter a number."))
        return None
    return parse_int(raw, low, high, form.errors, name)


def _name(form: ParsedForm, limit: int) -> str:
    name = _text(form.data, "name")
    if not name:
        form.errors.add("name", N_("Enter the name."))
    elif len(name) > limit:
        form.errors.add("name", too_long(limit))
    return name


def parse_code(form: ParsedForm, level: str, parent_code: str) -> str:
    """The 12-digit division code of a new place under `parent_code`."""
    code = _text(form.data, "code")
    if not code:
        form.errors.add("code", N_("Enter the 12-digit division code."))
    elif problem := code_problem(code, level, parent_code):
        form.errors.add("code", problem)
    return code


def parse_new_village(data: Mapping[str, str], township_code: str) -> ParsedForm:
    form = parse_village(data)
    form.values["code"] = parse_code(form, "village", township_code)
    return form


def parse_township(data: Mapping[str, str], county_code: str | None) -> ParsedForm:
    """A township's name, and its code when it is new (`county_code` given)."""
    form = ParsedForm(data=dict(data))
    form.values = {"name": _name(form, 50)}
    if county_code is not None:
        form.values["code"] = parse_code(form, "township", county_code)
    return form


def parse_village(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    name = _name(form, 50)
    key_level = _text(data, "key_level")
    if key_level and key_level not in codes.KEY_VILLAGE_LEVEL:
        form.errors.add("key_level", N_("Choose a value from the list."))
    form.values = {
        "name": name,
        "key_level": key_level,
        "is_pilot": data.get("is_pilot") == "1",
        "has_work_team": data.get("has_work_team") == "1",
        "population": _required_int(form, "population", 0, 1_000_000),
        "latitude": parse_float(raw, -90, 90, form.errors, "latitude") if (raw := _text(data, "latitude")) else None,
        "longitude": parse_float(raw, -180, 180, form.errors, "longitude")
        if (raw := _text(data, "longitude"))
        else None,
    }
    return form


def parse_group_name(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    form.values = {"name": _name(form, 30)}
    return form
