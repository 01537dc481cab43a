"""A bulk load leaves statistics for the planner, though the app role that loads it may not ANALYZE a table itself."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from server.places.tables import Village

UNUSUAL_POPULATION = 7_654_321  # a value no other test gives a village: seen in the statistics only after an ANALYZE


async def population_in_statistics() -> bool:
    [row] = await Village.raw(
        "SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'village'"
        " AND attname = 'population' AND {} = ANY (most_common_vals::text::int[])) AS seen",
        UNUSUAL_POPULATION,
    )
    return bool(row["seen"])


async def test_the_app_role_refreshes_the_statistics_it_may_not_gather_itself(
    db: Any, township: dict[str, int]
) -> None:
    await Village.insert(
        *[
            Village(
                township=township["township"], name=f"新村{i}", code=f"3713261059{i:02d}", population=UNUSUAL_POPULATION
            )
            for i in range(40)
        ]
    )
    await Village.raw("ANALYZE village")  # the app role: PostgreSQL skips the table with a warning
    assert not await population_in_statistics()

    await Village.raw("SELECT refresh_statistics(ARRAY['village'])")

    assert await population_in_statistics()


async def test_refreshing_the_statistics_of_a_table_that_is_not_ours_is_refused(db: Any) -> None:
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.UndefinedTableError, match="pg_authid"):
        await Village.raw("SELECT refresh_statistics(ARRAY['pg_authid'])")
    await savepoint.rollback_to()
