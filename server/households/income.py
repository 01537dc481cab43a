"""Per-capita net income: its rule in Python (never typed). The queries that judge many households read the same
figure from the generated column `per_capita_income`, which PostgreSQL keeps with each household row and
tests/households/test_per_capita_column.py holds to this rule."""

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
