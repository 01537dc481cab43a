"""Demo rows of the feature areas (pairings, visits, jobs, ...), added after places, people and households."""

from __future__ import annotations

from collections import Counter

import asyncpg


async def load_area_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    """Called once per demo load with the townships just created; each area adds its line below."""
    totals: Counter[str] = Counter()
    # Feature areas: one `totals.update(await <area>_demo(connection, township_ids))` line each.
    return totals
