"""Bench measurements of the jobs area (scripts/bench.py): ranked candidates for one job, county-wide, in-process."""

from __future__ import annotations

import asyncio
import statistics
import time

from piccolo.querystring import QueryString

from server.database import connect
from server.jobs.matching import candidates_query
from server.jobs.queries import today
from server.policy.registry import WORKING_AGE_MAX, WORKING_AGE_MIN

FIRST_DEMO_JOB = "SELECT min(j.id) FROM job_post j JOIN township t ON t.id = j.township WHERE t.code = '371326105000'"


async def first_demo_job(database_url: str) -> int:
    connection = await connect(database_url)
    try:
        return int(await connection.fetchval(FIRST_DEMO_JOB))
    finally:
        await connection.close()


async def _time_candidates(database_url: str, job_id: int, runs: int) -> tuple[float, float, int, int]:
    """The ranking SQL over every member of the county (no scope), run `runs` times on one connection."""
    ages = (WORKING_AGE_MIN.default, WORKING_AGE_MAX.default)
    sql, args = candidates_query(job_id, QueryString("TRUE"), today(), ages).compile_string(engine_type="postgres")
    connection = await connect(database_url)
    try:
        timings, rows = [], []
        for _ in range(runs):
            start = time.perf_counter()
            rows = await connection.fetch(sql, *args)
            timings.append((time.perf_counter() - start) * 1000)
        members = int(await connection.fetchval("SELECT count(*) FROM member"))
    finally:
        await connection.close()
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))], len(rows), members


def measure_candidates(database_url: str, job_id: int, runs: int = 40) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, rows, members considered) of the county-wide candidate ranking."""
    return asyncio.run(_time_candidates(database_url, job_id, runs))
