"""The homes: a cadre's own households with a one-tap visit button; leaders and admins see coverage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from server.clock import today
from server.home.queries import township_overview
from server.pairing.coverage import coverage
from server.pairing.tables import Pairing
from server.visits.tables import FollowUp
from tests.helpers import log_in, statements_of
from tests.pairing.conftest import Small, add_pairing, add_visit


async def test_a_cadre_sees_their_households_with_a_record_visit_button(
    client: httpx.AsyncClient, small: Small
) -> None:
    await log_in(client, "t_m1")
    text = (await client.get("/")).text
    assert "我的结对帮扶户" in text
    assert "甲户主3" in text
    assert "甲户主1" not in text
    assert f'href="/households/{small.h["A3"]}/visits/new"' in text
    assert "记录走访" in text
    assert f'href="/households/{small.h["A3"]}"' in text
    assert "上次走访：—" in text
    assert "下次回访：—" in text


async def test_a_cadre_without_households_is_told_who_assigns_them(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_m3")
    text = (await client.get("/")).text
    assert "尚未为您分配" in text or "扶贫办" in text


async def test_a_leader_sees_coverage_and_their_own_households(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_leader")
    text = (await client.get("/")).text
    assert 'href="/coverage"' in text
    assert "57%" in text
    assert "甲户主1" in text
    assert "甲户主2" in text
    assert "甲户主3" not in text


async def test_the_admin_home_links_to_the_pairing_tools(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    text = (await client.get("/")).text
    assert 'href="/pairings/assistant"' in text
    assert 'href="/coverage"' in text
    assert 'href="/admin/users"' in text
    assert "我的结对帮扶户" not in text


async def test_a_cadres_home_takes_the_same_few_statements_however_many_households_and_visits(
    client: httpx.AsyncClient, small: Small, caplog: Any
) -> None:
    await log_in(client, "t_m1")
    with_one_household = await statements_of(client, "/", caplog)
    for code in ("A4", "B2"):
        await add_pairing(small.h[code], small.m1, started_on=date(2026, 2, 1))
        await add_visit(small.h[code], small.m1)
        await FollowUp(household=small.h[code], due_on=today() + timedelta(days=3)).save()
    text = (await client.get("/")).text
    assert "平邑县 临涧镇 · 双河村" in text  # the header's place names, read with the session
    assert text.count(f"上次走访：{today().isoformat()}") == 2
    assert text.count(f"下次回访：{(today() + timedelta(days=3)).isoformat()}") == 2
    # the session's user with the header's place names; the badges (open reports and findings, the follow-ups overdue
    # and due this week), the plan items overdue and the households with their visit dates, in one
    assert with_one_household == await statements_of(client, "/", caplog) == 2


async def test_a_leaders_home_reads_their_badges_once_however_many_households_they_have(
    client: httpx.AsyncClient, small: Small, caplog: Any
) -> None:
    await log_in(client, "t_leader")
    with_two_households = await statements_of(client, "/", caplog)
    await add_pairing(small.h["A4"], small.leader, started_on=date(2026, 2, 1))
    await add_visit(small.h["A4"], small.leader)
    assert "甲户主4" in (await client.get("/")).text
    # the cadre's two, the township's overview with its coverage
    assert with_two_households == await statements_of(client, "/", caplog) == 3


async def test_the_homes_coverage_counts_what_the_coverage_page_counts(small: Small) -> None:
    # the township 4/7 (A5 needs no cadre, B3 is monitored), then a pairing ended and a second cadre for A3
    overview, figures = await township_overview(small.township)
    assert (figures.households, figures.covered, figures.uncovered) == (7, 4, 3)
    await Pairing.update({Pairing.ended_on: date(2026, 3, 1)}).where(Pairing.household == small.h["B1"])
    await add_pairing(small.h["A3"], small.m2, rank=2)
    whole = (await coverage(small.township)).township
    overview, figures = await township_overview(small.township)
    assert (figures.households, figures.covered, figures.percent) == (whole.households, whole.covered, whole.percent)
    assert (figures.households, figures.covered) == (7, 3)
    assert overview["villages"] == 2
