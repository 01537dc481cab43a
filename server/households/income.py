"""Per-capita net income: the one place its rule is written (never typed; PostgreSQL keeps the same figure with each
household row in the generated column `per_capita_income`, which tests/households/test_income.py holds to it)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
INCOME_PARTS = ("wage_income", "business_income", "property_income", "transfer_income")


def net_income(household: Mapping[str, Any]) -> Decimal:
    """Wages + business + property + transfers − production costs, for the whole household."""
    total = sum((Decimal(household.get(part) or 0) for part in INCOME_PARTS), Decimal(0))
    return total - Decimal(household.get("production_cost") or 0)


def per_capita_net_income(household: Mapping[str, Any], members: int) -> Decimal | None:
    """Net income divided by the number of members, in yuan with 2 decimals; None for a household without members."""
    if members <= 0:
        return None
    return (net_income(household) / members).quantize(CENT, rounding=ROUND_HALF_UP)


def per_capita_sql(household: str, members: str) -> str:
    """per_capita_net_income as an SQL expression, for a query that judges many households: `household` is the alias
    of a household row, `members` an SQL expression counting its members. PostgreSQL's round() takes a half away
    from zero, as ROUND_HALF_UP does (tests/households/test_income.py holds the two to the same figures)."""
    parts = " + ".join(f"coalesce({household}.{part}, 0)" for part in INCOME_PARTS)
    net = f"{parts} - coalesce({household}.production_cost, 0)"
    return f"CASE WHEN {members} > 0 THEN round(({net}) / {members}, 2) END"
