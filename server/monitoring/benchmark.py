"""Bench measurement of the annual assessment (scripts/bench.py): the whole county's .xlsx, generated in-process.

No township account can ask for the county, so the measurement calls the same functions the township download
uses (assess + build_workbook) for every township of the database at once.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import datetime

from server.clock import TIMEZONE
from server.database import close_pool, open_pool, use_database
from server.households.tables import Household
from server.monitoring.assessment import assess
from server.monitoring.export import build_workbook


async def _time_county(database_url: str, runs: int) -> tuple[float, float, int, int]:
    use_database(database_url)
    await open_pool(max_size=2)
    try:
        townships = [row["id"] for row in await Household.raw("SELECT id FROM township ORDER BY id")]
        year = datetime.now(TIMEZONE).year
        timings, cadres, size = [], 0, 0
        for _ in range(runs):
            start = time.perf_counter()
            items = await assess(townships, year)
            content = await asyncio.to_thread(build_workbook, items, year)
            timings.append((time.perf_counter() - start) * 1000)
            cadres, size = len(items), len(content)
    finally:
        await close_pool()
    timings.sort()
    return statistics.median(timings), timings[-1], cadres, size


def measure_county_assessment(database_url: str, runs: int = 3) -> tuple[float, float, int, int]:
    """(p50 ms, max ms, cadres, bytes) of the county's assessment workbook for this year."""
    return asyncio.run(_time_county(database_url, runs))


if __name__ == "__main__":
    import sys

    print(measure_county_assessment(sys.argv[1]))
