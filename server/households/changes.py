"""Changing households and members: checked against the database, written with their history, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from server import privacy
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.households.forms import FieldErrors, HouseholdForm, MemberForm
from server.households.history import changes, record_change
from server.households.pinyin import search_keys
from server.households.tables import Household, Member
from server.i18n import N_, gettext
from server.piccolo_conf import DB
from server.places.tables import Village, VillageGroup
from server.scope import village_scope

CODE_TAKEN = N_("This household number is already used.")
NO_SECOND_HEAD = N_("A household has exactly one head: make another member the head instead.")


async def _place_names(
    user: CurrentUser, values: dict[str, Any], errors: FieldErrors, current_village: int | None = None
) -> dict[str, Any]:
    """Village and group by name for the history; errors when they are not the admin's or do not match. A closed
    village takes no new household (one already there may stay)."""
    open_or_current = Village.closed_on.is_null() | (Village.id == (current_village or -1))
    village = (
        await Village.select(Village.name)
        .where((Village.id == values["village"]) & village_scope(user) & open_or_current)
        .first()
    )
    if village is None:
        errors.add("village", N_("Choose a village."))
        return {}
    names = {"village": village["name"], "group": None}
    if values["group"]:
        group = (
            await VillageGroup.select(VillageGroup.name)
            .where((VillageGroup.id == values["group"]) & (VillageGroup.village == values["village"]))
            .first()
        )
        if group is None:
            errors.add("group", N_("Choose a group of this village."))
        else:
            names["group"] = group["name"]
    return names


async def _code_taken(code: str, household_id: int | None) -> bool:
    return await Household.exists().where((Household.code == code) & (Household.id != (household_id or -1)))


async def duplicate_id_error(id_number: str, member_id: int | None) -> str | None:
    """The message naming (masked) the household that already has this ID number, translated; None if free."""
    rows = await Member.raw(
        "SELECT h.code, head.name AS head FROM member m JOIN household h ON h.id = m.household"
        " LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'"
        " WHERE m.id_number = {} AND m.id <> {}",
        id_number,
        member_id or -1,
    )
    if not rows:
        return None
    return gettext(
        "This ID number is already registered in household %(code)s (head: %(head)s).",
        code=rows[0]["code"],
        head=privacy.mask_name(rows[0]["head"]),
    )


async def _head_of(household_id: int) -> dict[str, Any] | None:
    return (
        await Member.select(Member.id, Member.name)
        .where((Member.household == household_id) & (Member.relation == "head"))
        .first()
    )


def _history_values(values: dict[str, Any], places: dict[str, Any]) -> dict[str, Any]:
    return {**values, **places}


async def create_household(user: CurrentUser, ip: str, form: HouseholdForm, head: MemberForm) -> int | FieldErrors:
    """A new household with its head; the new id, or the errors (nothing written)."""
    errors = FieldErrors({**form.errors, **head.errors})
    places = await _place_names(user, form.values, errors) if form.values.get("village") else {}
    if "code" not in errors and await _code_taken(form.values["code"], None):
        errors.add("code", CODE_TAKEN)
    if "head_id_number" not in errors and (taken := await duplicate_id_error(head.values["id_number"], None)):
        errors.add("head_id_number", taken)
    if errors:
        return errors
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            [row] = await Household.insert(Household(**form.values))
            household_id = int(row["id"])
            member = {**head.values, "household": household_id, **search_keys(head.values["name"])}
            await Member.insert(Member(**member))
            await record_change(
                "household_created", user, ip, household_id, changes({}, _history_values(form.values, places))
            )
            await record_change("member_added", user, ip, household_id, changes({}, head.values), head.values["name"])
        except asyncpg.UniqueViolationError as error:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            return await _conflict(error, head.values["id_number"], None, prefix="head_")
    return household_id


async def update_household(user: CurrentUser, ip: str, household: dict[str, Any], form: HouseholdForm) -> FieldErrors:
    """Save the edited household; the errors (empty when saved)."""
    errors = FieldErrors(form.errors)
    places = await _place_names(user, form.values, errors, household["village"]) if form.values.get("village") else {}
    if "code" not in errors and await _code_taken(form.values["code"], household["id"]):
        errors.add("code", CODE_TAKEN)
    if errors:
        return errors
    # The poverty status follows from recorded events (server/exits, server/monitoring), never from this form.
    values = {name: value for name, value in form.values.items() if name != "status"}
    old = {**household, "village": household["village_name"], "group": household["group_name"]}
    diff = changes(old, _history_values(values, places))
    if not diff:
        return errors
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            await Household.update(
                {
                    **{getattr(Household, name): value for name, value in values.items()},
                    Household.updated_at: datetime.now(UTC),
                }
            ).where(Household.id == household["id"])
            await record_change("household_changed", user, ip, household["id"], diff)
        except asyncpg.UniqueViolationError as error:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            return await _conflict(error, "", None)
    return errors


async def _conflict(
    error: asyncpg.UniqueViolationError, id_number: str, member_id: int | None, prefix: str = ""
) -> FieldErrors:
    """A unique rule broken by someone saving at the same moment: the same message the checks give."""
    constraint = getattr(error, "constraint_name", "") or ""
    errors = FieldErrors()
    if constraint == "household_code_key":
        errors.add("code", CODE_TAKEN)
    elif constraint == "member_one_head_per_household":
        errors.add(prefix + "relation", NO_SECOND_HEAD)
    elif "id_number" in constraint:
        errors.add(prefix + "id_number", await duplicate_id_error(id_number, member_id) or CODE_TAKEN)
    else:
        raise error
    return errors


async def _check_member(household_id: int, member: dict[str, Any] | None, form: MemberForm) -> FieldErrors:
    errors = FieldErrors(form.errors)
    member_id = member["id"] if member else None
    if "id_number" not in errors and (taken := await duplicate_id_error(form.values["id_number"], member_id)):
        errors.add("id_number", taken)
    head = await _head_of(household_id)
    is_head = member is not None and member["relation"] == "head"
    if is_head and form.values["relation"] != "head":
        errors.add("relation", NO_SECOND_HEAD)
    elif not is_head and form.values["relation"] == "head" and head and not form.former_head_relation:
        errors.add(
            "relation",
            gettext(
                "This household already has a head: %(name)s. Choose what %(name)s becomes, or another relation.",
                name=head["name"],
            ),
        )
    return errors


async def save_member(
    user: CurrentUser, ip: str, household_id: int, member: dict[str, Any] | None, form: MemberForm
) -> FieldErrors:
    """Add (member None) or change a member; the errors (empty when saved)."""
    errors = await _check_member(household_id, member, form)
    if errors:
        return errors
    values = {**form.values, **search_keys(form.values["name"])}
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            if form.values["relation"] == "head" and (member is None or member["relation"] != "head"):
                await _demote_head(user, ip, household_id, form.former_head_relation)
            if member is None:
                await Member.insert(Member(**values, household=household_id))
                diff, action = changes({}, form.values), "member_added"
            else:
                diff, action = changes(member, form.values), "member_changed"
                await Member.update({getattr(Member, name): value for name, value in values.items()}).where(
                    Member.id == member["id"]
                )
            if diff:
                await record_change(action, user, ip, household_id, diff, form.values["name"])
        except asyncpg.UniqueViolationError as error:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            return await _conflict(error, form.values["id_number"], member["id"] if member else None)
    return errors


async def _demote_head(user: CurrentUser, ip: str, household_id: int, relation: str) -> None:
    head = await _head_of(household_id)
    if head and relation:
        await Member.update({Member.relation: relation}).where(Member.id == head["id"])
        await record_change("member_changed", user, ip, household_id, {"relation": ["head", relation]}, head["name"])


async def remove_member(user: CurrentUser, ip: str, member: dict[str, Any]) -> str | None:
    """Remove a member who is not the head; a msgid saying why not, or None when removed."""
    if member["relation"] == "head":
        return N_("The head cannot be removed: make another member the head first.")
    async with DB.transaction():
        await Member.delete().where(Member.id == member["id"])
        diff = {name: [pair[1], None] for name, pair in changes({}, _member_fields(member)).items()}
        await record_change("member_removed", user, ip, member["household"], diff, member["name"])
    return None


def _member_fields(member: dict[str, Any]) -> dict[str, Any]:
    return {name: member[name] for name in ("name", "id_number", "relation")}


async def reveal(user: CurrentUser, ip: str, action: str, target_type: str, target_id: int, household_id: int) -> None:
    """Showing a full ID number or bank account is itself recorded."""
    await record(
        action,
        actor=user,
        target_type=target_type,
        target_id=target_id,
        ip=ip,
        detail={"household": household_id},
    )
