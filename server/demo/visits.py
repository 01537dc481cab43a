"""Demo visits of the last ~6 months with measures and follow-ups: most households visited on time, some overdue.

Written with COPY, so the county scale (50,000 households, a few hundred thousand visits) loads in seconds.
"""

from __future__ import annotations

import os
import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from server import policy
from server.clock import TIMEZONE
from server.demo.writer import copy_records, refresh_statistics, reserve_ids
from server.policy.registry import FOLLOW_UP_DAYS, MONITORED_FOLLOW_UP_DAYS
from server.visits.tables import Visit

# Months of history; at county scale 70 months give the benchmark's 1.86 million visits (scripts/bench.py sets it).
MONTHS = int(os.environ.get("BANGFU_DEMO_VISIT_MONTHS", "6"))
OVERDUE_SHARE = 0.12
KINDS = (("home", 70), ("phone", 18), ("group", 6), ("condolence", 6))
NOTES = {
    "home": ("入户了解家庭收入和务工情况，宣讲防返贫政策。", "查看住房和饮水安全，询问孩子上学情况。",
             "了解老人身体状况，核实医疗报销是否到位。", "帮助规划黄桃种植，讲解技术要点。",
             "核实家庭成员变化，更新明白卡。"),
    "phone": ("电话询问外出务工情况和工资发放。", "电话了解病人出院后恢复情况。"),
    "group": ("参加村集中宣讲，讲解小额信贷和产业奖补政策。", "组织技能培训报名。"),
    "condolence": ("送去米、面、油，慰问困难老人。", "节前走访慰问，送去慰问金。"),
}  # fmt: skip
PROBLEMS = ("房屋屋顶漏雨，需要维修。", "孩子上学交通不便。", "慢性病药费负担较重。", "缺少劳动力，农活忙不过来。")
MEASURES = (("condolence", (200, 500)), ("medical", (300, 2000)), ("education", (500, 1500)),
            ("industry", (1000, 3000)), ("employment", None), ("skills_training", None), ("legal", None))  # fmt: skip
VISIT_COLUMNS = ["id", "client_id", "household", "cadre", "visited_at", "kind", "note", "problems", "latitude",
                 "longitude", "accuracy_m", "expected_photos", "fingerprint", "version", "created_at",
                 "updated_at"]  # fmt: skip
HOUSEHOLDS_SQL = f"""
WITH towns AS MATERIALIZED (
  SELECT id, {policy.sql(FOLLOW_UP_DAYS, "id")} AS follow_up_days,
         {policy.sql(MONITORED_FOLLOW_UP_DAYS, "id")} AS monitored_follow_up_days
  FROM township WHERE id = ANY($1::int[]))
SELECT h.id, h.monitoring_type IS NOT NULL AS monitored, coalesce(h.latitude, v.latitude) AS lat,
       coalesce(h.longitude, v.longitude) AS lng, t.follow_up_days, t.monitored_follow_up_days, v.township,
       coalesce(
         (SELECT p.cadre FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL ORDER BY p.rank LIMIT 1),
         (SELECT u.id FROM app_user u WHERE u.village = h.village AND u.role = 'cadre' ORDER BY u.id LIMIT 1)
       ) AS cadre
FROM household h JOIN village v ON v.id = h.village JOIN towns t ON t.id = v.township
WHERE v.township = ANY($1::int[]) ORDER BY h.id
"""


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randrange(0, 60, 5)), tzinfo=TIMEZONE)


def _visit_days(rng: random.Random, today: date, interval: int) -> list[date]:
    """Visit dates, oldest first: about every `interval` days, the last one recent or (sometimes) overdue."""
    last = today - timedelta(days=rng.randint(1, max(2, interval - 3)))
    if rng.random() < OVERDUE_SHARE:
        last -= timedelta(days=interval + rng.randint(3, 30))
    days, day = [], last
    while day > today - timedelta(days=30 * MONTHS):
        days.append(day)
        day -= timedelta(days=max(7, interval + rng.randint(-10, 10)))
    return days[::-1]


def _visit(rng: random.Random, household: dict[str, Any], visit_id: int, day: date) -> tuple[Any, ...]:
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    at = _moment(rng, day)
    near = kind == "home" and household["lat"] is not None and rng.random() < 0.85
    lat = household["lat"] + rng.uniform(-0.002, 0.002) if near else None
    lng = household["lng"] + rng.uniform(-0.002, 0.002) if near else None
    problems = rng.choice(PROBLEMS) if rng.random() < 0.15 else ""
    return (visit_id, uuid.UUID(int=rng.getrandbits(128), version=4), household["id"], household["cadre"], at, kind,
            rng.choice(NOTES[kind]), problems, lat, lng, rng.choice((8.0, 15.0, 30.0)) if near else None, 0, "demo",
            1, at, at)  # fmt: skip


def _measure(rng: random.Random, visit_id: int) -> tuple[Any, ...]:
    kind, amounts = rng.choice(MEASURES)
    amount = Decimal(rng.randrange(amounts[0], amounts[1], 50)) if amounts else None
    return (visit_id, kind, amount, "", 0)


async def visits_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    """Visits, measures and follow-ups for every household of the townships that has a responsible cadre."""
    households = [dict(row) for row in await connection.fetch(HOUSEHOLDS_SQL, township_ids)]
    households = [h for h in households if h["cadre"] is not None]
    if not households:
        return Counter()
    rng = random.Random(f"visits-{min(township_ids)}-{len(households)}")  # noqa: S311 -- repeatable demo data
    today = datetime.now(TIMEZONE).date()
    plans = []
    for household in households:
        interval = household["monitored_follow_up_days" if household["monitored"] else "follow_up_days"]
        plans.append((household, interval, _visit_days(rng, today, interval)))
    ids = iter(await reserve_ids(connection, Visit, sum(len(days) for _, _, days in plans)))
    visits, measures, follow_ups = [], [], []
    for household, interval, days in plans:
        previous: tuple[Any, ...] | None = None
        for day in days:
            visit = _visit(rng, household, next(ids), day)
            visits.append(visit)
            if rng.random() < 0.3:
                measures.append(_measure(rng, visit[0]))
            if previous is not None:  # the schedule follow-up the previous visit set, answered by this one
                due = previous[4].date() + timedelta(days=interval)
                follow_ups.append((household["id"], due, "schedule", household["cadre"], household["cadre"],
                                   visit[0], visit[4], "", previous[4]))  # fmt: skip
            previous = visit
        if previous is not None:
            due = previous[4].date() + timedelta(days=interval)
            follow_ups.append((household["id"], due, "schedule", household["cadre"], household["cadre"], None, None,
                               "", previous[4]))  # fmt: skip
    await copy_records(connection, "visit", VISIT_COLUMNS, visits)
    await copy_records(connection, "visit_measure", ["visit", "type", "amount", "note", "position"], measures)
    await copy_records(
        connection,
        "follow_up",
        ["household", "due_on", "reason", "cadre", "created_by", "closed_by_visit", "closed_at", "note", "created_at"],
        follow_ups,
    )  # fmt: skip
    await refresh_statistics(connection, "visit", "visit_measure", "follow_up")  # for the load's next statements
    return Counter({"条走访记录": len(visits), "项帮扶措施": len(measures)})
