"""The county office sees each township's coverage and nothing of the households behind the figures."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx
from openpyxl import load_workbook

from server.audit.tables import AuditEvent
from server.clock import this_year, today
from server.employers.tables import Employer
from server.households.tables import Household, Member
from server.jobs.figures import county_figures
from server.jobs.tables import Placement, Referral
from server.monitoring.rate import county_return_rates
from server.monitoring.tables import ClosedReturnRate, StatusEvent
from server.monitoring.yearly import county_years
from server.pairing.coverage import county_coverage
from server.places.tables import County, Township, Village
from server.policy.registry import RETURN_RATE_CAP_PERCENT, THIRD_CHECK_MONTHS
from server.visits.tables import FollowUp, Visit
from tests.county.conftest import Counties
from tests.helpers import log_in, record_rule, statements_of
from tests.jobs.conftest import make_job
from tests.pairing.conftest import add_household


async def test_the_county_figures_add_up_its_townships_and_leave_the_neighbour_out(
    counties: Counties, township: dict[str, int]
) -> None:
    data = await county_coverage(township["county"])
    c = data.county
    assert (c.households, c.covered, c.uncovered, c.percent) == (6, 4, 2, 67)  # 66.7%, to the nearest whole
    assert (c.leaders_meeting, c.leaders, c.members_meeting, c.members) == (0, 1, 2, 2)
    assert [(t.name, t.households, t.covered) for t in data.townships] == [("临涧镇", 4, 3), ("地方镇", 2, 1)]
    assert data.townships[0].unvisited_alert_days == 60


async def test_the_county_home_shows_each_township_and_no_household(
    client: httpx.AsyncClient, counties: Counties
) -> None:
    await log_in(client, "xian")
    home = await client.get("/")
    assert home.status_code == 200
    text = home.text
    assert "平邑县" in text
    assert "4/6" in text
    assert 'data-township="临涧镇"' in text
    assert f'href="/county/townships/{counties.difang}"' in text
    assert "费城镇" not in text, "another county's township"
    for head in ("临户主1", "地户主1", "费户主1"):
        assert head not in text


async def test_a_township_of_the_county_opens_by_village_and_a_neighbours_is_not_found(
    client: httpx.AsyncClient, counties: Counties
) -> None:
    await log_in(client, "xian")
    page = await client.get(f"/county/townships/{counties.linjian}")
    assert page.status_code == 200
    assert 'data-village="双河村"' in page.text
    assert "3/4" in page.text
    assert "临户主4" not in page.text
    assert "/coverage/uncovered" not in page.text, "no link to a list of households"
    assert (await client.get(f"/county/townships/{counties.feicheng}")).status_code == 404


async def test_the_county_office_opens_no_household_page_or_list(client: httpx.AsyncClient, counties: Counties) -> None:
    await log_in(client, "xian")
    for path in ("/coverage", "/coverage/uncovered", "/households", "/pairings", "/monitoring"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/jobs")).status_code == 404, "the jobs area answers outsiders with 404"
    assert (await client.get(f"/households/{counties.households['T1']}")).status_code in (403, 404)


async def test_township_staff_cannot_open_the_county_pages(client: httpx.AsyncClient, counties: Counties) -> None:
    await log_in(client, "c_leader")
    assert (await client.get(f"/county/townships/{counties.linjian}")).status_code == 403
    assert (await client.get("/county/figures.xlsx")).status_code == 403


async def test_the_county_xlsx_has_the_same_figures_and_is_audited(
    client: httpx.AsyncClient, counties: Counties
) -> None:
    await log_in(client, "xian")
    response = await client.get("/county/figures.xlsx")
    assert response.status_code == 200
    named = f"全县数据-{today().isoformat()}.xlsx"  # a week's download is told from the last one's in the folder
    assert f"filename*=UTF-8''{quote(named)}" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["覆盖", "返贫率", "就业帮扶"]
    rows = [[cell.value for cell in row] for row in book["覆盖"].iter_rows()]
    assert rows[0][0] == "县或乡镇"
    assert rows[1][:4] == ["平邑县", 6, 4, 2]
    assert [row[:3] for row in rows[2:]] == [["临涧镇", 4, 3], ["地方镇", 2, 1]]
    rates = list(book["返贫率"].iter_rows(values_only=True))
    assert [row[0] for row in rates] == ["县或乡镇", "平邑县", "临涧镇", "地方镇"]
    jobs = list(book["就业帮扶"].iter_rows(values_only=True))
    assert jobs[1][0] == "乡镇"
    assert jobs[-1][0] == "全县"
    assert await AuditEvent.exists().where((AuditEvent.action == "export") & (AuditEvent.target_type == "county"))


# The session's user, the county's name with the lists waiting, coverage (households and cadres in one), the
# return-to-poverty rates with their caps, employment with the checks' months, the year figures with their caps and
# the closed years.
COUNTY_HOME_STATEMENTS = 6


async def test_the_county_home_sends_the_same_six_statements_whatever_the_size(
    client: httpx.AsyncClient, counties: Counties, township: dict[str, int], caplog: Any
) -> None:
    await log_in(client, "xian")
    assert await statements_of(client, "/", caplog) == COUNTY_HOME_STATEMENTS
    for n in range(3):
        town = Township(county=township["county"], name=f"新镇{n}", code=f"37132620{n}000")
        await town.save()
        village = Village(township=town.id, name=f"新村{n}", code=f"37132620{n}001")
        await village.save()
        for k in range(5):
            await add_household(village.id, f"X{n}-{k}", f"新户主{n}{k}", status="out_supported" if k else "returned")
    assert await statements_of(client, "/", caplog) == COUNTY_HOME_STATEMENTS
    assert "新镇2" in (await client.get("/")).text


async def test_the_county_sees_each_townships_return_to_poverty_rate_without_the_households(
    client: httpx.AsyncClient, counties: Counties, township: dict[str, int]
) -> None:
    h = counties.households
    for code, status in (("T1", "returned"), ("T2", "out_supported"), ("S1", "out_unsupported"), ("O1", "returned")):
        await Household.update({Household.status: status}).where(Household.id == h[code])
    county, townships = await county_return_rates(township["county"], "平邑县", today())
    assert (county.lifted, county.returned, county.percent) == (3, 1, Decimal("33.33"))
    assert [(t.name, t.lifted, t.returned) for t in townships] == [("临涧镇", 2, 1), ("地方镇", 1, 0)]
    assert townships[0].over_cap
    await log_in(client, "xian")
    text = (await client.get("/")).text
    assert "33.33%" in text
    assert text.count("data-over-cap") == 2, "the county and 临涧镇 are over the cap, 地方镇 is not"
    assert "超过 3.5% 控制线" in text, "marked in words, not only in colour"
    assert "/monitoring/rate/households" not in text, "no link to the households behind the rate"


async def test_the_county_home_judges_each_place_by_the_rules_recorded_for_it(
    counties: Counties, township: dict[str, int]
) -> None:
    county_id = township["county"]
    await record_rule(RETURN_RATE_CAP_PERCENT, 5, county=county_id, on=date(this_year() - 2, 7, 1))
    await record_rule(RETURN_RATE_CAP_PERCENT, 2.5, township=counties.difang, on=date(this_year() - 1, 1, 1))
    await record_rule(THIRD_CHECK_MONTHS, 9, county=county_id)
    county, townships = await county_return_rates(county_id, "平邑县", today())
    assert [county.cap, *(t.cap for t in townships)] == [Decimal("5.00"), Decimal("5.00"), Decimal("2.50")]
    years = {int(f.rate.id or 0): f.rate.cap for f in await county_years(county_id, "平邑县", this_year())}
    assert years == {
        this_year(): Decimal("5.00"),
        this_year() - 1: Decimal("5.00"),
        this_year() - 2: Decimal("5.00"),  # from July: in force at the year's end
        this_year() - 3: Decimal("3.50"),
        this_year() - 4: Decimal("3.50"),
    }
    assert (await county_figures(county_id, today()))["check_months"] == (1, 3, 9)
    empty = County(name="空县", code="371399000000")  # no township: the months without a row to bring them
    await empty.save()
    await record_rule(THIRD_CHECK_MONTHS, 8, county=empty.id)
    assert (await county_figures(empty.id, today()))["check_months"] == (1, 3, 8)


async def test_the_county_year_adds_a_closed_townships_kept_figure_to_the_others_counted(
    counties: Counties, township: dict[str, int]
) -> None:
    """A year one township closed: its villages' kept figures (summed) stand for it, the other's events are counted;
    the year is closed for the county once both townships closed it, as of the later closing."""
    h, last = counties.households, this_year() - 1
    events = [(h["T1"], "out_supported", 3), (h["S1"], "out_supported", 4), (h["S1"], "returned", 4)]
    for n, (household, status_to, people) in enumerate(events):
        source = "exit" if status_to == "out_supported" else "monitoring"
        await StatusEvent.insert(
            StatusEvent(household=household, status_to=status_to, happened_on=date(last, 3 + n, 1), people=people,
                        source=source, source_id=9300 + n)
        )  # fmt: skip

    async def figure() -> tuple[int, int, int, int, datetime | None]:
        [year] = [f for f in await county_years(township["county"], "平邑县", this_year()) if f.rate.id == last]
        r = year.rate
        return r.lifted, r.returned, r.lifted_people, r.returned_people, year.closed_at

    assert await figure() == (2, 1, 7, 4, None)
    linjian_village = township["village"]
    second = Village(township=counties.linjian, name="后村", code="371326105099")
    await second.save()
    first_closed, second_closed = datetime(last + 1, 1, 5, tzinfo=UTC), datetime(last + 1, 1, 9, tzinfo=UTC)
    for village, counts, at in ((linjian_village, (4, 1, 9, 2), first_closed), (second.id, (1, 1, 2, 2), first_closed)):
        lifted, returned, lifted_people, returned_people = counts
        await ClosedReturnRate.insert(
            ClosedReturnRate(village=village, year=last, lifted=lifted, returned=returned, lifted_people=lifted_people,
                             returned_people=returned_people, closed_at=at)
        )  # fmt: skip
    assert await figure() == (5 + 1, 2 + 1, 11 + 4, 4 + 4, None), "临涧镇 kept, 地方镇 counted"
    [east] = await Village.select(Village.id).where(Village.township == counties.difang)
    await ClosedReturnRate.insert(
        ClosedReturnRate(village=east["id"], year=last, lifted=3, returned=0, lifted_people=6, returned_people=0,
                         closed_at=second_closed)
    )  # fmt: skip
    assert await figure() == (8, 2, 17, 4, second_closed)


async def test_the_county_sees_employment_by_township(
    client: httpx.AsyncClient, counties: Counties, township: dict[str, int]
) -> None:
    firm = Employer(township=counties.linjian, name="巧手服装扶贫车间", approved=True)
    await firm.save()
    job = await make_job(firm.id, counties.linjian)
    worker = await Member.select(Member.id).where(Member.household == counties.households["T1"]).first()
    referral = Referral(job=job, member=worker["id"], consent=True, status="hired")
    await referral.save()
    await Placement.insert(Placement(referral=referral.id, start_date=date(2026, 6, 1), monthly_wage=3000))
    data = await county_figures(township["county"], today())
    assert [(t["name"], t["open_jobs"], t["referrals"], t["working"]) for t in data["townships"]] == [
        ("临涧镇", 1, 1, 1),
        ("地方镇", 0, 0, 0),
    ]
    await log_in(client, "xian")
    text = (await client.get("/")).text
    assert 'id="county-jobs"' in text
    assert "临户主1" not in text


async def test_the_county_counts_visits_and_overdue_follow_ups_of_its_own_households_only(
    counties: Counties, township: dict[str, int], make_user: Any
) -> None:
    """The coverage reads the period's visits and overdue follow-ups by date, whoever's: the neighbour's stay out."""
    cadre = await make_user("cadre", username="c_visitor")
    for code in ("T1", "O1"):
        await Visit.insert(Visit(client_id=uuid.uuid4(), household=counties.households[code], cadre=cadre, note="入户"))
    for code in ("S1", "O1"):
        await FollowUp.insert(FollowUp(household=counties.households[code], due_on=today() - timedelta(days=3)))
    data = await county_coverage(township["county"])
    assert (data.county.households, data.county.unvisited, data.county.overdue) == (6, 5, 1)
    assert [(t.name, t.unvisited, t.overdue) for t in data.townships] == [("临涧镇", 3, 0), ("地方镇", 2, 1)]
