"""What the rules pages show: every rule in force at a place, grouped; one rule's history; the lines by year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.clock import today
from server.places.tables import Township
from server.policy import queries
from server.policy.forms import ValueForm
from server.policy.places import Place, owning_place
from server.policy.recording import own_chain, place_to_record
from server.policy.registry import AREAS, RULES, Level, Rule, number_text

LINE_RULES = tuple(rule for rule in RULES if rule.yearly)
YEARS_SHOWN = 5  # the lines of this year, the next one when recorded, and the years before


@dataclass(frozen=True)
class Area:
    title: str  # msgid
    rules: list[queries.InForce]


async def township_in_scope(user: CurrentUser, township_id: int) -> Place | None:
    """A township the user may read the rules of: their own, or one of the county office's townships."""
    if user.role is Role.COUNTY:
        condition = Township.county == (user.county_id or -1)
    else:
        condition = Township.id == (user.township_id or -1)
    row = await Township.select(Township.id, Township.name).where((Township.id == township_id) & condition).first()
    return Place(Level.TOWNSHIP, row["id"], row["name"]) if row else None


async def rules_page(user: CurrentUser, place: Place) -> dict[str, Any]:
    """Every rule as it holds at `place` today (a county: the rules owned by the county and above), by area; the
    rules the user records here are marked editable (only at their own place)."""
    shown = [r for r in RULES if not r.yearly and (place.level is Level.TOWNSHIP or r.owner > Level.TOWNSHIP)]
    held = await queries.in_force(shown, place)
    own = await own_chain(user)
    is_own = bool(own) and own[0] == place
    townships: list[dict[str, Any]] = []
    if user.role is Role.COUNTY and place.level is Level.COUNTY:
        townships = (
            await Township.select(Township.id, Township.name).where(Township.county == place.id).order_by(Township.code)
        )
    return {
        "place": place,
        "areas": [Area(t, items) for t in AREAS if (items := [i for i in held if i.rule.area == t])],
        "lines": await lines_by_year(place),
        "line_rules": LINE_RULES,
        "editable": {r.key for r in RULES if is_own and place_to_record(user, own, r) is not None},
        "townships": townships,
        "number_text": number_text,
    }


async def lines_by_year(place: Place) -> list[tuple[int, dict[str, queries.InForce]]]:
    """The poverty and monitoring lines of recent years at `place`, for each year that has one: one query."""
    this_year = today().year
    days = [date(year, 12, 31) for year in range(this_year + 1, this_year - YEARS_SHOWN, -1)]
    held = await queries.in_force_on_days(LINE_RULES, place, days)
    return [
        (day.year, {item.rule.key: item for item in items})
        for day, items in held.items()
        if any(not item.is_default for item in items)
    ]


async def rule_page(user: CurrentUser, rule: Rule[Any], form: ValueForm | None = None) -> dict[str, Any]:
    """One rule: as it holds at the user's place, its history where it is recorded, and the form when the user
    records it; for the county office, a township's own rule as each of its townships holds it."""
    own = await own_chain(user)
    target = place_to_record(user, own, rule)
    recorded_at = target or owning_place(own, rule)
    by_township: list[tuple[dict[str, Any], Any]] = []
    if recorded_at is None and user.role is Role.COUNTY:
        rows = await Township.select(Township.id, Township.name).where(Township.county == (user.county_id or -1))
        held = await queries.values([rule], [row["id"] for row in rows])
        by_township = [(row, held.get(rule, row["id"])) for row in sorted(rows, key=lambda row: row["name"])]
    now = today()
    return {
        "rule": rule,
        "held": (await queries.in_force([rule], own[0]))[0] if own else None,
        "history": await queries.history(rule, recorded_at) if recorded_at else [],
        "recorded_at": recorded_at,
        "target": target,
        "by_township": by_township,
        "form": form or ValueForm(data={"effective_from": now.isoformat(), "year": str(now.year)}),
        "number_text": number_text,
    }
