"""Parsing and validating the admin's forms for villages, groups, township rules and poverty standards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server import codes
from server.households.forms import FieldErrors, parse_decimal, parse_float, parse_int
from server.i18n import N_, too_long

MONEY_LIMIT = Decimal("10000000000")
# Township rules: (field, lowest, highest, required). Days and counts a township may set; the defaults are the source's.
RULES = (
    ("leader_quota", 1, 50, True),
    ("cadre_quota", 1, 50, True),
    ("quota_maximum", 1, 100, False),
    ("unvisited_alert_days", 1, 365, True),
    ("follow_up_days", 1, 365, True),
    ("monitored_follow_up_days", 1, 365, True),
    ("monitoring_margin_percent", 0, 100, True),
    ("minimum_monthly_wage", 0, 100_000, True),
)


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


def parse_village(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    name = _text(data, "name")
    if not name:
        form.errors.add("name", N_("Enter the name."))
    elif len(name) > 50:
        form.errors.add("name", too_long(50))
    key_level = _text(data, "key_level")
    if key_level and key_level not in codes.KEY_VILLAGE_LEVEL:
        form.errors.add("key_level", N_("Choose a value from the list."))
    form.values = {
        "name": name,
        "key_level": key_level,
        "is_pilot": data.get("is_pilot") == "1",
        "population": _required_int(form, "population", 0, 1_000_000),
        "latitude": parse_float(raw, -90, 90, form.errors, "latitude") if (raw := _text(data, "latitude")) else None,
        "longitude": parse_float(raw, -180, 180, form.errors, "longitude")
        if (raw := _text(data, "longitude"))
        else None,
    }
    return form


def parse_group_name(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    name = _text(data, "name")
    if not name:
        form.errors.add("name", N_("Enter the name."))
    elif len(name) > 30:
        form.errors.add("name", too_long(30))
    form.values = {"name": name}
    return form


def parse_rules(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    for name, low, high, required in RULES:
        form.values[name] = _required_int(form, name, low, high, required)
    values, errors = form.values, form.errors
    quota_max = values["quota_maximum"]
    if quota_max is not None and max(values["leader_quota"] or 0, values["cadre_quota"] or 0) > quota_max:
        errors.add("quota_maximum", N_("The maximum cannot be below the leaders' or cadres' minimum."))
    ordinary, monitored = values["follow_up_days"], values["monitored_follow_up_days"]
    if ordinary and monitored and monitored > ordinary:
        errors.add("monitored_follow_up_days", N_("Monitored households are visited at least as often as others."))
    return form


def parse_standard(data: Mapping[str, str]) -> ParsedForm:
    form = ParsedForm(data=dict(data))
    errors = form.errors
    values: dict[str, Any] = {"year": _required_int(form, "year", 2000, 2100)}
    for name, required in (("poverty_line", True), ("poverty_line_constant", False), ("monitoring_line", False)):
        raw = _text(data, name)
        if not raw:
            if required:
                errors.add(name, N_("Enter a number."))
            values[name] = None
            continue
        values[name] = parse_decimal(raw, MONEY_LIMIT, errors, name)
        if values[name] == 0:
            errors.add(name, N_("This must be more than zero."))
    line, monitoring = values["poverty_line"], values["monitoring_line"]
    if line and monitoring and monitoring < line:
        errors.add("monitoring_line", N_("The monitoring line cannot be below the poverty line."))
    form.values = values
    return form
