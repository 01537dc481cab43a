"""Recording a new value of a rule: who may, the rules it must stay in order with, and the audit, in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.queries import record
from server.piccolo_conf import DB
from server.policy.places import Place, chain, owning_place
from server.policy.queries import value_at
from server.policy.registry import ORDERS, Level, Rule
from server.policy.tables import PolicyValue


async def own_chain(user: CurrentUser) -> list[Place]:
    """The places above the user: their township's chain, or the county office's county and above."""
    if user.role is Role.COUNTY:
        return await chain(county_id=user.county_id)
    return await chain(township_id=user.township_id)


def recorder_role(rule: Rule[Any]) -> Role:
    """The township admin records the township's own rules; the county office every rule owned above."""
    return Role.ADMIN if rule.owner is Level.TOWNSHIP else Role.COUNTY


def place_to_record(user: CurrentUser, places: list[Place], rule: Rule[Any]) -> Place | None:
    """Where `user` would record a value of `rule`, or None when they may not."""
    if user.role is not recorder_role(rule):
        return None
    return owning_place(places, rule)


async def order_problem(rule: Rule[Any], place: Place, number: Decimal | None, on: date) -> str | None:
    """The msgid of the first order the new value would break with a rule in force at the same place, else None."""
    if number is None:
        return None
    for order in ORDERS:
        if rule not in (order.lower, order.higher):
            continue
        other = order.higher if rule is order.lower else order.lower
        other_value = await value_at(other, place, on)
        if other_value is None:
            continue
        low, high = (number, Decimal(other_value)) if rule is order.lower else (Decimal(other_value), number)
        if low > high or (order.strict and low == high):
            return order.message
    return None


async def record_value(user: CurrentUser, ip: str, rule: Rule[Any], place: Place, values: dict[str, Any]) -> None:
    """A new row (values are never changed) and its audit event, with the value that held before."""
    on: date = values["effective_from"]
    async with DB.transaction():
        before = await value_at(rule, place, on)
        row = PolicyValue(
            rule=rule.key, effective_from=on, value=values["value"], source=values["source"], recorded_by=user.id
        )
        setattr(row, place.column, place.id)
        await PolicyValue.insert(row)
        await record(
            "policy_value_recorded",
            actor=user,
            target_type=place.column,
            target_id=place.id,
            ip=ip,
            detail={
                "rule": rule.key,
                "changes": {rule.key: [_text(before), _text(values["value"])]},
                "effective_from": on.isoformat(),
                "source": values["source"],
            },
        )


def _text(number: Any) -> str | None:
    return None if number is None else str(number)
