"""The register's figures of a place, read once for every table that counts households and their people.

The breakdowns by cause, attribute, status and monitoring type, the poverty incidence, the income of the year and
the trends by year of registration and of income all count the place's households with their number of members.
One statement groups the households by each of these columns (grouping sets) and counts, for each group, the
households each table counts (registered, monitored, poor) with their people and incomes. A household's people are
its kept number of members (`household.member_count`, kept by the triggers of `member`): the statement grouped every
member of the database by household before (2.2 → 1.8 ms of backend CPU on the township demo).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from server.households.tables import Household

INCOME_COLUMNS = ("wage_income", "business_income", "property_income", "transfer_income", "production_cost")
_COST = INCOME_COLUMNS[-1]  # subtracted from the others for the net income
# The grouping columns, each a grouping set: a group row says which by `grouped`.
GROUPED = ("main_cause", "attribute", "status", "monitoring_type", "village", "income_year", "identified_year")

_REGISTERED = "h.status <> 'none'"
_COUNTS = f"""count(*) FILTER (WHERE {_REGISTERED}) AS registered,
       coalesce(sum(h.member_count) FILTER (WHERE {_REGISTERED}), 0) AS registered_people,
       count(*) FILTER (WHERE h.monitoring_type IS NOT NULL) AS monitored,
       coalesce(sum(h.member_count) FILTER (WHERE h.monitoring_type IS NOT NULL), 0) AS monitored_people,
       count(*) FILTER (WHERE h.status = ANY({{}})) AS poor,
       coalesce(sum(h.member_count) FILTER (WHERE h.status = ANY({{}})), 0) AS poor_people,
       count(*) FILTER (WHERE h.status = 'not_out') AS not_out,
       count(*) FILTER (WHERE h.status IN ('out_supported', 'out_unsupported')) AS out,
       count(*) FILTER (WHERE h.status = 'returned') AS returned"""
_INCOMES = ", ".join(f"sum(h.{c}) FILTER (WHERE {_REGISTERED}) AS {c}" for c in INCOME_COLUMNS)
_NO_INCOMES = ", ".join(f"NULL AS {c}" for c in INCOME_COLUMNS)


def _register_sql(grouped: tuple[str, ...]) -> str:
    """The statement grouping by `grouped` (the columns the tables asked for need). The income sums are only the
    income year's: grouping sets compute every aggregate for every set, and the numeric sums for all seven sets were
    most of the statement's time (township demo 3.1 ms, now 2.1); so the income year is grouped in a part of its own,
    the other columns in grouping sets without them."""
    sets = [c for c in grouped if c != "income_year"]
    parts = []
    if sets:
        parts.append(f"""
SELECT CASE {" ".join(f"WHEN GROUPING(h.{c}) = 0 THEN '{c}'" for c in sets)} END AS grouped,
       {", ".join(f"h.{c}" if c in sets else f"NULL AS {c}" for c in grouped)},
       {_COUNTS}, {_NO_INCOMES}
FROM household h
WHERE h.village = ANY({{}})
GROUP BY GROUPING SETS ({", ".join(f"(h.{c})" for c in sets)})""")
    if "income_year" in grouped:
        parts.append(f"""
SELECT 'income_year' AS grouped,
       {", ".join("h.income_year" if c == "income_year" else f"NULL AS {c}" for c in grouped)},
       {_COUNTS}, {_INCOMES}
FROM household h
WHERE h.village = ANY({{}})
GROUP BY h.income_year""")
    return "\nUNION ALL".join(parts)


Groups = dict[str, dict[Any, dict[str, Any]]]  # grouping column -> its value -> the group's figures


async def register_groups(villages: list[int], poor: list[str], grouped: tuple[str, ...] = GROUPED) -> Groups:
    """The place's households grouped by each of `grouped` (columns of GROUPED, in its order), with the figures of
    every kind of household."""
    groups: Groups = defaultdict(dict)
    parts = int(any(c != "income_year" for c in grouped)) + int("income_year" in grouped)
    for row in await Household.raw(_register_sql(grouped), *(poor, poor, villages) * parts):
        if row["grouped"] == "income_year":  # the net income of the sums (exact: numeric), not summed again
            row["net"] = None if row["wage_income"] is None else sum(row[c] for c in INCOME_COLUMNS[:-1]) - row[_COST]
        groups[row["grouped"]][row[row["grouped"]]] = row
    return groups


def counted(groups: Groups, column: str, kind: str = "registered") -> dict[Any, dict[str, Any]]:
    """The groups by `column` that hold households of `kind` (registered, monitored, poor), each with `households`
    and `people` of that kind, as a table's own statement counted them."""
    return {
        key: {**row, "households": row[kind], "people": row[f"{kind}_people"]}
        for key, row in groups[column].items()
        if row[kind]
    }
