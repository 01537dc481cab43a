"""Demo pairings: most households covered, a few cadres under quota, some history, so the assistant has work."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import asyncpg

from server.demo.geography import DEMO_TOWNSHIP_CODE
from server.demo.writer import copy_rows
from server.pairing.rules import eligible_sql
from server.pairing.tables import Pairing

DEMO_SHARE, OTHER_SHARE = 0.85, 0.96  # households covered: the demo township leaves work for the assistant
UNDER_QUOTA = {"leader": 3, "cadre": 6}  # cadres left under quota in each township
OWN_HOUSEHOLDS = {"cadre": 5, "leader": 3}  # the demo logins' own households
HISTORY_SHARE = 0.05  # covered households whose earlier cadre moved on
END_REASONS = ("干部岗位调整", "调任县直单位", "退休", "驻村任期结束")

HOUSEHOLDS = f"""
SELECT h.id, h.village FROM household h JOIN village v ON v.id = h.village
WHERE v.township = $1 AND {eligible_sql("h")} ORDER BY v.code, h.code
"""
CADRES = """
SELECT id, username, role, village FROM app_user
WHERE township = $1 AND role IN ('leader', 'cadre') AND is_active ORDER BY id
"""


async def pairing_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    rows: list[dict[str, Any]] = []
    for township_id in township_ids:
        code = await connection.fetchval("SELECT code FROM township WHERE id = $1", township_id)
        households = [dict(r) for r in await connection.fetch(HOUSEHOLDS, township_id)]
        cadres = [dict(r) for r in await connection.fetch(CADRES, township_id)]
        rng = random.Random(f"20260526-pairing-{code}")  # noqa: S311 -- repeatable demo data
        share = DEMO_SHARE if code == DEMO_TOWNSHIP_CODE else OTHER_SHARE
        rows += township_pairings(rng, households, cadres, share)
    await copy_rows(connection, Pairing, rows)
    return Counter({"条结对 (含历史)": len(rows)})


def township_pairings(
    rng: random.Random, households: list[dict[str, Any]], cadres: list[dict[str, Any]], share: float
) -> list[dict[str, Any]]:
    """Active pairings for `share` of the households, plus ended ones for a few of them."""
    covered = rng.sample(households, round(len(households) * share))
    assignment = assign(rng, covered, cadres)
    rows = []
    others = [c["id"] for c in cadres]
    for household_id, cadre_id in assignment.items():
        started = date(2024, 1, 1) + timedelta(days=rng.randrange(800))
        rows.append(_row(household_id, cadre_id, started, None, "年度结对安排", ""))
        if rng.random() < HISTORY_SHARE and len(others) > 1:
            before = rng.choice([c for c in others if c != cadre_id])
            earlier = started - timedelta(days=rng.randrange(300, 900))
            rows.append(_row(household_id, before, earlier, started - timedelta(days=1), "年度结对安排",
                             rng.choice(END_REASONS)))  # fmt: skip
    return rows


def assign(rng: random.Random, covered: list[dict[str, Any]], cadres: list[dict[str, Any]]) -> dict[int, int]:
    """household id -> cadre id: the demo logins first, leaders 3 each, members share the rest by village."""
    pool: dict[int, list[int]] = defaultdict(list)  # village -> household ids still free
    for household in covered:
        pool[household["village"]].append(household["id"])
    result: dict[int, int] = {}

    def take(cadre_id: int, count: int, village: int | None) -> None:
        villages = [village] if village in pool else []
        villages += [v for v in pool if v != village]
        for v in villages:
            while pool[v] and count > 0:
                result[pool[v].pop()] = cadre_id
                count -= 1

    special = [c for c in cadres if c["username"] in OWN_HOUSEHOLDS]
    for cadre in special:
        take(cadre["id"], OWN_HOUSEHOLDS[cadre["username"]], cadre["village"])
    regular = [c for c in cadres if c not in special]
    leaders = [c for c in regular if c["role"] == "leader"]
    members = [c for c in regular if c["role"] == "cadre"]
    short_leaders = {c["id"] for c in rng.sample(leaders, min(UNDER_QUOTA["leader"], len(leaders)))}
    idle = {c["id"] for c in rng.sample(members, min(UNDER_QUOTA["cadre"], len(members)))}
    for leader in leaders:
        take(leader["id"], rng.choice((1, 2)) if leader["id"] in short_leaders else 3, None)
    working = [c for c in members if c["id"] not in idle]
    left = sum(map(len, pool.values()))
    each = -(-left // max(len(working), 1))
    for member in sorted(working, key=lambda c: c["village"] is None):  # those based in a village first
        take(member["id"], each, member["village"])
    return result


def _row(household: int, cadre: int, started: date, ended: date | None, why: str, end_why: str) -> dict[str, Any]:
    return {
        "household": household,
        "cadre": cadre,
        "rank": 1,
        "started_on": started,
        "ended_on": ended,
        "start_reason": why,
        "end_reason": end_why,
    }
