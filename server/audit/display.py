"""An audit event as a person reads it: action label, target, and the detail in words, with ID numbers and phones
masked.

Each area says how its events' detail reads (a `TrailFields` beside its code lists: the fields' labels, the code
lists of fields holding a code, what an id names, how a list of records is summed up); this module composes them.
A field no area names is shown as it is stored, so nothing in the trail is hidden.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server import privacy
from server.accounts.roles import TRAIL as ACCOUNTS
from server.audit.actions import ACCOUNTLESS_ACTORS, ACTIONS, EXPORTS, TARGET_LINKS, TARGET_TYPES, actor_name
from server.codes import CodeList, TrailFields
from server.county.submissions import TRAIL as COUNTY
from server.exits.workflow import TRAIL as EXITS
from server.households.history import CODE_LISTS as HOUSEHOLD_CODES
from server.households.history import TRAIL as HOUSEHOLDS
from server.i18n import N_, gettext
from server.identification.workflow import TRAIL as IDENTIFICATION
from server.jobs.codes import TRAIL as JOBS
from server.monitoring.codes import TRAIL as MONITORING
from server.pairing.changes import TRAIL as PAIRING
from server.places.queries import TRAIL as PLACES
from server.plans.changes import TRAIL as PLANS
from server.policy.registry import TRAIL as POLICY
from server.projects.codes import TRAIL as PROJECTS
from server.reports.codes import TRAIL as REPORTS
from server.supervision.codes import TRAIL as SUPERVISION
from server.visits.codes import TRAIL as VISITS

# An 18-character ID number (GB 11643) and a mainland mobile number, wherever they appear in a detail.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

AREAS: tuple[TrailFields, ...] = (
    HOUSEHOLDS,
    MONITORING,
    IDENTIFICATION,
    EXITS,
    COUNTY,
    SUPERVISION,
    REPORTS,
    VISITS,
    PAIRING,
    PLANS,
    PROJECTS,
    JOBS,
    POLICY,
    PLACES,
    ACCOUNTS,
    EXPORTS,
)
BY_ACTION = {action: area for area in AREAS for action in area.actions}
# Fields many areas write (exports, projects, jobs...), named the same wherever they appear.
COMMON_LABELS = {
    "household": N_("Household"),
    "kind": N_("Kind"),
    "year": N_("Year"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "rows": N_("Rows"),
}
# A field's label outside its own area's events (a household's change naming the risk case that made it): every
# area's, the common ones first.
DETAIL_LABELS = {
    **{name: label for area in reversed(AREAS) for name, label in area.labels.items()},
    **COMMON_LABELS,
}
# Fields holding the id of something with a page of its own: the value links to it.
REF_LINKS = {"household": TARGET_LINKS["household"]}
# What a field holding an id names in any area's events (an area's `refs` add to these).
COMMON_REFS = {"household": "household"}
# Targets named on the page (as what a field names): the event's target reads 农户 371326105001-0001 乔春杨.
NAMED_TARGETS = {"household": "household", "village": "village", "township": "township", "user": "user"}
# The names of what the events of a page name by id: {"village": {3: "曹家庄村"}, ...} (server.audit.search.names).
Names = dict[str, dict[int, str]]
# The targets whose events carry the household's own fields (their code lists apply to any action's changes).
HOUSEHOLD_TARGETS = ("household", "member")


def mask_text(text: str) -> str:
    """Every ID number and mobile number in the text masked (371326**********1234, 138****5678)."""
    text = ID_NUMBER.sub(lambda match: privacy.mask_id_number(match.group(0)), text)
    return MOBILE.sub(lambda match: privacy.mask_phone(match.group(0)), text)


def _maskable(text: str) -> bool:
    """Whether mask_text would change the text (it replaces digits of every match with *)."""
    return bool(ID_NUMBER.search(text) or MOBILE.search(text))


def field_label(name: str, action: str = "") -> str:
    """A field of an event's detail as people read it: as the action's area names it, else as any area or the
    common labels name it, else as it is stored."""
    area = BY_ACTION.get(action)
    label = area.labels.get(name) if area else None
    return gettext(label or DETAIL_LABELS.get(name, name))


# What each action's fields name by id, and the order its area lists its fields in, worked out once per action.
REFS = {action: {**COMMON_REFS, **area.refs} for action, area in BY_ACTION.items()}
FIELD_ORDER = {action: {name: place for place, name in enumerate(area.labels)} for action, area in BY_ACTION.items()}


def in_area_order(action: str, fields: dict[str, Any]) -> list[tuple[str, Any]]:
    """An event's fields in the order its action's area lists them (the state before the dates, say); others after
    them, as stored."""
    if len(fields) < 2:
        return list(fields.items())
    order = FIELD_ORDER.get(action, {})
    return sorted(fields.items(), key=lambda item: order.get(item[0], len(order)))


def _refs(action: str) -> dict[str, str]:
    return REFS.get(action, COMMON_REFS)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [item for item in values if type(item) is int]


def named_ids(rows: list[dict[str, Any]]) -> dict[str, set[int]]:
    """The ids the events' details name, by what they name ("village": {1, 2}), to look their names up at once."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row["target_type"] in NAMED_TARGETS and row["target_id"].isdigit():
            wanted.setdefault(NAMED_TARGETS[row["target_type"]], set()).add(int(row["target_id"]))
        refs, detail = _refs(row["action"]), _detail(row)
        changed: dict[str, Any] = detail["changes"] if isinstance(detail.get("changes"), dict) else {}
        fields = [*detail.items(), *((name, pair) for name, pair in changed.items() if isinstance(pair, list))]
        for name, value in fields:
            if name in refs:
                wanted.setdefault(refs[name], set()).update(_ids(value))
    return wanted


def _plain(value: Any, codes: CodeList | None) -> str:
    """A stored value in words: a code by its label, yes or no, a list joined with 、, anything else as stored."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str):
        return codes.label(value) if codes else value
    if isinstance(value, int | float):
        return codes.label(str(value)) if codes and str(value) in codes else str(value)
    if isinstance(value, list) and all(isinstance(item, str | int | float | bool) for item in value):
        return "、".join(_plain(item, codes) for item in value)
    return json.dumps(value, ensure_ascii=False)


def value_in_words(action: str, name: str, value: Any, of_household: bool = True) -> str:
    """A stored value of an event's field in words (not masked), as the action's area reads it: by its code list,
    else, for an event `of_household` (its target a household or member), the household's (its own fields, in any
    area's changes of it)."""
    area = BY_ACTION.get(action)
    codes = (area.codes.get(name) if area else None) or (HOUSEHOLD_CODES.get(name) if of_household else None)
    return _plain(value, codes)


@dataclass(frozen=True)
class Fact:
    """One field of the detail: its label, its value in words, a link to what it names, and for a list of records
    summed up in `value`, one line per record."""

    name: str
    value: str
    link: str = ""
    lines: tuple[str, ...] = ()


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
    facts: list[Fact]
    maskable: bool  # something in the detail was masked: offer the reveal


def _detail(row: dict[str, Any]) -> dict[str, Any]:
    """The event's detail as a new dict (so reading it never changes the row)."""
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail or "{}")
    return dict(detail) if isinstance(detail, dict) else {"detail": detail}


class _Reader:
    """Reads one event's detail fields in words, as its action's area names them."""

    def __init__(self, action: str, target_type: str, reveal: bool, names: Names) -> None:
        self.action = action
        self.area = BY_ACTION.get(action)
        self.refs = _refs(action)
        self.names = names
        self.of_household = target_type in HOUSEHOLD_TARGETS
        self.reveal = reveal

    def in_order(self, fields: dict[str, Any]) -> list[tuple[str, Any]]:
        return in_area_order(self.action, fields)

    def shown(self, text: str) -> str:
        return text if self.reveal else mask_text(text)

    def value(self, name: str, value: Any) -> str:
        if (value is None or value == "" or value == []) and self.area and name in self.area.blanks:
            return gettext(self.area.blanks[name])
        named = self.names.get(self.refs.get(name, ""), {})
        counted = self.area and name in self.area.summaries and not isinstance(value, list)  # a list's number
        if named and _ids(value) and not counted:
            ids = value if isinstance(value, list) else [value]
            return self.shown("、".join(named.get(id_, str(id_)) if type(id_) is int else str(id_) for id_ in ids))
        return self.shown(value_in_words(self.action, name, value, self.of_household))

    def change(self, name: str, pair: Any) -> tuple[str, str, str]:
        label = field_label(name, self.action)
        if isinstance(pair, list) and len(pair) == 2:
            return label, self.value(name, pair[0]), self.value(name, pair[1])
        return label, "", self.value(name, pair)

    def fact(self, name: str, value: Any) -> Fact:
        label = field_label(name, self.action)
        summary = self.area.summaries.get(name) if self.area else None
        if summary is not None and isinstance(value, list | dict):
            text, lines = summary(value)
            if name in self.refs and _ids(value):  # a list of ids: each by its name
                lines = [self.value(name, [id_]) for id_ in _ids(value)]
            return Fact(label, self.shown(text), lines=tuple(self.shown(line) for line in lines))
        link = REF_LINKS[name].format(value) if name in REF_LINKS and type(value) is int else ""
        return Fact(label, self.value(name, value), link)


def shown(row: dict[str, Any], reveal: bool = False, names: Names | None = None) -> ShownEvent:
    """The event as the audit page shows it; `names`: of what its detail names by id (else shown by id)."""
    detail = _detail(row)
    everything = json.dumps(detail, ensure_ascii=False)
    reader = _Reader(row["action"], row["target_type"], reveal, names or {})
    raw_changes = detail.pop("changes", {}) if isinstance(detail.get("changes"), dict) else {}
    target_type, target_id = row["target_type"], row["target_id"]
    target_label = TARGET_TYPES.label(target_type)
    named = (names or {}).get(NAMED_TARGETS.get(target_type, ""), {})
    target_name = named.get(int(target_id), target_id) if target_id.isdigit() else target_id
    link = TARGET_LINKS.get(target_type, "")
    return ShownEvent(
        id=row["id"],
        at=row["at"],
        action_code=row["action"],
        action=ACTIONS.label(row["action"]),
        who=actor_name(row["actor_name"], row["actor_label"]),
        # no username where nobody logged in (a door card's report): its label is the actor's name already
        username=row["actor_username"] or ("" if row["actor_label"] in ACCOUNTLESS_ACTORS else row["actor_label"]),
        target_type=target_label,
        target=f"{target_label} {target_name}".strip() if target_type or target_id else "",
        target_link=link.format(target_id) if link and target_id.isdigit() else "",
        ip=row["ip"],
        changes=[reader.change(name, pair) for name, pair in reader.in_order(raw_changes)],
        facts=[reader.fact(name, value) for name, value in reader.in_order(detail)],
        maskable=_maskable(everything),
    )
