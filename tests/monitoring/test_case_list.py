"""The open risk cases: the overview shows the longest open and counts them all; their own list has every one, a page
at a time, the longest open first, in the leader's township only."""

from __future__ import annotations

import re
from typing import Any

import httpx

from server.monitoring.pages import OVERVIEW_CASES, RISK_PAGE
from server.monitoring.tables import RiskCase
from server.places.tables import Township, Village
from tests.monitoring.conftest import as_user, case_at, make_household


def listed(page: str) -> list[int]:
    """The cases a page lists, in its order."""
    return [int(case) for case in re.findall(r'<a class="cell[^"]*" href="/monitoring/cases/(\d+)"', page)]


async def open_cases(world: dict[str, Any], count: int) -> list[int]:
    """`count` open cases, found on days further and further back: the list's order is the reverse."""
    cases = []
    for n in range(count):
        household = await make_household(world["village"], f"风险户{n}", 5000 + n)
        cases.append(await case_at(world, household, "monitored" if n % 2 else "found", found_days_ago=20 + n))
    return cases[::-1]


async def test_the_overview_shows_the_longest_open_cases_and_counts_them_all(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    longest_first = await open_cases(world, OVERVIEW_CASES + 3)
    await case_at(world, world["near"], "cleared", found_days_ago=90)  # cleared: neither shown nor counted
    overview = (await (await as_user(client, "mleader")).get("/monitoring")).text
    assert listed(overview) == longest_first[:OVERVIEW_CASES]
    assert f'id="case-count">{OVERVIEW_CASES + 3}<' in overview
    assert f"查看全部 {OVERVIEW_CASES + 3} 户在办风险户" in overview
    assert 'href="/monitoring/cases"' in overview


async def test_the_overview_has_no_link_to_the_list_when_it_shows_every_case(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    longest_first = await open_cases(world, 2)
    overview = (await (await as_user(client, "mleader")).get("/monitoring")).text
    assert listed(overview) == longest_first
    assert 'id="case-count">2<' in overview
    assert "查看全部" not in overview.split('id="cases"')[1].split("section-title")[0]


async def test_the_case_list_is_paged_longest_open_first_and_a_phone_loads_the_next_page(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    """A page of RISK_PAGE cases with the count of all; the pages together are every open case in order; "more"
    (htmx) gets the next page's rows alone; a page past the end (cases cleared since) shows the last."""
    longest_first = await open_cases(world, RISK_PAGE + 2)
    total = RISK_PAGE + 2
    leader = await as_user(client, "mleader")
    first = (await leader.get("/monitoring/cases")).text
    assert f"第 1–{RISK_PAGE} 户，共 {total} 户" in first
    assert 'hx-get="/monitoring/cases?page=2"' in first
    assert 'rel="next"' in first
    second = (await leader.get("/monitoring/cases?page=2")).text
    assert f"第 {RISK_PAGE + 1}–{total} 户，共 {total} 户" in second
    assert 'rel="next"' not in second
    assert listed(first) + listed(second) == longest_first
    more = await leader.get("/monitoring/cases?page=2", headers={"HX-Request": "true"})
    assert "<html" not in more.text
    assert 'class="pager"' not in more.text
    assert listed(more.text) == listed(second)
    past = (await leader.get("/monitoring/cases?page=9")).text
    assert listed(past) == listed(second)
    assert (await leader.get("/monitoring/cases?page=0")).status_code == 400


async def test_the_case_list_shows_the_rows_of_the_overview_with_their_clocks(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await case_at(world, world["under"], "found", found_days_ago=40)  # past the confirmation target: in warning
    leader = await as_user(client, "mleader")
    overview = (await leader.get("/monitoring")).text
    listing = (await leader.get("/monitoring/cases")).text
    row = overview.split('id="cases">')[1].split("</div>\n</a>")[0]
    assert "cell--warn" in row
    assert "低收入" in row
    assert row in listing
    assert "共" not in listing.split('class="page-title">')[1].split("</p>")[0]  # one page: "1 户"


async def test_the_case_list_is_the_township_s_and_only_for_its_leaders_and_admins(
    client: httpx.AsyncClient, world: dict[str, Any], township: dict[str, int], make_user: Any
) -> None:
    ours = await case_at(world, world["under"], "found")
    other = Township(county=township["county"], name="保太镇", code="371326106000")
    await other.save()
    village = Village(township=other.id, name="外村", code="371326106001")
    await village.save()
    theirs = await case_at(world, await make_household(village.id, "外镇户", 5000), "found")
    assert await RiskCase.count() == 2
    listing = (await (await as_user(client, "mleader")).get("/monitoring/cases")).text
    assert listed(listing) == [ours]
    assert theirs not in listed((await client.get("/monitoring")).text)
    await make_user("cadre", username="othercadre")
    await as_user(client, "othercadre")
    assert (await client.get("/monitoring/cases")).status_code == 403
