"""Demo projects: the source's pilot village 下龙井村 (DOMAIN.md §7) and a few other village projects.

The source itemises 16.3 + 9.3 + 0.8 = 26.4万元 but states a total of 26.7万元 = 15万元 provincial funds + 11.7万元
raised by villagers in cash and labour. The 0.3万元 it does not itemise is kept as its own line, so every figure of
the source is shown and the village adds up to 26.7 = 15 + 11.7. How each project's budget is split between the
two sources is a demo split (the source gives only the totals). One other project deliberately does not add up,
so the funding warning shows in the demo.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from datetime import datetime as dt
from decimal import Decimal
from typing import Any

import asyncpg

from server.clock import TIMEZONE

Funding = dict[str, int]  # source -> yuan
Quantity = tuple[str, str, str]  # item, value, unit


def _year() -> tuple[int, bool]:
    """The pilot year: this year once the works are done (autumn), else last year, already accepted."""
    today = dt.now(TIMEZONE).date()
    return (today.year, False) if today.month >= 11 else (today.year - 1, True)


def _pilot(year: int, accepted: bool) -> list[dict[str, Any]]:
    done: dict[str, Any] = {
        "status": "accepted" if accepted else "completed",
        "progress_percent": 100,
        "started_on": date(year, 4, 15),
        "planned_completion_on": date(year, 10, 31),
        "completed_on": date(year, 10, 20),
        "accepted_on": date(year, 12, 26) if accepted else None,
        "year": year,
    }
    return [
        {**done, "name": "村庄道路硬化", "kind": "road", "budget": 163000,
         "funding": {"provincial": 100000, "villagers": 63000}, "quantities": [("硬化村庄道路", "2850", "m2")],
         "beneficiaries": "all", "notes": [(5, 10, 30, "完成路基整平"), (8, 20, 75, "浇筑混凝土路面"),
                                           (10, 20, 100, "全部完工，按期竣工")]},
        {**done, "name": "蓄水池及供水管道", "kind": "water", "budget": 93000,
         "funding": {"provincial": 45000, "villagers": 48000},
         "quantities": [("新建蓄水池", "60", "m3"), ("铺设管道", "3.1", "km")],
         "beneficiaries": "all", "notes": [(6, 5, 40, "蓄水池主体完工"), (10, 15, 100, "管道铺设完成，通水试压合格")]},
        {**done, "name": "中低产田改造", "kind": "field", "budget": 8000,
         "funding": {"provincial": 5000, "villagers": 3000}, "quantities": [("改造中低产田", "20", "mu")],
         "beneficiaries": 12, "notes": [(9, 30, 100, "土地平整、施肥改良完成")]},
        {**done, "name": "其他投入（原文总投资与分项合计之差）", "kind": "other", "budget": 3000,
         "funding": {"villagers": 3000}, "quantities": [], "beneficiaries": 0, "notes": [],
         "note": "原文：总投资26.7万元，分项合计26.4万元；差额0.3万元原文未分项，此处单列（演示数据）。"},
    ]  # fmt: skip


def _others(year: int) -> dict[str, list[dict[str, Any]]]:
    """Projects of other villages, by village name; 桃沟村's sources fall 2万元 short of its budget on purpose."""
    return {
        "双河村": [{"name": "贫困户危房改造", "kind": "housing", "year": year, "status": "in_progress",
                   "progress_percent": 60, "started_on": date(year, 5, 6), "planned_completion_on": date(year, 12, 20),
                   "budget": 120000, "funding": {"provincial": 30000, "county": 80000, "villagers": 10000},
                   "quantities": [("改造危房", "8", "household")], "beneficiaries": 8,
                   "notes": [(7, 1, 30, "4户完成主体加固"), (10, 10, 60, "6户完工，2户屋面施工中")]}],
        "桃沟村": [{"name": "黄桃种植基地", "kind": "industry", "year": year, "status": "in_progress",
                   "progress_percent": 40, "started_on": date(year, 3, 1),
                   "planned_completion_on": date(year + 1, 6, 30),
                   "budget": 250000, "funding": {"provincial": 150000, "municipal": 50000, "donation": 30000},
                   "quantities": [("新建黄桃园", "50", "mu")], "beneficiaries": 20,
                   "notes": [(4, 10, 20, "完成土地流转和苗木采购"), (9, 1, 40, "栽植完成，配套水肥设施施工中")],
                   "note": "演示：资金来源合计23万元，与预算25万元不一致，用于展示警告。"}],
        "周庄村": [{"name": "周庄村生产路硬化", "kind": "road", "year": year + 1, "status": "planned",
                   "progress_percent": 0, "budget": 85000,
                   "funding": {"county": 50000, "township": 15000, "villagers": 20000},
                   "quantities": [("硬化生产路", "1200", "m2")], "beneficiaries": 0, "notes": []}],
    }  # fmt: skip


PROJECT_COLUMNS = ("name", "kind", "year", "status", "budget", "progress_percent", "started_on",
                   "planned_completion_on", "completed_on", "accepted_on", "note")  # fmt: skip


async def _insert(connection: asyncpg.Connection, township_id: int, village_id: int, spec: dict[str, Any]) -> None:
    values = [spec.get(column) for column in PROJECT_COLUMNS]
    values[4] = Decimal(spec["budget"])
    values[-1] = spec.get("note", "")
    project_id = await connection.fetchval(
        f"INSERT INTO project (township, village, {', '.join(PROJECT_COLUMNS)})"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        township_id, village_id, *values,
    )  # fmt: skip
    await connection.executemany(
        "INSERT INTO project_funding (project, source, amount) VALUES ($1, $2, $3)",
        [(project_id, source, Decimal(amount)) for source, amount in spec["funding"].items()],
    )
    await connection.executemany(
        "INSERT INTO project_quantity (project, position, item, value, unit) VALUES ($1, $2, $3, $4, $5)",
        [(project_id, n, item, Decimal(value), unit) for n, (item, value, unit) in enumerate(spec["quantities"])],
    )
    await connection.executemany(
        "INSERT INTO project_progress (project, noted_on, percent, note) VALUES ($1, $2, $3, $4)",
        [(project_id, date(spec["year"], m, d), pct, note) for m, d, pct, note in spec["notes"]],
    )
    limit = None if spec["beneficiaries"] == "all" else spec["beneficiaries"]
    await connection.execute(
        "INSERT INTO project_beneficiary (project, household)"
        " SELECT $1, id FROM household WHERE village = $2 ORDER BY code LIMIT $3",
        project_id, village_id, limit,
    )  # fmt: skip


async def projects_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    """The pilot village's projects and a few others, in each township that has the pilot village."""
    year, accepted = _year()
    added = 0
    for township_id in township_ids:
        villages = {
            row["name"]: row["id"]
            for row in await connection.fetch("SELECT id, name FROM village WHERE township = $1", township_id)
        }
        pilot = await connection.fetchval("SELECT id FROM village WHERE township = $1 AND is_pilot", township_id)
        if pilot is None:
            continue
        plan = [(pilot, spec) for spec in _pilot(year, accepted)]
        plan += [(villages[name], spec) for name, specs in _others(year).items() if name in villages for spec in specs]
        for village_id, spec in plan:
            await _insert(connection, township_id, village_id, spec)
        added += len(plan)
    return Counter({"个项目": added})
