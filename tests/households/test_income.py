"""Per-capita net income: the SQL form a query judges many households with gives the same figure as the Python one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.households.income import INCOME_PARTS, per_capita_net_income, per_capita_sql
from server.households.tables import Household

# (wage, business, property, transfers, production cost, members): halves of a cent either way, repeating
# quotients, a loss, no members.
CASES = [
    ("0.05", "0", "0", "0", "0", 2),  # 0.025 → 0.03
    ("0", "0", "0", "0", "0.05", 2),  # -0.025 → -0.03
    ("25079.98", "0", "0", "0", "0", 3),  # 8359.99333…
    ("25080.00", "0", "0", "0", "0", 3),
    ("10", "0", "0", "0", "0", 3),  # 3.333…
    ("20.01", "0", "0", "0", "0", 6),  # 3.335 → 3.34
    ("6000", "2000.50", "0", "1000", "1000.50", 3),
    ("9999999999.99", "9999999999.99", "9999999999.99", "9999999999.99", "0", 7),
    ("1000", "0", "0", "0", "3000.07", 4),  # -500.0175 → -500.02
    ("500", "0", "0", "0", "0", 0),
]


async def test_the_sql_per_capita_income_equals_the_python_one_to_the_cent(db: Any) -> None:
    columns = ", ".join(INCOME_PARTS)
    for *amounts, members in CASES:
        values = [Decimal(amount) for amount in amounts]
        rows = await Household.raw(
            f"SELECT {per_capita_sql('h', 'h.members')} AS per_capita"
            f" FROM (SELECT {{}}::numeric, {{}}::numeric, {{}}::numeric, {{}}::numeric, {{}}::numeric, {{}}::int)"
            f" h({columns}, production_cost, members)",
            *values,
            members,
        )
        household = dict(zip((*INCOME_PARTS, "production_cost"), values, strict=True))
        expected = per_capita_net_income(household, members)
        assert rows[0]["per_capita"] == expected, (amounts, members)
        assert str(rows[0]["per_capita"]) == str(expected), "the same figure, written the same way"
