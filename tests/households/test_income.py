"""Per-capita net income: the SQL expression the assessment counts with gives the Python figure, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.households.income import INCOME_PARTS, per_capita_net_income, per_capita_net_income_sql
from server.households.tables import Household

CASES = [
    # wage, business, property, transfer, cost, members
    ("10000.01", "0", "0", "0", "0", 2),  # 5000.005: half a cent, up
    ("0", "0", "0", "0", "10000.01", 2),  # -5000.005: half a cent, away from zero
    ("1000.00", "0.01", "0", "0", "0", 3),  # 333.3366…
    ("7300.00", "0", "0", "0", "0", 1),
    ("999999999.99", "999999999.99", "999999999.99", "999999999.99", "0", 7),
    ("100", "0", "0", "0", "0", 0),  # no members: no figure
]


@pytest.mark.parametrize("case", CASES)
async def test_the_sql_figure_is_the_python_one(db: object, case: tuple[str, ...]) -> None:
    *amounts, members = case
    household = dict(zip([*INCOME_PARTS, "production_cost"], map(Decimal, amounts), strict=True))
    columns = ", ".join(f"{{}}::numeric AS {name}" for name in household)
    [row] = await Household.raw(
        f"SELECT {per_capita_net_income_sql('h', '{}::bigint')} AS figure FROM (SELECT {columns}) h",
        members,
        *household.values(),
    )
    assert row["figure"] == per_capita_net_income(household, int(members))
