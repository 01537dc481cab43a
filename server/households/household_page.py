"""What the household page shows, decided per viewer here (never in the template): masks, phones, bank account."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from server import privacy
from server.accounts.sessions import CurrentUser
from server.audit.actions import ACTIONS, actor_name
from server.audit.display import field_label, in_area_order, value_in_words
from server.clock import TIMEZONE
from server.clock import today as local_today
from server.households import id_numbers, queries
from server.households.history import MASKED_IN_TRAIL, PHONE_FIELDS
from server.households.income import net_income, per_capita_net_income

PRIVATE_HOUSEHOLD_FIELDS = ("bank_name", "bank_account", "phone")


def income_view(household: dict[str, Any], members: int) -> dict[str, Any]:
    """Per-capita net income against the poverty and monitoring lines of the household's income year."""
    per_capita = per_capita_net_income(household, members)
    poverty_line, monitoring_line = household["poverty_line"], household["monitoring_line"]
    margin = Decimal(household["monitoring_margin_percent"] or 0) / 100
    view: dict[str, Any] = {
        "net": net_income(household),
        "per_capita": per_capita,
        "year": household["income_year"],
        "standard_year": household["standard_year"],
        "poverty_line": poverty_line,
        "monitoring_line": monitoring_line,
        "level": "unknown",
    }
    if per_capita is not None and monitoring_line:
        view["bar_width"] = max(0, min(100, round(per_capita / monitoring_line * 100)))
        view["poverty_mark"] = min(100, round((poverty_line or 0) / monitoring_line * 100))
    if per_capita is not None and poverty_line is not None:
        if per_capita < poverty_line:
            view["level"] = "below_poverty"
        elif monitoring_line is not None and per_capita < monitoring_line:
            view["level"] = "below_monitoring"
        elif monitoring_line is not None and per_capita < monitoring_line * (1 + margin):
            view["level"] = "near_monitoring"
        else:
            view["level"] = "above"
    return view


def member_view(member: dict[str, Any], today: date, show_phone: bool) -> dict[str, Any]:
    """A member as shown: ID number masked, sex and age derived from it, phone masked unless the viewer may call."""
    number = member["id_number"]
    valid = id_numbers.validate(number) is None
    return {
        **{key: value for key, value in member.items() if key not in ("id_number", "phone")},
        "id_masked": privacy.mask_id_number(number),
        "sex": id_numbers.sex(number) if valid else "",
        "age": id_numbers.age(number, today) if valid else None,
        "phone": member["phone"] if show_phone else privacy.mask_phone(member["phone"]),
    }


def household_view(household: dict[str, Any], user: CurrentUser, show_phone: bool) -> dict[str, Any]:
    view = {key: value for key, value in household.items() if key not in PRIVATE_HOUSEHOLD_FIELDS}
    view["phone"] = household["phone"] if show_phone else privacy.mask_phone(household["phone"])
    if user.is_admin:  # the bank account is for admins only, and masked until revealed (audited)
        view["bank_name"] = household["bank_name"]
        view["bank_masked"] = privacy.mask_bank_account(household["bank_account"])
    return view


async def household_page(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    """Everything the page needs, in one statement; None when the household is out of scope."""
    household = await queries.household_in_scope(user, household_id, for_page=True)
    if household is None:
        return None
    members, cadres, history = household.pop("members"), household.pop("cadres"), household.pop("history")
    latest_visit, next_follow_up = visits_of(household)
    show_phone = user.is_admin or any(cadre["cadre_id"] == user.id for cadre in cadres)
    today = datetime.now(TIMEZONE).date()
    shown = [member_view(member, today, show_phone) for member in members]
    return {
        "household": household_view(household, user, show_phone),
        "members": shown,
        "head": next((member for member in shown if member["relation"] == "head"), None),
        "cadres": cadres,
        "income": income_view(household, len(members)),
        "history": history_of(history, show_phone),
        "can_edit": user.is_admin,
        "latest_visit": latest_visit,
        "next_follow_up": next_follow_up,
    }


def visits_of(household: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The last visit (time, cadre) and the next follow-up (due date, overdue) read with the household's columns."""
    visited_at, cadre_name = household.pop("last_visited_at"), household.pop("last_visit_cadre_name")
    due_on = household.pop("next_follow_up_due_on")
    latest = {"visited_at": visited_at, "cadre_name": cadre_name} if visited_at else None
    upcoming = {"due_on": due_on, "overdue": due_on < local_today()} if due_on else None
    return latest, upcoming


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str  # translated
    member: str
    changes: list[tuple[str, str, str]]  # (field label, old, new), translated and masked


def history_of(rows: list[dict[str, Any]], show_phones: bool) -> list[HistoryEntry]:
    """The latest changes of a household and its members, newest first, ready to show: from the rows (at, action,
    detail, actor_name, actor_label) of its latest audit events (read with the household:
    `queries.household_in_scope`). Each change reads as the audit page reads it (its area's labels, codes and
    order: a step of identification as the identification names its fields); phones are masked unless the viewer
    may call, ID numbers and bank accounts always."""
    entries = []
    for row in rows:
        action = row["action"]
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"] or {}
        changes = [
            (
                field_label(name, action),
                _in_words(action, name, old, show_phones),
                _in_words(action, name, new, show_phones),
            )
            for name, (old, new) in in_area_order(action, detail.get("changes", {}))
        ]
        entries.append(
            HistoryEntry(
                at=row["at"],
                who=actor_name(row["actor_name"], row["actor_label"]),
                action=ACTIONS.label(action),
                member=str(detail.get("member", "")),
                changes=changes,
            )
        )
    return entries


def _in_words(action: str, name: str, value: Any, show_phones: bool) -> str:
    if value in (None, "", []):
        return "—"
    if name in PHONE_FIELDS and not show_phones:
        return privacy.mask_phone(str(value))
    if name in MASKED_IN_TRAIL:
        return MASKED_IN_TRAIL[name](str(value))  # masked again: old entries or hand-made ones
    return value_in_words(action, name, value)
