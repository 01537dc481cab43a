"""The pairing rules as data: which households need a responsible cadre, and each role's quota."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.accounts.roles import Role
from server.households.tables import Household
from server.places.tables import Township

PAIRABLE_ROLES = (Role.LEADER.value, Role.CADRE.value)


def eligible_sql(alias: str = "h") -> str:
    """SQL: the household is registered (any poverty status but 'none') or monitored, so it needs a cadre."""
    return f"({alias}.status <> 'none' OR {alias}.monitoring_type IS NOT NULL)"


def eligible() -> Any:
    """The same rule as a Piccolo condition on Household."""
    return (Household.status != "none") | Household.monitoring_type.is_not_null()


@dataclass(frozen=True)
class Quotas:
    """A township's pairing quotas (Township columns): at least `leader`/`cadre` households, at most `maximum`."""

    leader: int = 3
    cadre: int = 1
    maximum: int | None = None
    unvisited_alert_days: int = 60

    def minimum_for(self, role: str) -> int:
        return self.leader if role == Role.LEADER else self.cadre

    def meets(self, role: str, households: int) -> bool:
        return households >= self.minimum_for(role)

    def is_full(self, households: int) -> bool:
        return self.maximum is not None and households >= self.maximum


async def township_quotas(township_id: int | None) -> Quotas:
    row = (
        await Township.select(
            Township.leader_quota, Township.cadre_quota, Township.quota_maximum, Township.unvisited_alert_days
        )
        .where(Township.id == (township_id or -1))
        .first()
    )
    if row is None:
        return Quotas()
    return Quotas(row["leader_quota"], row["cadre_quota"], row["quota_maximum"], row["unvisited_alert_days"])
