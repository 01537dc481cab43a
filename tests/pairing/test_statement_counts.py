"""The pages cadres and leaders open every day send a fixed number of statements, however much data lies behind them.

Each page is asked once on the small township and again after the township has grown: more households, each paired,
visited (twice), with members, an open follow-up (overdue or upcoming) and, for some, a low income. A page whose
statements grow with its rows (a query per household, per visit, per village) fails here before it is slow at a
county's size.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import httpx

from server.clock import today
from server.households.tables import Member
from server.visits.tables import FollowUp
from tests.helpers import log_in
from tests.pairing.conftest import Small, add_household, add_pairing, add_visit

# (who, path, statements): the session's user comes first in every count.
DAILY_PAGES = [
    ("t_m1", "/", 2),
    ("t_m1", "/visits", 2),
    ("t_m1", "/follow-ups", 2),
    ("t_m1", "/households/{A3}", 2),
    ("t_m1", "/households/{A3}/visits/new", 2),
    ("t_m1", "/households/{A3}/timeline", 2),
    ("t_leader", "/", 3),
    ("t_leader", "/coverage", 2),
    ("t_leader", "/visits/overdue", 2),
    ("t_leader", "/monitoring", 2),
    ("t_leader", "/monitoring/risks", 2),
    ("t_leader", "/monitoring/rate", 2),
    ("t_leader", "/monitoring/cases", 2),
    ("t_admin", "/households", 2),
    ("t_admin", "/households?q=%E6%88%B7%E4%B8%BB", 2),  # 户主: every head, more after growing
]


async def statements_of_each_page(client: httpx.AsyncClient, small: Small, caplog: Any) -> dict[tuple[str, str], int]:
    """The statements one request of each daily page sent (the fewer of two: the session's last-seen time is
    touched at most once a minute, by either)."""
    counts = {}
    for username, path, _ in DAILY_PAGES:
        await log_in(client, username)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="bangfu.access"):
            for _ in range(2):
                answer = await client.get(path.format(**small.h))
                assert answer.status_code == 200, f"{username} {path}: {answer.status_code}"
        counts[username, path] = min(record.statements for record in caplog.records if record.name == "bangfu.access")
    return counts


async def grow(small: Small) -> None:
    """Six more households in each village, paired with the cadre and the leader, each visited twice, with three
    members and a follow-up (overdue for half of them); the first of each village with a low income."""
    for village, prefix in ((small.village_a, "GA"), (small.village_b, "GB")):
        for n in range(6):
            income = {"income_year": today().year, "wage_income": 1000 if n == 0 else 30000}
            household = await add_household(village, f"{prefix}{n}", f"新户主{prefix}{n}", **income)
            for relation in ("spouse", "child"):
                await Member(household=household, name=f"家人{n}", id_number=f"G{household:08d}{n}{relation[:1]}",
                             relation=relation).save()  # fmt: skip
            await add_pairing(household, small.m1 if n % 2 else small.leader, started_on=date(2026, 2, 1))
            for _ in range(2):
                await add_visit(household, small.m1 if n % 2 else small.leader)
            await FollowUp(household=household, due_on=today() + timedelta(days=5 if n % 3 else -3)).save()
        await add_visit(small.h["A3"], small.m1)


async def test_the_daily_pages_send_the_same_statements_however_much_data_lies_behind_them(
    client: httpx.AsyncClient, small: Small, caplog: Any
) -> None:
    expected = {(username, path): statements for username, path, statements in DAILY_PAGES}
    assert await statements_of_each_page(client, small, caplog) == expected
    await grow(small)
    assert await statements_of_each_page(client, small, caplog) == expected
    await log_in(client, "t_m1")
    assert "新户主GB5" in (await client.get("/")).text  # the grown data is on the pages counted
