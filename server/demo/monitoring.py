"""Demo monitoring: a risk case for every demo monitored household, a few cases in each state, hardship visits.

Every demo household with a monitoring type gets a case in the 'monitored' state (found, noticed 7 days, confirmed),
so the pages agree with the household records. Per township, a few more cases show the other states (found,
noticed, one cleared) and a few recent visits record a sudden hardship, so the risk list has hardships on it.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from server import policy
from server.clock import TIMEZONE
from server.demo.writer import refresh_statistics
from server.households.income import per_capita_net_income
from server.policy.registry import MONITORING_LINE

SOURCE_OF_TYPE = {"unstable": "income_below", "marginal": "income_near", "sudden": "reported"}
HARDSHIPS = ("illness", "illness", "disaster", "accident", "other")
HARDSHIP_VISITS = 6  # per township
CASE_COLUMNS = [
    "household",
    "state",
    "source",
    "source_visit",
    "found_on",
    "note",
    "notice_starts_on",
    "notice_ends_on",
    "confirmed_on",
    "monitoring_type",
    "cleared_on",
    "food_clothing_ok",
    "schooling_ok",
    "medical_ok",
    "housing_ok",
    "water_ok",
    "cleared_income",
    "cleared_line",
    "created_at",
    "updated_at",
]
HOUSEHOLDS_SQL = """
SELECT h.id, h.status, h.monitoring_type, h.wage_income, h.business_income, h.property_income, h.transfer_income,
       h.production_cost, (SELECT count(*) FROM member m WHERE m.household = h.id) AS members,
       lv.id AS last_visit, lv.visited_at AS last_visited_at
FROM household h JOIN village v ON v.id = h.village
LEFT JOIN LATERAL (
    SELECT vi.id, vi.visited_at FROM visit vi WHERE vi.household = h.id ORDER BY vi.visited_at DESC LIMIT 1
) lv ON TRUE
WHERE v.township = $1 AND NOT EXISTS (SELECT 1 FROM risk_case rc WHERE rc.household = h.id)
ORDER BY h.id
"""


def _case(household: int, state: str, source: str, found: date, **more: Any) -> dict[str, Any]:
    now = datetime.now(TIMEZONE)
    row = dict.fromkeys(CASE_COLUMNS)
    row.update(
        household=household, state=state, source=source, found_on=found, note="", created_at=now, updated_at=now, **more
    )
    if state != "found":
        row.update(notice_starts_on=found + timedelta(days=2), notice_ends_on=found + timedelta(days=8))
    return row


def _monitored(rng: random.Random, household: dict[str, Any], today: date) -> dict[str, Any]:
    found = today - timedelta(days=rng.randint(40, 330))
    return _case(
        household["id"],
        "monitored",
        SOURCE_OF_TYPE[household["monitoring_type"]],
        found,
        confirmed_on=found + timedelta(days=rng.randint(9, 14)),
        monitoring_type=household["monitoring_type"],
    )


async def monitoring_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    today = datetime.now(TIMEZONE).date()
    line = await policy.value(MONITORING_LINE, township_ids[0] if township_ids else None, today)
    totals: Counter[str] = Counter()
    for township_id in township_ids:
        rng = random.Random(f"monitoring-{township_id}")  # noqa: S311 -- repeatable demo data, not secrets
        households = [dict(row) for row in await connection.fetch(HOUSEHOLDS_SQL, township_id)]
        cases = [_monitored(rng, h, today) for h in households if h["monitoring_type"]]
        watched = [
            h
            for h in households
            if not h["monitoring_type"] and h["status"] in ("out_supported", "none", "out_unsupported")
        ]
        rng.shuffle(watched)
        hardship = [h for h in watched if h["last_visit"]][: HARDSHIP_VISITS + 2]
        for number, household in enumerate(hardship):
            await connection.execute(
                "UPDATE visit SET hardship = $1 WHERE id = $2",
                HARDSHIPS[number % len(HARDSHIPS)],
                household["last_visit"],
            )
        # Two of the hardships are already taken up: one just found, one in its village notice.
        for household, state in zip(hardship[HARDSHIP_VISITS:], ("found", "noticed"), strict=False):
            seen = household["last_visited_at"].astimezone(TIMEZONE).date()
            found = seen if state == "found" else min(seen, today - timedelta(days=9))
            cases.append(_case(household["id"], state, "hardship", found, source_visit=household["last_visit"]))
        cases.extend(_cleared(rng, [h for h in watched if h not in hardship], line, today))
        if cases:
            await connection.copy_records_to_table(
                "risk_case", records=[tuple(c[k] for k in CASE_COLUMNS) for c in cases], columns=CASE_COLUMNS
            )
        totals.update({"条监测风险记录": len(cases), "条突发困难走访": len(hardship)})
    # Fresh statistics for the planner: without them the risk list picks the status index for each village
    # and job matching misjudges the labour force ledger.
    await refresh_statistics(connection, "household", "member", "labour_force", "risk_case")
    return totals


def _cleared(rng: random.Random, candidates: list[dict[str, Any]], line: Decimal | None, today: date) -> list[Any]:
    """One case cleared a few weeks ago, for a household now well above the line (its income was judged then)."""
    if line is None:
        return []
    for household in candidates:
        income = per_capita_net_income(household, int(household["members"]))
        if income is not None and income > line * Decimal("1.3"):
            found = today - timedelta(days=rng.randint(90, 150))
            checks = dict.fromkeys(("food_clothing_ok", "schooling_ok", "medical_ok", "housing_ok", "water_ok"), True)
            return [
                _case(
                    household["id"],
                    "cleared",
                    "income_near",
                    found,
                    monitoring_type="marginal",
                    confirmed_on=found + timedelta(days=11),
                    cleared_on=today - timedelta(days=20),
                    cleared_income=income,
                    cleared_line=line,
                    **checks,
                )
            ]
    return []
