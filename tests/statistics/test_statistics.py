"""Statistics offices report: figures by cause, incidence, measures and money, with the list behind each, as .xlsx."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from server.audit.tables import AuditEvent
from server.clock import TIMEZONE, today
from server.employers.tables import Employer
from server.households.tables import Member
from server.jobs.tables import Placement, PlacementCheck, Referral
from server.monitoring.tables import RiskCase
from server.places.tables import County, Township, Village
from server.statistics.queries import CHAPTERS, TITLES
from server.visits.tables import Visit, VisitMeasure
from tests.helpers import log_in
from tests.jobs.conftest import make_job
from tests.pairing.conftest import add_household

YEAR = today().year


async def add_people(household: int, n: int) -> None:
    for i in range(n):
        await Member(household=household, name=f"成员{i}", id_number=f"S{uuid.uuid4().int % 10**17:017d}").save()


@pytest.fixture
async def register(township: dict[str, int], make_user: Any) -> dict[str, int]:
    """双河村 (900 people): 王大病 (illness, 3 people), 李小病 (illness, 1), 赵脱贫 (lack of funds, out, 1), 钱非贫 (not
    registered). 空村 (no population recorded): 孙空村 (illness, 2 people). A medical measure of 500 yuan this month."""
    village = township["village"]
    ids = {
        "wang": await add_household(village, "H1", "王大病", main_cause="illness", status="not_out"),
        "li": await add_household(village, "H2", "李小病", main_cause="illness", status="returned"),
        "zhao": await add_household(village, "H3", "赵脱贫", main_cause="lack_funds", status="out_supported"),
        "qian": await add_household(village, "H4", "钱非贫", main_cause="illness", status="none"),
    }
    await add_people(ids["wang"], 2)
    [empty] = await Village.insert(Village(township=township["township"], name="空村", code="371326105009"))
    ids["sun"] = await add_household(empty["id"], "H5", "孙空村", main_cause="illness", status="not_out")
    await add_people(ids["sun"], 1)
    cadre = await make_user("cadre", username="stat_cadre")
    visited = datetime.combine(today().replace(day=1), datetime.min.time(), TIMEZONE)
    [visit] = await Visit.insert(Visit(client_id=uuid.uuid4(), household=ids["wang"], cadre=cadre, visited_at=visited))
    await VisitMeasure.insert(VisitMeasure(visit=visit["id"], type="medical", amount=Decimal("500.00")))
    await make_user("admin", username="stat_admin")
    await make_user("county", username="stat_county", township_id=None, county_id=township["county"])
    return {**ids, "empty_village": empty["id"], "cadre": cadre}


def row_of(html: str, table: str, key: str) -> str:
    section = html.split(f'id="table-{table}"', 1)[1].split("</section>", 1)[0]
    return section.split(f'data-row="{key}"', 1)[1].split("</tr>", 1)[0]


async def test_households_and_people_by_cause_open_the_list_behind_each_figure(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await log_in(client, "stat_admin")
    page = await client.get("/statistics")
    assert page.status_code == 200
    illness = row_of(page.text, "cause", "illness")
    assert ">3<" in illness, "王大病, 李小病, 孙空村: the one not registered is not counted"
    assert ">6<" in illness, "3 + 1 + 2 people"
    listed = await client.get(f"/statistics/list/cause/illness?year={YEAR}")
    assert listed.status_code == 200
    assert "王大病" in listed.text
    assert "孙空村" in listed.text
    assert "赵脱贫" not in listed.text
    assert "钱非贫" not in listed.text


async def test_a_group_of_unregistered_households_only_is_no_row_and_their_income_year_has_no_income(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    """The register's tables are read in one statement grouping every household of the place: a cause, an
    attribute or an income year held only by households never registered (status "none") still shows nothing."""
    await add_household(
        township["village"], "H6", "孙未建档", main_cause="disability", status="none", income_year=YEAR - 3
    )
    await log_in(client, "stat_admin")
    html = (await client.get("/statistics")).text
    assert 'data-row="disability"' not in html.split('id="table-cause"', 1)[1].split("</section>", 1)[0]
    years = (await client.get("/statistics?chapter=years")).text
    assert str(YEAR - 3) not in years.split('id="table-trend_income"', 1)[1].split("</section>", 1)[0]


async def test_incidence_is_computed_per_village_and_a_village_without_population_says_why(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    await log_in(client, "stat_admin")
    html = (await client.get("/statistics")).text
    shuanghe = row_of(html, "incidence", str(township["village"]))
    assert ">900<" in shuanghe
    assert "0.44" in shuanghe, "4 people (not out, returned) of 900"
    empty = html.split('id="table-incidence"', 1)[1].split(f'data-row="{register["empty_village"]}"', 1)[1]
    assert "有 1 个村未填写人口数，无法计算贫困发生率" in empty.split("</section>", 1)[0]
    total = row_of(html, "incidence", "all")
    assert "无法计算" in total
    assert ">0<" not in total, "a figure that cannot be computed is never shown as 0"


async def test_the_report_reads_a_chapter_at_a_time_and_every_table_is_one_link_away(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    """A chapter's tables keep their numbers in the report (and the workbook's sheets); every chapter is linked from
    every chapter, with the place and period kept, and the list behind a figure leads back to its table's chapter."""
    await log_in(client, "stat_admin")
    shown: list[str] = []
    for chapter, (_, keys) in CHAPTERS.items():
        html = (await client.get(f"/statistics?year={YEAR}&month=3&chapter={chapter}")).text
        tables = re.findall(r'<section class="stat-table" id="table-([a-z_]+)"', html)
        assert tables == list(keys)
        shown += tables
        nav = html.split('id="statistics-chapters"', 1)[1].split("</nav>", 1)[0]
        assert nav.count('aria-current="page"') == 1
        assert f'&chapter={chapter}" aria-current' in nav
        for other in CHAPTERS:
            assert f"year={YEAR}&amp;month=3&chapter={other}" in nav
        assert f'name="chapter" value="{chapter}"' in html, "a new year or month stays in the chapter"
    assert sorted(shown) == sorted(TITLES), "every table in one chapter"
    progress = (await client.get("/statistics?chapter=progress")).text
    assert re.findall(r'id="title-([a-z_]+)">(\d+)\.', progress)[0] == ("identification", "6")
    assert "/statistics?village=" in progress.split('id="statistics-parts"', 1)[1].split("</nav>", 1)[0]
    assert "&chapter=progress" in progress.split('id="statistics-parts"', 1)[1].split("</nav>", 1)[0]
    assert (await client.get("/statistics?chapter=nothing")).status_code == 404
    listed = (await client.get(f"/statistics/list/measures/all?year={YEAR}")).text
    assert "&chapter=measures#table-measures" in listed


async def test_every_figure_of_every_chapter_opens_its_list_and_the_visits_total_lists_them_all(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await log_in(client, "stat_admin")
    for chapter in CHAPTERS:
        html = (await client.get(f"/statistics?year={YEAR}&chapter={chapter}")).text
        for link in {href.replace("&amp;", "&") for href in re.findall(r'href="(/statistics/list/[^"]+)"', html)}:
            assert (await client.get(link)).status_code == 200, link
    visits = (await client.get(f"/statistics?year={YEAR}&chapter=visits")).text
    total = re.search(r'href="(/statistics/list/visits/all[^"]*)">(\d+)<', visits)
    assert total is not None, "the year's total of visits opens its list"
    listed = (await client.get(total[1].replace("&amp;", "&"))).text
    assert f"共 {total[2]} 条" in listed


async def test_measures_are_counted_with_their_money_in_the_chosen_month_only(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await log_in(client, "stat_admin")
    this_month = (await client.get(f"/statistics?year={YEAR}&month={today().month}&chapter=measures")).text
    assert "500.00" in row_of(this_month, "measures", "medical")
    other = today().month % 12 + 1
    other_year = YEAR if other > today().month else YEAR - 1
    elsewhere = (await client.get(f"/statistics?year={other_year}&month={other}&chapter=measures")).text
    assert 'data-row="medical"' not in elsewhere


async def test_the_county_office_reads_figures_by_township_and_village_never_households(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    [fei] = await County.insert(County(name="费县", code="371325000000"))
    [other] = await Township.insert(Township(county=fei["id"], name="费城镇", code="371325100000"))
    await log_in(client, "stat_county")
    county = await client.get("/statistics")
    assert county.status_code == 200
    assert "临涧镇" in county.text
    assert "费城镇" not in county.text
    listed = (await client.get("/statistics/list/cause/illness")).text
    assert "双河村" in listed
    assert "王大病" not in listed
    assert "孙空村" not in listed
    assert (await client.get(f"/statistics?township={township['township']}")).status_code == 200
    assert (await client.get(f"/statistics?township={other['id']}")).status_code == 404


async def test_a_township_cannot_read_another_township_and_a_cadre_reads_no_statistics(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    [other] = await Township.insert(Township(county=township["county"], name="地方镇", code="371326106000"))
    await log_in(client, "stat_admin")
    assert (await client.get(f"/statistics?township={other['id']}")).status_code == 404
    await log_in(client, "stat_cadre")
    assert (await client.get("/statistics")).status_code == 403


async def test_the_workbook_has_a_sheet_per_table_formatted_to_print_on_a4(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    await log_in(client, "stat_admin")
    response = await client.get(f"/statistics/report.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert (
        f"filename*=UTF-8''%E7%BB%9F%E8%AE%A1-%E4%B8%B4%E6%B6%A7%E9%95%87-{YEAR}.xlsx"
        in response.headers["content-disposition"]
    ), "统计-临涧镇-<year>.xlsx"
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 18, "a sheet per table"
    cause = book.worksheets[0]
    assert cause["A1"].value.startswith("临涧镇")
    assert [c.value for c in cause[2]][:3] == ["主要致贫原因", "户数", "人数"]
    assert cause["A2"].font.b
    assert cause.freeze_panes == "A3"
    assert cause.print_title_rows == "$1:$2"
    assert (cause.page_setup.fitToWidth or 1) == 1, "one page wide (1, the file format's default, may be left out)"
    assert cause.page_setup.fitToHeight == 0
    assert str(cause.page_setup.paperSize) == cause.PAPERSIZE_A4
    assert cause.print_options.gridLines
    assert cause.sheet_properties.pageSetUpPr.fitToPage
    assert cause.column_dimensions["A"].width >= 10
    assert cause.column_dimensions["B"].width == 8, "as wide as its figures, at least 8"
    [measures] = [sheet for sheet in book.worksheets if "帮扶措施分类统计" in sheet.title]
    money = next(row for row in measures.iter_rows(min_row=3) if row[0].value == "医疗扶持")
    assert money[3].value == 500
    assert money[3].number_format == "#,##0.00"
    assert await AuditEvent.exists().where(AuditEvent.action == "export")


async def test_a_risk_case_past_its_clock_is_counted_in_red_with_words_by_village(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    found = today() - timedelta(days=40)
    await RiskCase.insert(
        RiskCase(
            household=register["li"],
            state="noticed",
            source="reported",
            found_on=found,
            notice_starts_on=found,
            notice_ends_on=found + timedelta(days=6),
        )
    )
    await log_in(client, "stat_admin")
    html = (await client.get("/statistics?chapter=progress")).text
    shuanghe = row_of(html, "clocks", str(township["village"]))
    assert "1 超时限" in shuanghe, "not confirmed within 15 days, and no measure within 15 days"
    assert shuanghe.count("超时限") == 2
    assert "超时限" not in row_of(html, "clocks", str(register["empty_village"]))


async def test_the_county_statistics_page_runs_the_same_statements_whatever_the_number_of_households(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int], db: Any
) -> None:
    statements: list[str] = []
    db.connection.add_query_logger(lambda record: statements.append(record.query))
    await log_in(client, "stat_county")
    await client.get("/statistics")  # the first request also logs the login and asyncpg's type look-ups
    few: dict[str, int] = {}
    for chapter in CHAPTERS:
        statements.clear()
        assert (await client.get(f"/statistics?chapter={chapter}")).status_code == 200
        few[chapter] = len(statements)
    statements.clear()
    assert (await client.get("/statistics/report.xlsx")).status_code == 200
    few["workbook"] = len(statements)
    for n in range(3):
        [town] = await Township.insert(Township(county=township["county"], name=f"新镇{n}", code=f"37132620{n}000"))
        [village] = await Village.insert(
            Village(township=town["id"], name=f"新村{n}", code=f"37132620{n}001", population=500)
        )
        for k in range(5):
            await add_household(village["id"], f"X{n}-{k}", f"新户主{n}{k}", main_cause="illness")
    statements.clear()
    page = await client.get("/statistics")
    assert "新镇2" in page.text
    assert len(statements) == few["register"]
    for chapter in CHAPTERS:
        statements.clear()
        assert (await client.get(f"/statistics?chapter={chapter}")).status_code == 200
        assert len(statements) == few[chapter], chapter
    statements.clear()
    assert (await client.get("/statistics/report.xlsx")).status_code == 200
    assert len(statements) == few["workbook"]


async def test_placements_are_counted_with_those_still_working_at_the_first_check_by_village(
    client: httpx.AsyncClient, register: dict[str, int], township: dict[str, int]
) -> None:
    firm = Employer(township=township["township"], name="巧手服装扶贫车间", approved=True)
    await firm.save()
    job = await make_job(firm.id, township["township"])
    worker = await Member.select(Member.id).where(Member.household == register["wang"]).first()
    assert worker is not None
    referral = Referral(job=job, member=worker["id"], consent=True, status="hired")
    await referral.save()
    [placement] = await Placement.insert(
        Placement(referral=referral.id, start_date=date(2026, 6, 1), monthly_wage=3000)
    )
    await PlacementCheck.insert(
        PlacementCheck(placement=placement["id"], months=1, due_on=date(2026, 7, 1), still_working=True)
    )
    await log_in(client, "stat_admin")
    html = (await client.get("/statistics?chapter=projects")).text
    assert "1 个月后仍在岗" in html.split('id="table-placements"', 1)[1]
    shuanghe = row_of(html, "placements", str(township["village"]))
    cells = [cell.split(">", 1)[1].strip() for cell in shuanghe.split("</td>")[1:-1]]
    assert cells == ["0", "1", "1", "1", "1", "0", "0"], (
        "open jobs here (the job is the township's), referrals, placed, working, at 1/3/6 months"
    )


async def test_the_incidence_figure_counts_people_and_its_list_says_how_many_people_its_households_hold(
    client: httpx.AsyncClient, register: dict[str, int]
) -> None:
    """ "113" people opened a list saying "共 32 条": the households. It now says "共 32 户，113 人"."""
    await log_in(client, "stat_admin")
    html = (await client.get(f"/statistics?year={YEAR}&chapter=register")).text
    figure = re.search(r'href="(/statistics/list/incidence/all[^"]*)">(\d+)<', html)
    assert figure is not None, "the total of people in poor households opens its list"
    listed = (await client.get(figure[1].replace("&amp;", "&"))).text
    count = re.search(r"共 (\d+) 户，(\d+) 人", listed)
    assert count is not None
    assert count[2] == figure[2], "the list's people are the figure's"
    assert int(count[1]) == listed.count('<td data-label="户主"')
