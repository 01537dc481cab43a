"""Demo rows of the feature areas (pairings, visits, jobs, ...), added after places, people and households."""

from __future__ import annotations

from collections import Counter

import asyncpg

from server.demo.history import history_demo
from server.demo.identification import identification_demo
from server.demo.jobs import jobs_demo
from server.demo.monitoring import monitoring_demo
from server.demo.pairing import pairing_demo
from server.demo.plans import plans_demo
from server.demo.projects import projects_demo
from server.demo.supervision import supervision_demo
from server.demo.visits import MONTHS, visits_demo


async def load_area_demo(connection: asyncpg.Connection, township_ids: list[int], bulk: bool = False) -> Counter[str]:
    """Called once per demo load with the townships just created; each area adds its line below. `bulk` (county and
    province scale): the visit history is generated inside the database (server/demo/history.py)."""
    totals: Counter[str] = Counter()
    # Feature areas: one `totals.update(await <area>_demo(connection, township_ids))` line each.
    totals.update(await pairing_demo(connection, township_ids))
    if bulk:  # after pairings: visits follow the cadres paired at the time
        totals.update(await history_demo(connection, township_ids, MONTHS))
    else:
        totals.update(await visits_demo(connection, township_ids))  # after pairings: visits follow responsible cadres
    totals.update(await jobs_demo(connection, township_ids))  # after pairings: referrals by responsible cadres
    totals.update(await identification_demo(connection, township_ids))
    totals.update(await projects_demo(connection, township_ids))  # after households: beneficiaries
    totals.update(await monitoring_demo(connection, township_ids))  # after visits: hardships on demo visits
    totals.update(await supervision_demo(connection, township_ids))  # after monitoring: reports join open cases
    totals.update(await plans_demo(connection, township_ids))  # after pairings and visits: plans against deliveries
    return totals
