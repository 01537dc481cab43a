"""Writing help plans: an item added (the year's plan made with its first item), an item removed; each audited."""

from __future__ import annotations

import uuid
from typing import Any

from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.codes import MEASURE_TYPE, TrailFields
from server.households.tables import Household
from server.i18n import N_
from server.piccolo_conf import DB

# Its events in the audit trail (this module) as the audit page reads them: a plan item's fields as its form names
# them.
TRAIL = TrailFields(
    actions=("plan_item_added", "plan_item_removed"),
    labels={
        "year": N_("Year"),
        "item": N_("Plan measure no."),
        "type": N_("Measure"),
        "what": N_("What exactly"),
        "due_on": N_("By when"),
        "amount": N_("Amount (yuan)"),
        "target": N_("Expected result"),
    },
    codes={"type": MEASURE_TYPE},
)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {key: None if value is None else str(value) for key, value in values.items()}


async def add_item(
    user: CurrentUser, household_id: int, year: int, client_id: str, values: dict[str, Any], ip: str = ""
) -> bool:
    """Add an item to the household's plan of `year` (made when missing). False when this form was already sent."""
    async with DB.transaction():
        # One plan per household and year: the unique index decides between two cadres drafting at once.
        await Household.raw(
            "INSERT INTO help_plan (household, year, drafted_by, created_at, updated_at)"
            " VALUES ({}, {}, {}, now(), now()) ON CONFLICT (household, year) DO NOTHING",
            household_id,
            year,
            user.id,
        )
        rows = await Household.raw(
            "INSERT INTO help_plan_item (plan, client_id, type, what, due_on, amount, target, position, created_by,"
            " created_at) SELECT p.id, {}, {}, {}, {}, {}, {}, (SELECT count(*) FROM help_plan_item i"
            " WHERE i.plan = p.id), {}, now() FROM help_plan p WHERE p.household = {} AND p.year = {}"
            " ON CONFLICT (client_id) DO NOTHING RETURNING id, plan",
            uuid.UUID(client_id),
            values["type"],
            values["what"],
            values["due_on"],
            values["amount"],
            values["target"],
            user.id,
            household_id,
            year,
        )
        if not rows:
            return False
        await Household.raw("UPDATE help_plan SET updated_at = now() WHERE id = {}", rows[0]["plan"])
        await record("plan_item_added", actor=user, target_type="household", target_id=household_id, ip=ip,
                     detail={"year": year, "item": rows[0]["id"], **_plain(values)})  # fmt: skip
    return True


async def remove_item(user: CurrentUser, household_id: int, item_id: int, ip: str = "") -> bool:
    """Remove an item of the household's plan; False when there is no such item (already removed)."""
    async with DB.transaction():
        rows = await Household.raw(
            "DELETE FROM help_plan_item i USING help_plan p WHERE i.id = {} AND p.id = i.plan AND p.household = {}"
            " RETURNING i.type, i.due_on, p.year",
            item_id,
            household_id,
        )
        if not rows:
            return False
        await record("plan_item_removed", actor=user, target_type="household", target_id=household_id, ip=ip,
                     detail={"item": item_id, **_plain(dict(rows[0]))})  # fmt: skip
    return True


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
