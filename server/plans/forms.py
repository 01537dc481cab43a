"""Parsing a plan item: a measure type from the code list, a date in the plan's year, an amount, what and target."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from server.codes import MEASURE_TYPE
from server.i18n import N_

TEXT_LIMIT = 200
AMOUNT_LIMIT = Decimal("10000000")


@dataclass
class ItemForm:
    """The item as typed (to show the form again), parsed, and its errors by field (msgids)."""

    data: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_item(data: dict[str, Any], year: int) -> ItemForm:
    form = ItemForm(data={key: str(value) for key, value in data.items()})
    type_ = str(data.get("type") or "")
    if type_ not in MEASURE_TYPE:
        form.errors["type"] = N_("Choose the type of measure.")
    due_on: date | None = None
    try:
        due_on = date.fromisoformat(str(data.get("due_on") or "").strip())
    except ValueError:
        form.errors["due_on"] = N_("Enter the date by which the measure is planned.")
    if due_on is not None and due_on.year != year:
        form.errors["due_on"] = N_("The date must fall in the plan's year.")
    amount: Decimal | None = None
    amount_text = str(data.get("amount") or "").strip()
    if amount_text:
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            form.errors["amount"] = N_("Enter the amount in yuan, e.g. 2000 or 1500.50.")
        else:
            if not amount.is_finite() or amount < 0 or amount >= AMOUNT_LIMIT:
                form.errors["amount"] = N_("Enter the amount in yuan, e.g. 2000 or 1500.50.")
                amount = None
            else:
                amount = amount.quantize(Decimal("0.01"))
    what, target = (str(data.get(name) or "").strip() for name in ("what", "target"))
    for name, text in (("what", what), ("target", target)):
        if len(text) > TEXT_LIMIT:
            form.errors[name] = N_("At most 200 characters.")
    form.values = {"type": type_, "due_on": due_on, "amount": amount, "what": what, "target": target}
    return form
