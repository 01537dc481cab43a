"""Parsing a new value of a rule: the number within the rule's limits, the day (or year) it takes effect, the source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server.i18n import N_, gettext, too_long
from server.policy.registry import Rule

SOURCE_LENGTH = 200
FIRST_YEAR = 2000


@dataclass
class ValueForm:
    data: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # msgids (or translated text) by field


def parse_value(rule: Rule[Any], data: Mapping[str, str], today: date) -> ValueForm:
    """A value takes effect today or later, so what was computed before keeps what held then; a yearly value (a
    line) is the year's, from its first day, for any year up to the next one."""
    form = ValueForm(data={key: str(value) for key, value in data.items()})
    form.values["value"] = _number(rule, form)
    form.values["effective_from"] = _year(form, today) if rule.yearly else _day(form, today)
    source = form.data.get("source", "").strip()
    if not source:
        form.errors["source"] = N_("Say where this number comes from: a document, a meeting, a notice.")
    elif len(source) > SOURCE_LENGTH:
        form.errors["source"] = too_long(SOURCE_LENGTH)
    form.values["source"] = source
    return form


def _number(rule: Rule[Any], form: ValueForm) -> Decimal | None:
    raw = form.data.get("value", "").strip().replace(",", "").replace("，", "")
    if not raw:
        if not rule.optional:
            form.errors["value"] = N_("Enter a number.")
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        form.errors["value"] = N_("Enter a number.")
        return None
    if not number.is_finite() or number.as_tuple().exponent < -rule.decimals:  # type: ignore[operator]
        form.errors["value"] = N_("Enter a whole number.") if rule.decimals == 0 else N_("Too many decimals.")
    elif not rule.low <= number <= rule.high:
        form.errors["value"] = gettext("Enter a number from %(low)s to %(high)s.", low=rule.low, high=rule.high)
    return number


def _day(form: ValueForm, today: date) -> date | None:
    raw = form.data.get("effective_from", "").strip()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        form.errors["effective_from"] = N_("Enter a date like 2026-05-20.")
        return None
    if day < today:
        form.errors["effective_from"] = N_(
            "A change takes effect today or later: what was computed before keeps the numbers that held then."
        )
    return day


def _year(form: ValueForm, today: date) -> date | None:
    raw = form.data.get("year", "").strip()
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= today.year + 1:
        form.errors["year"] = N_("Enter a year like 2026.")
        return None
    return date(int(raw), 1, 1)
