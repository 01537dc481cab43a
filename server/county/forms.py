"""The county's decision on a list and its announcement: parsed and checked, errors keyed by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.county.submissions import ItemDecision
from server.i18n import N_
from server.identification.forms import Fields


@dataclass
class DecisionForm:
    """`decision_<item>` is approve or return; `reason_<item>` says why a household is sent back."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    decisions: dict[int, ItemDecision] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any, item_ids: list[int], today: date, needs_document: bool = True) -> DecisionForm:
        f = Fields(data)
        values: dict[str, Any] = {"on": f.day("on"), "document": f.text("document", length=60)}
        if values["on"] and values["on"] > today:
            f.errors["on"] = N_("The date cannot be in the future.")
        decisions: dict[int, ItemDecision] = {}
        for item in item_ids:
            choice = str(data.get(f"decision_{item}", "") or "")
            reason = f.text(f"reason_{item}", length=500)
            values[f"decision_{item}"], values[f"reason_{item}"] = choice, reason
            if choice not in ("approve", "return"):
                f.errors[f"decision_{item}"] = N_("Approve this household or send it back.")
            elif choice == "return" and not reason:
                f.errors[f"reason_{item}"] = N_("Say why this household is sent back.")
            else:
                approved = choice == "approve"
                decisions[item] = ItemDecision(approved=approved, reason="" if approved else reason)
        if needs_document and any(d.approved for d in decisions.values()) and not values["document"]:
            f.errors["document"] = N_("Give the document number of the approval.")
        return cls(values=values, errors=f.errors, decisions=decisions)


@dataclass
class AnnouncementForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Any) -> AnnouncementForm:
        f = Fields(data)
        values = {"starts_on": f.day("starts_on"), "ends_on": f.day("ends_on")}
        if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
            f.errors["ends_on"] = N_("The announcement cannot end before it starts.")
        return cls(values=values, errors=f.errors)
