"""The monitoring pages take the same few statements however many households, risks, cases and events there are."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from server.monitoring.events import record_status_event
from server.monitoring.pages import OVERVIEW_CASES
from tests.helpers import statements_of
from tests.monitoring.conftest import as_user, case_at, make_household, this_year

PAGES = ("/monitoring", "/monitoring/risks", "/monitoring/rate", "/monitoring/cases")


async def test_the_monitoring_pages_take_the_same_statements_however_much_there_is_to_show(
    client: httpx.AsyncClient, world: dict[str, Any], caplog: Any
) -> None:
    await as_user(client, "mleader")
    before = {path: await statements_of(client, path, caplog) for path in PAGES}
    for n in range(25):  # more risks than the overview shows
        household = await make_household(world["village"], f"低收入{n}", 5000 + n, members=2)
        await record_status_event(household, "not_out", "out_supported", date(this_year() - 2, 3, 1), "exit", 700 + n)
        await record_status_event(household, "out_supported", "returned", date(this_year() - 1, 5, 1), "exit", 800 + n)
    await case_at(world, world["under"], "found")
    await case_at(world, world["near"], "monitored")
    for n in range(OVERVIEW_CASES):  # more open cases than the overview shows
        await case_at(world, await make_household(world["village"], f"风险户{n}", 9000, members=2), "found")
    text = (await client.get("/monitoring")).text
    assert text.count('class="cell risk-row"') == 20
    assert text.count('href="/monitoring/cases/') == OVERVIEW_CASES
    assert (await client.get("/monitoring/cases")).text.count('href="/monitoring/cases/') == OVERVIEW_CASES + 2
    after = {path: await statements_of(client, path, caplog) for path in PAGES}
    # the session's user; the overview: the risks (first 20 and their count, with the line), the first open cases
    # with their count and the township's rate in one; the risk list: the risks with the line; the rate page: the
    # rates (with the township's name) and the years in one; the case list: a page of the open cases with their count
    expected = {"/monitoring": 2, "/monitoring/risks": 2, "/monitoring/rate": 2, "/monitoring/cases": 2}
    assert before == after == expected
