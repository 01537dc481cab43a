"""Demo help plans and exits: a plan for this year for the demo cadre's households and a share of the others, and two
exit cases per township: one in its village notice, one reviewed and waiting for the county office.

A plan holds what its household was given this year (each measure planned a month after it came: delivered on time)
and one or two measures its causes suggest, not given yet: most due later in the year, some already past their day,
as a township that delivers most of its plans sees them (the demo cadre's households show an overdue item too)."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import asyncpg

from server.clock import today
from server.demo.writer import copy_records, owns, triggers_off
from server.plans.queries import SUGGESTED_MEASURES

WHAT = {
    "industry": "发放鸡苗200只并指导饲养", "employment": "推荐到扶贫车间务工", "education": "落实雨露计划助学补助",
    "medical": "落实大病医疗报销", "housing": "危房改造补助", "dibao": "办理低保",
    "skills_training": "参加果树修剪培训",
    "infrastructure": "入户道路硬化", "microcredit": "申请扶贫小额信贷", "pension": "代缴养老保险",
    "relocation": "易地搬迁安置", "donation": "联系社会捐赠",
}  # fmt: skip
PLAN_SHARE = 0.3  # of the other paired households
LONG = 600  # seconds: a statement over a province's households, beyond the pool's command timeout
ITEM_COLUMNS = ["plan", "client_id", "type", "what", "due_on", "amount", "target", "position", "created_by",
                "created_at"]  # fmt: skip
PLANNED_DELIVERED = 2  # at most so many of the kinds a household was given are in its plan
OVERDUE_SHARE = 0.3  # of the measures planned and not given yet: past their day
# Each household's kinds of measure delivered this year, each with the day it first came, the earliest first.
DELIVERED_KINDS = """
SELECT household, type, min(delivered_on) AS on_ FROM delivered_measure
WHERE household = ANY($1::int[]) AND delivered_on >= $2 GROUP BY household, type ORDER BY household, on_, type
"""


async def plans_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    rng = random.Random(14)  # noqa: S311 -- repeatable demo data, not secrets
    year, day = today().year, today()
    rows = await connection.fetch(
        "SELECT DISTINCT h.id, h.main_cause, p.cadre, u.username = 'cadre' AS demo_cadre FROM household h"
        " JOIN village v ON v.id = h.village JOIN pairing p ON p.household = h.id AND p.ended_on IS NULL"
        " JOIN app_user u ON u.id = p.cadre WHERE v.township = ANY($1::int[]) AND h.status <> 'none' ORDER BY h.id",
        township_ids,
    )
    delivered: dict[int, list[tuple[str, date]]] = {}
    for got in await connection.fetch(DELIVERED_KINDS, [row["id"] for row in rows], date(year, 1, 1), timeout=LONG):
        delivered.setdefault(got["household"], []).append((got["type"], got["on_"]))
    plans: list[tuple[int, int]] = []  # (household, cadre)
    items: dict[int, list[tuple[Any, ...]]] = {}  # household -> its items, without the plan's id
    demo_overdue = False  # whether a household of the demo cadre has an overdue item yet
    for row in rows:
        if row["id"] in items or not (row["demo_cadre"] or rng.random() < PLAN_SHARE):
            continue
        plans.append((row["id"], row["cadre"]))
        given = delivered.get(row["id"], [])[:PLANNED_DELIVERED]
        kinds_given = [kind for kind, _ in given]
        suggested = [kind for kind in SUGGESTED_MEASURES.get(row["main_cause"] or "", ()) if kind not in kinds_given]
        to_give = (suggested or ["industry"])[: 1 if given else 2]
        dues = [min(date(year, 12, 31), on + timedelta(days=30)) for _, on in given]  # delivered on time
        for _ in to_give:
            overdue = rng.random() < OVERDUE_SHARE or (row["demo_cadre"] and not demo_overdue)
            demo_overdue = demo_overdue or (row["demo_cadre"] and overdue)
            dues.append(_due(rng, year, day, overdue))
        items[row["id"]] = []
        for position, (type_, due) in enumerate(zip(kinds_given + to_give, dues, strict=True)):
            amount = None if type_ in ("employment", "skills_training") else rng.choice((500, 1000, 2000, 3000))
            items[row["id"]].append(
                (uuid.uuid4(), type_, WHAT.get(type_, ""), due, amount, "人均年增收1000元以上", position, row["cadre"])
            )
    # All plans in one statement, in the households' order; a household that has this year's plan already keeps it.
    added = await connection.fetch(
        "INSERT INTO help_plan (household, year, drafted_by, created_at, updated_at)"
        " SELECT household, $3, cadre, now(), now() FROM unnest($1::int[], $2::int[]) WITH ORDINALITY"
        " AS p(household, cadre, n) ORDER BY n ON CONFLICT DO NOTHING RETURNING id, household",
        [household for household, _ in plans],
        [cadre for _, cadre in plans],
        year,
    )
    plan_of = {row["household"]: row["id"] for row in sorted(added, key=lambda row: row["id"])}
    now = await connection.fetchval("SELECT now()")
    records = [
        (plan_of[household], *item, now) for household, _ in plans if household in plan_of for item in items[household]
    ]
    await copy_records(connection, "help_plan_item", ITEM_COLUMNS, records)
    exits = await _exits(connection, township_ids, year, day)
    events = await _status_events(connection, township_ids, year)
    counts = {"份帮扶计划": len(plan_of), "项计划措施": len(records), "件脱贫退出": exits, "条脱贫/返贫记录": events}
    return Counter(counts)


# The demo register's lifted and returned households came out of poverty before Bangfu: their status events are
# dated over the last five years (never before identification), so the rate by year has figures.
# `source_id` is the household's own id here: no exit case or risk case lies behind these.
NEXT_ON_TRIGGER = "status_event_next_on"  # migrations/monitoring/monitoring_2026_12_06t21_10_00_000000.py
CHAIN_TOWNSHIPS_EVENTS = """
SELECT status_event_next_on(ARRAY(
  SELECT DISTINCT e.household FROM status_event e JOIN household h ON h.id = e.household
  JOIN village v ON v.id = h.village WHERE v.township = ANY($1::bigint[])))
"""
_STATUS_EVENTS = """
WITH lifted AS (
  SELECT h.id, h.status, (SELECT count(*) FROM member m WHERE m.household = h.id) AS people,
         make_date(least($2::int - 1, greatest(coalesce(h.identified_year, 0) + 1, $2::int - 1 - h.id % 5)),
                   1 + h.id % 12, 1 + h.id % 28) AS exit_on
  FROM household h JOIN village v ON v.id = h.village
  WHERE v.township = ANY($1::bigint[]) AND h.status IN ('out_supported', 'out_unsupported', 'returned')
), exits AS (
  INSERT INTO status_event (household, status_from, status_to, happened_on, people, source, source_id, recorded_at)
  SELECT id, 'not_out', 'out_supported', exit_on, people, 'exit', id, now() FROM lifted RETURNING 1
), returns AS (
  INSERT INTO status_event (household, status_from, status_to, happened_on, people, source, source_id, recorded_at)
  SELECT id, 'out_supported', 'returned', least(exit_on + 200 + id % 300, current_date), people, 'monitoring', id, now()
  FROM lifted WHERE status = 'returned' RETURNING 1
)
SELECT (SELECT count(*) FROM exits) + (SELECT count(*) FROM returns) AS n
"""


async def _status_events(connection: asyncpg.Connection, township_ids: list[int], year: int) -> int:
    """The events, each chained to the household's next of its kind (`next_on`). The table's owner (`bangfu demo`)
    turns the chaining trigger off for the load and chains the townships' events in one statement after it, as the
    migration that made the column did: a county's 36,000 events, one trigger firing each in the load's transaction,
    outlasted the load statement's ten-minute limit. Another role (the tests' township) writes with the trigger on."""
    owner = await owns(connection, "status_event")
    async with triggers_off(connection, owner, ("status_event", NEXT_ON_TRIGGER)):
        events = int(await connection.fetchval(_STATUS_EVENTS, township_ids, year, timeout=LONG))
        if owner:
            await connection.execute(CHAIN_TOWNSHIPS_EVENTS, township_ids, timeout=LONG)
    return events


def _due(rng: random.Random, year: int, day: date, overdue: bool) -> date:
    """The day a measure not given yet is planned for: within the last 90 days when `overdue` (the plan's year
    allowing), else from a week ahead to the year's end."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if overdue and day > first:
        return max(first, day - timedelta(days=rng.randrange(1, 91)))
    return min(last, day + timedelta(days=rng.randrange(7, 120)))


async def _exits(connection: asyncpg.Connection, township_ids: list[int], year: int, day: date) -> int:
    """Two households of each township above the year's line (not out yet): one exit in notice, one reviewed."""
    count = 0
    for township in township_ids:
        candidates = await connection.fetch(
            "SELECT h.id, (h.wage_income + h.business_income + h.property_income + h.transfer_income"
            " - h.production_cost) / greatest(1, (SELECT count(*) FROM member m WHERE m.household = h.id)) AS income"
            " FROM household h JOIN village v ON v.id = h.village WHERE v.township = $1 AND h.status = 'not_out'"
            " ORDER BY income DESC, h.id LIMIT 2",
            township,
        )
        for index, row in enumerate(candidates):
            count += await _exit(connection, row, year, day, reviewed=index == 1)
    return count


async def _exit(connection: asyncpg.Connection, row: Any, year: int, day: date, reviewed: bool) -> int:
    line = 4600
    income = max(row["income"], line + 800)
    appraised, starts = day - timedelta(days=20), day - timedelta(days=15)
    values: dict[str, Any] = {
        "household": row["id"],
        "year": year,
        "state": "reviewed" if reviewed else "noticed",
        "checked_on": day - timedelta(days=25),
        "per_capita_income": income,
        "poverty_line": line,
        "food_clothing_ok": True,
        "schooling_ok": True,
        "medical_ok": True,
        "housing_ok": True,
        "water_ok": True,
        "household_agreed": True,
        "appraised_on": appraised,
        "representatives_present": 28,
        "votes_for": 27,
        "votes_against": 1,
        "notice_starts_on": starts,
        "notice_ends_on": starts + timedelta(days=(6 if reviewed else 20)),
        "notice_posted_at": "村委会公示栏",
        "reviewed_on": day - timedelta(days=2) if reviewed else None,
        "review_note": "经审核符合退出标准" if reviewed else "",
    }
    columns = ", ".join(values)
    marks = ", ".join(f"${n}" for n in range(1, len(values) + 1))
    case_id = await connection.fetchval(
        f"INSERT INTO exit_case ({columns}, created_at, updated_at) VALUES ({marks}, now(), now())"
        " ON CONFLICT DO NOTHING RETURNING id",
        *values.values(),
    )
    if case_id is None:
        return 0
    steps = [("check", "checked"), ("appraise", "appraised"), ("notice", "noticed")]
    steps += [("review", "reviewed")] if reviewed else []
    for step, state in steps:
        await connection.execute(
            'INSERT INTO exit_step ("case", step, state, actor_label, at, note)'
            " VALUES ($1, $2, $3, '演示数据', now(), '')",
            case_id,
            step,
            state,
        )
    return 1
