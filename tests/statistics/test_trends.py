"""Trends across years on the statistics page: households by year of registration and status, visits by month side
by side across years, net income per person year on year; each figure opens the list behind it, and each is a sheet."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import httpx
from openpyxl import load_workbook

from server.clock import TIMEZONE, today
from server.households.tables import Household
from server.statistics import queries
from server.statistics.area import Period, _township_area
from server.visits.tables import FollowUp, Visit
from tests.helpers import log_in
from tests.statistics.test_statistics import YEAR, register, row_of

__all__ = ["register"]  # the fixture: 王大病 (3 people, not out), 李小病 (1, returned), 赵脱贫 (1, out), 孙空村 (2)


def cells(row_html: str) -> list[str]:
    """The text of a row's figure cells (links and all)."""
    found = []
    for cell in row_html.split("</td>")[1:-1]:
        text = cell.split(">", 1)[1]
        while "<" in text:
            before, _, rest = text.partition("<")
            text = before + rest.partition(">")[2]
        found.append(text.strip())
    return found


async def set_household(household: int, **values: Any) -> None:
    await Household.update({getattr(Household, k): v for k, v in values.items()}).where(Household.id == household)


async def test_households_by_year_of_registration_show_their_status_today_and_open_the_list(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await set_household(register["wang"], identified_year=YEAR - 1)
    await set_household(register["li"], identified_year=YEAR - 1)
    await set_household(register["zhao"], identified_year=YEAR - 3)
    await set_household(register["qian"], identified_year=YEAR - 1)  # not registered: never counted
    await log_in(client, "stat_admin")
    html = (await client.get(f"/statistics?year={YEAR}&chapter=years")).text
    assert cells(row_of(html, "trend_status", str(YEAR - 1))) == ["2", "4", "1", "0", "1"], (
        "王大病 and 李小病: 4 people, one not yet out and one returned"
    )
    assert cells(row_of(html, "trend_status", str(YEAR - 3))) == ["1", "1", "0", "1", "0"]
    assert cells(row_of(html, "trend_status", str(YEAR))) == ["0", "0", "0", "0", "0"]
    section = html.split('id="table-trend_status"', 1)[1].split("</section>", 1)[0]
    assert f'data-row="{YEAR - 4}"' not in section, "the years start with the first year a household was registered"
    listed = (await client.get(f"/statistics/list/trend_status/{YEAR - 1}?year={YEAR}")).text
    assert "王大病" in listed
    assert "李小病" in listed
    assert "赵脱贫" not in listed
    assert "钱非贫" not in listed
    assert (await client.get(f"/statistics/list/trend_status/{YEAR + 1}?year={YEAR}")).status_code == 404

    await log_in(client, "stat_county")
    county = (await client.get(f"/statistics/list/trend_status/{YEAR - 1}?year={YEAR}")).text
    assert "王大病" not in county, "the county reads the figure by place, not the households"
    assert "双河村" in county


async def test_visits_by_month_stand_side_by_side_across_years_and_each_opens_its_month(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    month = today().month
    last_year = datetime(YEAR - 1, month, 10, 9, tzinfo=TIMEZONE)
    for _ in range(2):
        await Visit.insert(
            Visit(client_id=uuid.uuid4(), household=register["li"], cadre=register["cadre"], visited_at=last_year)
        )
    await log_in(client, "stat_admin")
    html = (await client.get(f"/statistics?year={YEAR}&chapter=years")).text
    assert f'<th class="num">{YEAR - 2}</th><th class="num">{YEAR - 1}</th><th class="num">{YEAR}</th>' in html
    assert cells(row_of(html, "trend_visits", f"m{month:02d}")) == ["0", "2", "1"], "this month: 2 last year, 1 now"
    assert f"/statistics/list/trend_visits/{YEAR - 1}-{month:02d}" in html
    listed = (await client.get(f"/statistics/list/trend_visits/{YEAR - 1}-{month:02d}?year={YEAR}")).text
    assert "李小病" in listed
    assert f"· {YEAR - 1}-{month:02d}</p>" in listed, "the list names its month, not the page's year"
    assert "王大病" not in listed
    assert 'class="chart__line chart__line--3"' in html, "a line a year"


async def test_net_income_per_person_year_on_year_with_the_change_and_the_year_without_income_saying_so(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await set_household(register["wang"], income_year=YEAR - 1, wage_income=Decimal(7000), production_cost=1000)
    await set_household(register["zhao"], income_year=YEAR - 2, business_income=Decimal(3000))
    await log_in(client, "stat_admin")
    html = (await client.get(f"/statistics?year={YEAR}&chapter=years")).text
    assert cells(row_of(html, "trend_income", str(YEAR - 1))) == ["1", "3", "2,000.00", "-33.3"], (
        "王大病: 6000 yuan net for 3 people, against 赵脱贫's 3000 for 1 the year before"
    )
    assert cells(row_of(html, "trend_income", str(YEAR - 2)))[:3] == ["1", "1", "3,000.00"]
    assert cells(row_of(html, "trend_income", str(YEAR)))[:2] == ["0", "0"]
    assert f"没有农户登记 {YEAR} 年收入" in html.split('id="table-trend_income"', 1)[1].split("</section>", 1)[0]
    chart = html.split('id="table-trend_income"', 1)[1].split("</section>", 1)[0]
    assert chart.count('class="chart__dot chart__dot--1"') == 2, "the years without income are not drawn as 0"
    listed = (await client.get(f"/statistics/list/trend_income/{YEAR - 1}?year={YEAR}")).text
    assert "王大病" in listed
    assert "赵脱贫" not in listed

    book = load_workbook(BytesIO((await client.get(f"/statistics/report.xlsx?year={YEAR}")).content))
    sheet = book.worksheets[-1]
    assert "人均纯收入" in sheet["A1"].value
    rows = {row[0]: row[1:5] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[str(YEAR - 1)] == (1, 3, 2000, -33.3), "numbers, not text"


async def test_the_workbook_counts_visits_by_month_as_the_two_chapters_do_from_one_statement(
    register: dict[str, int], township: dict[str, int]
) -> None:
    """The workbook reads the three years' visits once for both tables: the period's months keep their households
    and follow-ups, the years before count visits only, as each chapter's own page counts them."""
    month = today().month
    last_year = datetime(YEAR - 1, month, 10, 9, tzinfo=TIMEZONE)
    for household in ("li", "li", "zhao"):
        await Visit.insert(
            Visit(client_id=uuid.uuid4(), household=register[household], cadre=register["cadre"], visited_at=last_year)
        )
    await FollowUp.insert(FollowUp(household=register["wang"], due_on=today(), cadre=register["cadre"]))
    await FollowUp.insert(FollowUp(household=register["li"], due_on=last_year.date(), cadre=register["cadre"]))
    area = await _township_area(None, township["township"])
    for period in (Period(YEAR, 0), Period(YEAR, month), Period(YEAR - 1, month)):
        whole = {table.key: table for table in await queries.report(area, period)}
        by_chapter = {
            table.key: table for chapter in ("visits", "years") for table in await queries.report(area, period, chapter)
        }
        assert whole["visits"] == by_chapter["visits"], period
        assert whole["trend_visits"] == by_chapter["trend_visits"], period
    visits = {table.key: table for table in await queries.report(area, Period(YEAR, 0), "visits")}["visits"]
    this_month = next(row for row in visits.rows if row.key == f"{YEAR}-{month:02d}")
    assert this_month.values == (1, 1, 1, 0, 1), "王大病's visit and his follow-up due today, still open"
    assert len(visits.rows) == 13, "the year's twelve months and the total, none of the year before"
    before = {table.key: table for table in await queries.report(area, Period(YEAR - 1, month), "visits")}["visits"]
    assert [row.values for row in before.rows] == [(3, 2, 1, 0, 1), (3, 2, 1, 0, 1)], "the month and its total"
