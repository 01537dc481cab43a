"""Each household's per-capita net income, kept by PostgreSQL as a stored generated column (`per_capita_income`).

The monitoring overview and risk list judge every watched household of the township by its per-capita income (the
township demo's 684): working it out (five sums, a division and a rounding in numeric) in the filter and again for
each candidate was a third of the risks' statement (1.25 → 0.90 ms of backend CPU). A generated column is written by
PostgreSQL with the row on every insert and update, whatever writes it (the household form, a member added or removed
through `member_count`'s triggers, a placement's wages, a COPY): it cannot disagree with the row. Its expression is
`server.households.income.per_capita_sql` as written on this day (PostgreSQL's round() takes halves away from zero,
as ROUND_HALF_UP does); tests/households/test_income.py holds the column to `per_capita_net_income`. Adding it writes
the table anew once (the county demo's 50,285 households: about a second under its lock)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_raw_sql

ID = "2026-12-06T17:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "each household's per-capita net income as a stored generated column"

FORWARDS = [
    "ALTER TABLE household ADD COLUMN per_capita_income numeric GENERATED ALWAYS AS ("
    "CASE WHEN member_count > 0 THEN round((coalesce(wage_income, 0) + coalesce(business_income, 0)"
    " + coalesce(property_income, 0) + coalesce(transfer_income, 0) - coalesce(production_cost, 0))"
    " / member_count, 2) END) STORED",
]
BACKWARDS = ["ALTER TABLE household DROP COLUMN IF EXISTS per_capita_income"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitoring", description=DESCRIPTION)
    add_raw_sql(manager, FORWARDS, BACKWARDS)
    return manager
