"""Demo rows of the jobs area: trainings, jobs of the demo employers, wishes, referrals and placements.

Every township gets a few trainings and one job per employer; 临涧镇 also gets wishes of labour-capable members,
referrals by the demo cadre and placements of several ages, so the figures at 3 and 6 months are not empty.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from server.clock import TIMEZONE
from server.demo.geography import DEMO_TOWNSHIP_CODE
from server.jobs.placements import CHECK_RULES, add_months
from server.jobs.queries import today

TRAININGS = (  # topic, title, work kind, days ago, organiser, trainer
    ("skills", "服装缝纫技能培训班", "garment", 40, "镇人力资源和社会保障所", "王秀芝"),
    ("agriculture", "黄桃栽培与病虫害防治培训", "farming", 75, "镇农业综合服务中心", "孙德胜"),
    ("legal", "农民工权益保护法律知识宣讲", "", 20, "镇司法所", "李律师"),
    ("yulu", "雨露计划电工、焊工培训", "construction", 120, "县职业中专", "赵师傅"),
)  # fmt: skip
JOBS = {  # by industry of the demo employers: (title, kind, wage min, wage max, unit, headcount, flags)
    "服装加工": (("缝纫工", "garment", 2600, 3500, "month", 8, "workshop"),
             ("剪线包装工（可计件）", "garment", 1, 2, "piece", 5, "workshop")),
    "果品种植与加工": (("黄桃采摘工", "farming", 120, 150, "day", 20, ""),
                ("果园护林员（公益岗位）", "farming", 800, 1000, "month", 3, "welfare")),
    "物流运输": (("货车司机（C1/B2驾照）", "logistics", 5000, 6500, "month", 2, ""),
             ("分拣装卸工", "logistics", 3200, 4000, "month", 6, "")),
}  # fmt: skip
EMPLOYERS_SQL = "SELECT id, township, industry FROM employer WHERE township = ANY($1::int[]) AND approved ORDER BY id"
VILLAGES_SQL = "SELECT id, township, name FROM village WHERE township = ANY($1::int[]) ORDER BY code"
CANDIDATES_SQL = """
SELECT m.id, m.household,
       (SELECT p.cadre FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL ORDER BY p.rank LIMIT 1) AS cadre
FROM member m JOIN household h ON h.id = m.household JOIN village v ON v.id = h.village
WHERE v.township = $1 AND v.name = '双河村' AND m.labour_skill IN ('normal', 'skilled')
  AND (h.status <> 'none' OR h.monitoring_type IS NOT NULL)
  AND extract(year FROM age($2::date, to_date(substr(m.id_number, 7, 8), 'YYYYMMDD'))) BETWEEN 20 AND 50
ORDER BY m.id LIMIT 40
"""


async def jobs_demo(connection: asyncpg.Connection, township_ids: list[int]) -> Counter[str]:
    rng = random.Random(20260526)  # noqa: S311 -- repeatable demo data
    day = today()
    totals: Counter[str] = Counter()
    demo = await connection.fetchval("SELECT id FROM township WHERE code = $1", DEMO_TOWNSHIP_CODE)
    villages = await connection.fetch(VILLAGES_SQL, township_ids)
    for township in township_ids:
        for topic, title, kind, ago, organiser, trainer in TRAININGS:
            await connection.execute(
                "INSERT INTO training (township, topic, title, work_kind, held_on, place, organiser, trainer, capacity,"
                " created_at) VALUES ($1, $2, $3, $4, $5, '镇文化站', $6, $7, 40, now())",
                township, topic, title, kind, day - timedelta(days=ago), organiser, trainer,
            )  # fmt: skip
            totals["场培训"] += 1
    jobs: list[int] = []
    for employer in await connection.fetch(EMPLOYERS_SQL, township_ids):
        choices = [v for v in villages if v["township"] == employer["township"]]
        posts = JOBS.get(employer["industry"], (("普工", "factory", 2800, 3600, "month", 5, ""),))
        for number, post in enumerate(posts if employer["township"] == demo else posts[:1]):
            jobs.append(await _job(connection, employer, post, rng.choice(choices), day, number))
            totals["个岗位"] += 1
    if demo in township_ids:
        totals.update(await _demo_township(connection, demo, jobs, day, rng))
    return totals


async def _job(
    connection: asyncpg.Connection, employer: Any, post: tuple[Any, ...], village: Any, day: date, number: int
) -> int:
    title, kind, low, high, unit, headcount, flag = post
    job_id = await connection.fetchval(
            "INSERT INTO job_post (employer, township, title, work_kind, place, village, outside_county, wage_min,"
            " wage_max, pay_unit, headcount, working_hours, age_min, age_max, needs_skill, skills, physical, housing,"
            " meals, description, start_date, closing_date, is_public_welfare, is_workshop, low_wage_confirmed,"
            " status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10,"
            " '8:00-12:00, 13:30-17:30', 18, $11, $12, '', $13, $14, true, '', $15, $16, $17, $18, $19, 'open',"
            " now(), now()) RETURNING id",
            employer["id"], employer["township"], title, kind, village["name"] + "（" + title[:2] + "）", village["id"],
            Decimal(low), Decimal(high), unit, headcount, 55 if kind != "logistics" else 50, kind == "logistics",
            "heavy" if kind in ("logistics", "construction") else "light", kind == "logistics",
            day - timedelta(days=5 + number), day + timedelta(days=45 + 10 * number), flag == "welfare",
            flag == "workshop", flag == "welfare",
    )  # fmt: skip
    return int(job_id)


async def _demo_township(
    connection: asyncpg.Connection, township: int, jobs: list[int], day: date, rng: random.Random
) -> Counter[str]:
    """Wishes of 双河村's workers, referrals by their cadres, and placements 1-7 months old."""
    totals: Counter[str] = Counter()
    people = await connection.fetch(CANDIDATES_SQL, township, day)
    township_jobs = await connection.fetch(
        "SELECT id, work_kind FROM job_post WHERE township = $1 ORDER BY id", township
    )
    kinds = [job["work_kind"] for job in township_jobs]
    for person in people[:30]:
        await connection.execute(
            "INSERT INTO member_wish (member, work_kinds, expected_wage, leave_county, note, updated_by, updated_at)"
            " VALUES ($1, $2, $3, $4, '', $5, now())",
            person["id"], rng.sample(sorted(set(kinds)), 2), rng.choice((2500, 3000, 3500, None)),
            rng.random() < 0.3, person["cadre"],
        )  # fmt: skip
        totals["条就业意愿"] += 1
    starts = (7, 4, 2, 0)  # months ago: a placement past 6 months, one past 3, one past 1, one just hired
    for number, person in enumerate(people[30:38]):
        job = township_jobs[number % len(township_jobs)]
        status = "hired" if number < len(starts) else ("referred", "interview", "rejected", "referred")[number % 4]
        # Dates in the order they happen: referred, answered (interview, hired) a week later, started after that.
        start = add_months(day, -starts[number]) - timedelta(days=3) if status == "hired" else None
        referred_on = (start - timedelta(days=17)) if start else day - timedelta(days=rng.randint(1, 20))
        answered_on = referred_on + timedelta(days=7) if status != "referred" else None
        referral = await connection.fetchval(
            "INSERT INTO referral (job, member, referred_by, consent, note, status, reject_reason, created_at,"
            " answered_at) VALUES ($1, $2, $3, true, '', $4, $5, $6, $7) RETURNING id",
            job["id"], person["id"], person["cadre"], status, "年龄偏大，体力要求高" if status == "rejected" else "",
            at_ten(referred_on), at_ten(answered_on) if answered_on else None,
        )  # fmt: skip
        totals["条推荐"] += 1
        if start is not None:
            await _placement(connection, referral, person, start)
            totals["人稳定就业"] += 1
    return totals


def at_ten(day: date) -> datetime:
    """10 o'clock in the morning of `day`, in the township's time."""
    return datetime.combine(day, time(10), tzinfo=TIMEZONE)


async def _placement(connection: asyncpg.Connection, referral: int, person: Any, start: date) -> None:
    wage = Decimal(3000)
    placement = await connection.fetchval(
        "INSERT INTO placement (referral, start_date, monthly_wage, has_contract, has_social_insurance, status,"
        " months_employed, last_wage, counted_wage_income, created_at) VALUES ($1, $2, $3, true, true, 'working',"
        " 0, $3, 0, now()) RETURNING id",
        referral, start, wage,
    )  # fmt: skip
    months_done = 0
    for months in (rule.default for rule in CHECK_RULES):
        due = add_months(start, months)
        answered = due < today() - timedelta(days=2)
        follow_up = await connection.fetchval(
            "INSERT INTO follow_up (household, due_on, reason, cadre, note, created_at)"
            " VALUES ($1, $2, 'placement', $3, $4, now()) RETURNING id",
            person["household"], due, person["cadre"], "就业回访",
        )  # fmt: skip
        if answered:
            await connection.execute("UPDATE follow_up SET closed_at = now() WHERE id = $1", follow_up)
            months_done = months
        await connection.execute(
            "INSERT INTO placement_check (placement, months, due_on, cadre, follow_up_id, still_working,"
            " monthly_wage, note, answered_by, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $4, $8)",
            placement, months, due, person["cadre"], follow_up, True if answered else None,
            wage if answered else None, today() if answered else None,
        )  # fmt: skip
    await connection.execute(
        "UPDATE placement SET months_employed = $2, counted_wage_income = $3 WHERE id = $1",
        placement, months_done, wage * 12 if months_done else Decimal(0),
    )  # fmt: skip
