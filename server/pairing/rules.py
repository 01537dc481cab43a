"""The pairing rules as data: which households need a responsible cadre, and each role's quota."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server import policy
from server.accounts.roles import Role
from server.households.tables import Household
from server.policy.registry import CADRE_QUOTA, LEADER_QUOTA, QUOTA_MAXIMUM, UNVISITED_ALERT_DAYS

PAIRABLE_ROLES = (Role.LEADER.value, Role.CADRE.value)


def eligible_sql(alias: str = "h") -> str:
    """SQL: the household is registered (any poverty status but 'none') or monitored, so it needs a cadre."""
    return f"({alias}.status <> 'none' OR {alias}.monitoring_type IS NOT NULL)"


def covered_sql(alias: str = "h") -> str:
    """SQL: the household has an active responsible cadre (its count of active pairings, kept by triggers on
    `pairing` and carried by the index of the households needing a cadre)."""
    return f"{alias}.active_pairings > 0"


def eligible() -> Any:
    """The same rule as a Piccolo condition on Household."""
    return (Household.status != "none") | Household.monitoring_type.is_not_null()


@dataclass(frozen=True)
class Quotas:
    """A township's pairing quotas (policy values): at least `leader`/`cadre` households, at most `maximum`."""

    leader: int = LEADER_QUOTA.default
    cadre: int = CADRE_QUOTA.default
    maximum: int | None = None
    unvisited_alert_days: int = UNVISITED_ALERT_DAYS.default

    def minimum_for(self, role: str) -> int:
        return self.leader if role == Role.LEADER else self.cadre

    def meets(self, role: str, households: int) -> bool:
        return households >= self.minimum_for(role)

    def is_full(self, households: int) -> bool:
        return self.maximum is not None and households >= self.maximum


QUOTA_RULES = (LEADER_QUOTA, CADRE_QUOTA, QUOTA_MAXIMUM, UNVISITED_ALERT_DAYS)


async def township_quotas(township_id: int | None) -> Quotas:
    held = await policy.values(QUOTA_RULES, [township_id])
    return Quotas(
        held.get(LEADER_QUOTA, township_id),
        held.get(CADRE_QUOTA, township_id),
        held.get(QUOTA_MAXIMUM, township_id),
        held.get(UNVISITED_ALERT_DAYS, township_id),
    )
