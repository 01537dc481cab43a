"""An audit event as a person reads it: action label, target, and the detail with ID numbers and phones masked."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import privacy
from server.audit.actions import ACTIONS, TARGET_LINKS, TARGET_TYPES, actor_name
from server.households.history import SHOWN_LABELS
from server.i18n import N_, gettext

# An 18-character ID number (GB 11643) and a mainland mobile number, wherever they appear in a detail.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
DETAIL_LABELS = {
    **SHOWN_LABELS,
    "household": N_("Household"),
    "kind": N_("Kind"),
    "year": N_("Year"),
    "budget": N_("Budget"),
    "progress_percent": N_("Progress percent"),
    "started_on": N_("Start date"),
    "planned_completion_on": N_("Planned completion"),
    "completed_on": N_("Completion date"),
    "accepted_on": N_("Acceptance date"),
    "quantities": N_("Quantities"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "rows": N_("Rows"),
}


def mask_text(text: str) -> str:
    """Every ID number and mobile number in the text masked (371326**********1234, 138****5678)."""
    text = ID_NUMBER.sub(lambda match: privacy.mask_id_number(match.group(0)), text)
    return MOBILE.sub(lambda match: privacy.mask_phone(match.group(0)), text)


def _text(value: Any, reveal: bool) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        text = value
    else:  # an int's JSON is its str (not a bool's: true/false)
        text = str(value) if type(value) is int else json.dumps(value, ensure_ascii=False)
    return text if reveal else mask_text(text)


def _maskable(text: str) -> bool:
    """Whether mask_text would change the text (it replaces digits of every match with *)."""
    return bool(ID_NUMBER.search(text) or MOBILE.search(text))


def field_label(name: str) -> str:
    """A field of an event's detail as people read it (an unknown one as it is stored)."""
    return gettext(DETAIL_LABELS.get(name, name))


@dataclass(frozen=True)
class ShownEvent:
    id: int
    at: datetime
    action_code: str
    action: str  # translated label, or the raw code when unknown
    who: str
    username: str
    target_type: str
    target: str
    target_link: str
    ip: str
    changes: list[tuple[str, str, str]]  # (field, old, new)
    facts: list[tuple[str, str]]  # (what, value)
    maskable: bool  # something in the detail was masked: offer the reveal


def _detail(row: dict[str, Any]) -> dict[str, Any]:
    """The event's detail as a new dict (so reading it never changes the row)."""
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail or "{}")
    return dict(detail) if isinstance(detail, dict) else {"detail": detail}


def shown(row: dict[str, Any], reveal: bool = False) -> ShownEvent:
    detail = _detail(row)
    everything = json.dumps(detail, ensure_ascii=False)
    raw_changes = detail.pop("changes", {}) if isinstance(detail.get("changes"), dict) else {}
    changes = [
        (field_label(name), _text(pair[0], reveal), _text(pair[1], reveal))
        if isinstance(pair, list) and len(pair) == 2
        else (field_label(name), "", _text(pair, reveal))
        for name, pair in raw_changes.items()
    ]
    facts = [(field_label(name), _text(value, reveal)) for name, value in detail.items()]
    target_type, target_id = row["target_type"], row["target_id"]
    target_label = TARGET_TYPES.label(target_type)
    link = TARGET_LINKS.get(target_type, "")
    return ShownEvent(
        id=row["id"],
        at=row["at"],
        action_code=row["action"],
        action=ACTIONS.label(row["action"]),
        who=actor_name(row["actor_name"], row["actor_label"]),
        username=row["actor_username"] or row["actor_label"],
        target_type=target_label,
        target=f"{target_label} {target_id}".strip() if target_type or target_id else "",
        target_link=link.format(target_id) if link and target_id.isdigit() else "",
        ip=row["ip"],
        changes=changes,
        facts=facts,
        maskable=_maskable(everything),
    )
