"""The return-to-poverty rate by year follows the recorded exits and returns with their dates, not today's status;
a closed year keeps its figure whatever is recorded later."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx

from server.clock import this_year
from server.households.tables import Household, Member
from server.monitoring.events import record_status_event
from server.monitoring.tables import ClosedReturnRate, StatusEvent
from server.monitoring.yearly import YearFigure, county_years, township_years
from tests.monitoring.conftest import as_user, make_household, post_on

LAST = this_year() - 1  # a year that has ended
BEFORE = this_year() - 2


def year_row(html: str, year: int) -> str:
    return html.split(f'data-year="{year}"', 1)[1].split("</tr>", 1)[0]


async def direct_count(year: int) -> tuple[int, int]:
    """(returned during `year`, lifted by its end): straight from the events, household by household."""
    lifted = await StatusEvent.raw(
        "SELECT count(DISTINCT household) AS n FROM status_event WHERE status_to = 'out_supported'"
        " AND happened_on <= make_date({}, 12, 31)",
        year,
    )
    returned = await StatusEvent.raw(
        "SELECT count(DISTINCT household) AS n FROM status_event WHERE status_to = 'returned'"
        " AND extract(year FROM happened_on) = {}",
        year,
    )
    return int(returned[0]["n"]), int(lifted[0]["n"])


async def history(world: dict[str, Any]) -> dict[str, int]:
    """Three households: one lifted two years ago and returned last year, two lifted last year (of 3 and 4 people).
    Their current status says nothing of this (all 'not_out'), so only the events can give the figures."""
    village = world["village"]
    fell = await make_household(village, "返贫户", 3000, members=2, status="not_out")
    stayed = await make_household(village, "稳定户", 9000, members=3, status="not_out")
    late = await make_household(village, "新脱贫户", 9000, members=4, status="not_out")
    await record_status_event(fell, "not_out", "out_supported", date(BEFORE, 11, 20), "exit", 9001)
    await record_status_event(fell, "out_supported", "returned", date(LAST, 3, 2), "monitoring", 9101)
    await record_status_event(stayed, "not_out", "out_supported", date(LAST, 6, 1), "exit", 9002)
    await record_status_event(late, "not_out", "out_supported", date(LAST, 12, 30), "exit", 9003)
    return {"fell": fell, "stayed": stayed, "late": late}


async def test_each_years_rate_counts_the_dated_events_and_equals_a_direct_count(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await history(world)
    page = (await (await as_user(client, "mleader")).get("/monitoring/rate")).text
    last = year_row(page, LAST)
    assert await direct_count(LAST) == (1, 3)
    assert ">1</a>" in last
    assert ">3</a>" in last
    assert "33.33%" in last
    assert "22.22%" in last, "in people: 2 of the 9 lifted out by the year's end"
    before = year_row(page, BEFORE)
    assert await direct_count(BEFORE) == (0, 1)
    assert "0.00%" in before
    behind = (await client.get(f"/monitoring/rate/households?which=returned&year={LAST}")).text
    assert "返贫户" in behind
    assert "稳定户" not in behind
    lifted = (await client.get(f"/monitoring/rate/households?which=lifted&year={BEFORE}")).text
    assert "返贫户" in lifted
    assert "新脱贫户" not in lifted


async def test_a_closed_year_keeps_its_figure_when_a_return_is_recorded_later(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    households = await history(world)
    await as_user(client, "madmin")
    closed = await post_on(client, "/monitoring/rate", "/monitoring/rate/years", {"year": str(LAST)})
    assert closed.status_code == 303
    await record_status_event(households["stayed"], "out_supported", "returned", date(LAST, 12, 1), "monitoring", 9102)
    await Member.insert(Member(household=households["late"], name="新成员", id_number="", relation="other"))
    await Household.update({Household.status: "returned"}).where(Household.id == households["late"])

    page = (await client.get("/monitoring/rate")).text
    last = year_row(page, LAST)
    assert "33.33%" in last, "the closed figure, not the 2 of 3 the events now give"
    assert "data-closed" in last
    assert await direct_count(LAST) == (2, 3)
    again = await post_on(client, "/monitoring/rate", "/monitoring/rate/years", {"year": str(LAST)})
    assert again.status_code == 409
    assert "已关账" in again.text
    running = await post_on(client, "/monitoring/rate", "/monitoring/rate/years", {"year": str(this_year())})
    assert running.status_code == 409


async def test_only_an_admin_closes_a_year(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    await as_user(client, "mleader")
    page = (await client.get("/monitoring/rate")).text
    assert 'action="/monitoring/rate/years"' not in page
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert token is not None
    refused = await client.post("/monitoring/rate/years", data={"year": str(LAST), "_csrf_token": token.group(1)})
    assert refused.status_code == 403
    assert await ClosedReturnRate.count() == 0


async def test_the_county_reads_each_years_figure_of_its_townships_events(
    client: httpx.AsyncClient, world: dict[str, Any], make_user: Any, township: dict[str, int]
) -> None:
    households = await history(world)
    await make_user("county", username="mcounty", township_id=None, county_id=township["county"])
    home = (await as_user(client, "mcounty")).get("/")
    last = year_row((await home).text, LAST)
    assert "33.33%" in last
    assert "22.22%" in last
    assert "尚未关账" in last
    running = year_row((await (await as_user(client, "mcounty")).get("/")).text, this_year())
    assert "年度进行中" in running, "as the township's rate page words it: the county office read 尚未关账"

    await as_user(client, "madmin")
    closed = await post_on(client, "/monitoring/rate", "/monitoring/rate/years", {"year": str(LAST)})
    assert closed.status_code == 303
    await record_status_event(households["stayed"], "out_supported", "returned", date(LAST, 12, 1), "monitoring", 9102)
    kept = year_row((await (await as_user(client, "mcounty")).get("/")).text, LAST)
    assert "33.33%" in kept, "the township's closed figure, in the county's too"
    assert "已关账" in kept


async def test_the_county_counts_a_household_that_left_and_returned_twice_as_the_township_does(
    world: dict[str, Any], township: dict[str, int]
) -> None:
    """Each year counts a household once: with its people at its latest exit by the year's end, and at its latest
    return during the year. The county's figures (counted in SQL) equal the township's (counted event by event)."""
    moving = await make_household(world["village"], "反复户", 3000, members=2, status="not_out")
    steady = await make_household(world["village"], "稳定户", 9000, members=3, status="not_out")
    events = [
        (moving, "out_supported", date(BEFORE, 3, 1), 2),
        (moving, "returned", date(BEFORE, 9, 1), 2),
        (moving, "out_supported", date(LAST, 2, 1), 5),
        (moving, "returned", date(LAST, 5, 1), 5),
        (moving, "returned", date(LAST, 8, 1), 6),
        (steady, "out_supported", date(LAST, 12, 31), 3),
        (steady, "out_supported", date(LAST, 12, 31), 4),  # the same day: the later one counts
    ]
    for n, (household, status_to, on, people) in enumerate(events):
        source = "exit" if status_to == "out_supported" else "monitoring"
        await StatusEvent.insert(
            StatusEvent(household=household, status_to=status_to, happened_on=on, people=people, source=source,
                        source_id=9200 + n)
        )  # fmt: skip

    def figures(years: list[YearFigure]) -> dict[int, tuple[int, int, int, int]]:
        return {int(f.rate.id or 0): (f.rate.lifted, f.rate.returned, f.rate.lifted_people, f.rate.returned_people)
                for f in years}  # fmt: skip

    county = figures(await county_years(township["county"], "平邑县", this_year()))
    assert county[BEFORE] == (1, 1, 2, 2)
    assert county[LAST] == (2, 1, 9, 6)
    assert county == figures(await township_years(township["township"], this_year()))
