"""Checking an uploaded roster row by row with the registry's own rules, then importing it all in one transaction."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from server import privacy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.audit.tables import AuditEvent
from server.clock import this_year
from server.codes import FIELD_CODES
from server.households.changes import CODE_TAKEN, NO_SECOND_HEAD
from server.households.excel import (
    BOOLEANS,
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_SHEET,
    MEMBER_COLUMNS,
    MEMBER_SHEET,
    NO,
    UNKNOWN_LABEL,
    YES,
    Sheets,
    label_to_code,
)
from server.households.forms import FieldErrors, HouseholdForm, MemberForm
from server.households.history import changes
from server.households.pinyin import full_pinyin, initials
from server.households.tables import Household, Member
from server.i18n import N_, gettext
from server.observability.logs import request_id
from server.piccolo_conf import DB
from server.places.tables import Village, VillageGroup
from server.scope import village_scope

CHUNK = 500  # rows per INSERT (PostgreSQL allows 32,767 parameters per statement)
SEPARATORS = re.compile(r"[、,，;；\s]+")
HOUSEHOLD_HEADERS = {name: header for header, name in HOUSEHOLD_COLUMNS}
MEMBER_HEADERS = {name: header for header, name in MEMBER_COLUMNS}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    reason: str  # translated


@dataclass
class Plan:
    """What the file would create, and every problem found (nothing is imported while there is one)."""

    households: list[dict[str, Any]] = field(default_factory=list)  # HouseholdForm values + "_places"
    members: list[dict[str, Any]] = field(default_factory=list)  # MemberForm values + "household_code"
    problems: list[Problem] = field(default_factory=list)

    @property
    def problem_kinds(self) -> list[tuple[str, int]]:
        """Each kind of problem and how many times it was found, the most frequent first: a file of a thousand rows
        refused for one reason reads as one line above its thousand."""
        return Counter(problem.reason for problem in self.problems).most_common()


INCOME_FIELDS = ("wage_income", "business_income", "property_income", "transfer_income", "production_cost")


def income_year() -> int:
    """The year an imported household's incomes are recorded for (the roster has no column for it)."""
    return this_year() - 1


def _map_codes(data: dict[str, str], names: list[str], errors: FieldErrors) -> None:
    """Chinese labels → codes in `data`; booleans 是/否 → '1'/''."""
    for name in names:
        text = data.get(name, "")
        if name in BOOLEANS:
            if text not in ("", YES, NO):
                errors.add(name, gettext(UNKNOWN_LABEL, value=text))
            data[name] = "" if text == NO else "1"
        elif name in FIELD_CODES and text:
            code = label_to_code(name)(text)
            if code is None:
                errors.add(name, gettext(UNKNOWN_LABEL, value=text))
            data[name] = code or ""


async def _places(user: CurrentUser) -> dict[str, tuple[int, dict[str, int]]]:
    """Village name → (id, {group name: id}) in the admin's township: two queries."""
    villages = await Village.select(Village.id, Village.name).where(village_scope(user) & Village.closed_on.is_null())
    ids = [village["id"] for village in villages] or [-1]
    groups = await VillageGroup.select(VillageGroup.id, VillageGroup.name, VillageGroup.village).where(
        VillageGroup.village.is_in(ids)
    )
    places: dict[str, tuple[int, dict[str, int]]] = {village["name"]: (village["id"], {}) for village in villages}
    by_id = {village["id"]: village["name"] for village in villages}
    for group in groups:
        places[by_id[group["village"]]][1][group["name"]] = group["id"]
    return places


def _household(
    values: dict[str, str], places: dict[str, tuple[int, dict[str, int]]]
) -> tuple[HouseholdForm, FieldErrors]:
    data, errors = dict(values), FieldErrors()
    _map_codes(data, [name for _, name in HOUSEHOLD_COLUMNS], errors)
    if any(data.get(name) for name in INCOME_FIELDS):  # the roster's incomes are a whole year's: the last one
        data["income_year"] = str(income_year())
    causes = [text for text in SEPARATORS.split(data.get("secondary_causes", "")) if text]
    secondary = [label_to_code("main_cause")(text) or text for text in causes]
    village = places.get(data["village"])
    if village is None:
        errors.add("village", N_("There is no village of this name in your township."))
        data["group"] = ""
    else:
        data["village"] = str(village[0])
        group = village[1].get(data["group"]) if data["group"] else None
        if data["group"] and group is None:
            errors.add("group", N_("This village has no group of this name."))
        data["group"] = str(group or "")
    form = HouseholdForm.parse(data, secondary)
    for name, msgid in form.errors.items():
        errors.add(name, msgid)
    form.values["_places"] = {"village": values["village"], "group": values["group"] or None}
    return form, errors


def _add(plan: Plan, sheet: str, row: int, headers: dict[str, str], errors: dict[str, str]) -> None:
    for name, reason in errors.items():
        column = headers.get(name.removeprefix("head_"), headers.get("code", ""))
        plan.problems.append(Problem(sheet, row, column, gettext(reason)))


async def check_roster(user: CurrentUser, sheets: Sheets) -> Plan:
    """Every row against the registry's rules and the database; a constant number of queries."""
    plan, places = Plan(), await _places(user)
    rows_of_code: dict[str, int] = {}
    for row, values in sheets.households:
        form, errors = _household(values, places)
        code = form.values.get("code")
        if code and code in rows_of_code:
            errors.add("code", gettext("The same household number as row %(row)s.", row=rows_of_code[code]))
        elif code:
            rows_of_code[code] = row
        _add(plan, HOUSEHOLD_SHEET, row, HOUSEHOLD_HEADERS, errors)
        plan.households.append({**form.values, "_row": row})
    taken = await Household.select(Household.code).where(Household.code.is_in(list(rows_of_code) or [""]))
    for existing in taken:
        plan.problems.append(Problem(HOUSEHOLD_SHEET, rows_of_code[existing["code"]], "户编号", gettext(CODE_TAKEN)))
    await _check_members(plan, sheets, rows_of_code)
    plan.problems.sort(key=lambda problem: (problem.sheet != HOUSEHOLD_SHEET, problem.row))
    return plan


async def _check_members(plan: Plan, sheets: Sheets, rows_of_code: dict[str, int]) -> None:
    rows_of_id: dict[str, int] = {}
    heads: dict[str, int] = {}
    for row, values in sheets.members:
        data, errors = dict(values), FieldErrors()
        _map_codes(data, [name for _, name in MEMBER_COLUMNS], errors)
        form = MemberForm.parse(data)
        for name, msgid in form.errors.items():
            errors.add(name, msgid)
        code, number = values["household_code"], form.values["id_number"]
        if code not in rows_of_code:
            errors.add("household_code", N_("This household number is not in the households sheet."))
        if "id_number" not in errors and number in rows_of_id:
            errors.add("id_number", gettext("The same ID number as row %(row)s.", row=rows_of_id[number]))
        rows_of_id.setdefault(number, row)
        if form.values["relation"] == "head":
            if code in heads:
                errors.add("relation", NO_SECOND_HEAD)
            heads.setdefault(code, row)
        _add(plan, MEMBER_SHEET, row, MEMBER_HEADERS, errors)
        plan.members.append({**form.values, "household_code": code})
    for code, row in rows_of_code.items():
        if code not in heads:
            plan.problems.append(Problem(HOUSEHOLD_SHEET, row, "户编号", gettext(N_("This household has no head."))))
    await _registered_ids(plan, rows_of_id)


async def _registered_ids(plan: Plan, rows_of_id: dict[str, int]) -> None:
    """ID numbers already in the database (one query), named by household with the head masked."""
    rows = await Member.raw(
        "SELECT m.id_number, h.code, head.name AS head FROM member m JOIN household h ON h.id = m.household"
        " LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'"
        " WHERE m.id_number = ANY({})",
        list(rows_of_id),
    )
    for found in rows:
        reason = gettext(
            "This ID number is already registered in household %(code)s (head: %(head)s).",
            code=found["code"],
            head=privacy.mask_name(found["head"] or ""),
        )
        plan.problems.append(Problem(MEMBER_SHEET, rows_of_id[found["id_number"]], "身份证号", reason))


async def import_roster(user: CurrentUser, ip: str, plan: Plan) -> None:
    """Households, members and their history, all in one transaction (only for a plan without problems)."""
    assert not plan.problems
    fields = [{k: v for k, v in household.items() if not k.startswith("_")} for household in plan.households]
    async with DB.transaction():
        for start in range(0, len(fields), CHUNK):
            await Household.insert(*[Household(**values) for values in fields[start : start + CHUNK]])
        ids = {
            row["code"]: row["id"]
            for row in await Household.select(Household.id, Household.code).where(
                Household.code.is_in([values["code"] for values in fields] or [""])
            )
        }
        members = [
            Member(
                **{k: v for k, v in m.items() if k != "household_code"},
                household=ids[m["household_code"]],
                initials=initials(m["name"]),
                pinyin=full_pinyin(m["name"]),
            )
            for m in plan.members
        ]
        for start in range(0, len(members), CHUNK):
            await Member.insert(*members[start : start + CHUNK])
        events = [
            _created(user, ip, ids[values["code"]], household)
            for values, household in zip(fields, plan.households, strict=True)
        ]
        for start in range(0, len(events), CHUNK):
            await AuditEvent.insert(*events[start : start + CHUNK])
        detail = {"households": len(fields), "members": len(members)}
        await record("households_imported", actor=user, target_type="households", ip=ip, detail=detail)


def _created(user: CurrentUser, ip: str, household_id: int, household: dict[str, Any]) -> AuditEvent:
    values = {k: v for k, v in household.items() if not k.startswith("_")} | household["_places"]
    return AuditEvent(
        actor=user.id,
        actor_label=user.username[:80],
        action="household_created",
        target_type="household",
        target_id=str(household_id),
        ip=ip,
        detail={"changes": changes({}, values), "source": "excel"},
        request_id=request_id.get(),
    )
