"""The annual assessment of a cadre, from what was recorded; the township's .xlsx; who may see which sheet."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from server.audit.tables import AuditEvent
from server.clock import TIMEZONE
from server.employers.tables import Employer
from server.households.tables import Member
from server.jobs.tables import JobPost, Placement, PlacementCheck, Referral
from server.monitoring.assessment import assess
from server.monitoring.tables import RiskCase
from server.pairing.tables import Pairing
from server.policy.registry import MONITORING_LINE, POVERTY_LINE
from server.visits.tables import FollowUp, Visit, VisitMeasure
from tests.helpers import record_rule, statements_of
from tests.monitoring.conftest import as_user, make_household, this_year

YEAR = this_year() - 1  # a year that is over, so every date below is in the past


def at(month: int, day: int, year: int = YEAR) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=TIMEZONE)


async def visit(household: int, cadre: int, when: datetime, kind: str = "home", measures: Any = ()) -> int:
    row = Visit(household=household, cadre=cadre, visited_at=when, kind=kind, note="走访")
    await row.save()
    for position, (kind_of, amount) in enumerate(measures):
        await VisitMeasure.insert(VisitMeasure(visit=row.id, type=kind_of, amount=amount, position=position))
    return int(row.id)


@pytest.fixture
async def record(world: dict[str, Any], make_user: Any, township: dict[str, int]) -> dict[str, Any]:
    """Cadre 孙志强's year, with every figure known by hand (see the assertions)."""
    await record_rule(POVERTY_LINE, "4500", county=township["county"], year=YEAR)
    await record_rule(MONITORING_LINE, "7300", county=township["county"], year=YEAR)
    cadre = await make_user("cadre", username="kcadre", display_name="孙志强")
    rich = await make_household(world["village"], "富裕户", 9000)  # above 7300
    poor = await make_household(world["village"], "困难户", 5000)
    later = await make_household(world["village"], "明年户", 5000)
    await Pairing.insert(
        Pairing(household=rich, cadre=cadre, rank=2, started_on=date(YEAR, 3, 1)),
        Pairing(household=poor, cadre=cadre, rank=2, started_on=date(YEAR - 1, 6, 1), ended_on=date(YEAR, 2, 1)),
        Pairing(household=later, cadre=cadre, rank=2, started_on=date(YEAR + 1, 1, 5)),
    )
    await visit(rich, cadre, at(4, 8), measures=[("industry", Decimal("2000"))])
    late_visit = await visit(
        rich, cadre, at(5, 10), measures=[("industry", Decimal("1000")), ("medical", Decimal("500"))]
    )
    await visit(poor, cadre, at(1, 20), kind="phone")
    await visit(poor, cadre, at(12, 20, YEAR - 1), measures=[("education", Decimal("800"))])  # the year before
    on_time_visit = await Visit.select(Visit.id).where(Visit.visited_at == at(4, 8)).first()
    assert on_time_visit is not None
    closed = datetime.now(TIMEZONE)
    await FollowUp.insert(
        FollowUp(
            household=rich, due_on=date(YEAR, 4, 10), cadre=cadre, closed_by_visit=on_time_visit["id"], closed_at=closed
        ),
        FollowUp(household=rich, due_on=date(YEAR, 5, 1), cadre=cadre, closed_by_visit=late_visit, closed_at=closed),
        FollowUp(household=poor, due_on=date(YEAR, 6, 1), cadre=cadre, reason="measure"),
    )
    await _placement(township, rich)
    await RiskCase.insert(
        RiskCase(
            household=poor,
            state="cleared",
            source="reported",
            found_on=date(YEAR, 1, 5),
            notice_starts_on=date(YEAR, 1, 6),
            notice_ends_on=date(YEAR, 1, 12),
            confirmed_on=date(YEAR, 1, 13),
            monitoring_type="sudden",
            cleared_on=date(YEAR, 1, 30),
        )
    )
    return {"cadre": cadre, "rich": rich, "poor": poor}


async def _placement(township: dict[str, int], household: int) -> None:
    employer = Employer(township=township["township"], name="巧手服装扶贫车间", approved=True)
    await employer.save()
    job = JobPost(
        employer=employer.id,
        township=township["township"],
        title="缝纫工",
        wage_min=Decimal(2000),
        wage_max=Decimal(2600),
        closing_date=date(YEAR, 12, 31),
    )
    await job.save()
    member = await Member.select(Member.id).where(Member.household == household).first()
    assert member is not None
    referral = Referral(job=job.id, member=member["id"], consent=True, status="hired")
    await referral.save()
    placement = Placement(referral=referral.id, start_date=date(YEAR, 3, 1), monthly_wage=Decimal(2200))
    await placement.save()
    await PlacementCheck.insert(
        PlacementCheck(placement=placement.id, months=1, due_on=date(YEAR, 4, 1), still_working=True),
        PlacementCheck(placement=placement.id, months=3, due_on=date(YEAR, 6, 1), still_working=True),
        PlacementCheck(placement=placement.id, months=6, due_on=date(YEAR, 9, 1), still_working=False),
    )


def figure(html: str, name: str) -> str:
    return html.split(f'data-figure="{name}">', 1)[1].split("</div>", 1)[0].strip()


async def test_the_sheet_adds_up_what_the_cadre_recorded_during_the_year(
    client: httpx.AsyncClient, record: dict[str, Any]
) -> None:
    page = await (await as_user(client, "mleader")).get(f"/monitoring/assessment/{record['cadre']}?year={YEAR}")
    assert page.status_code == 200
    assert figure(page.text, "visits") == "3"
    assert figure(page.text, "on-time") == "1"
    assert figure(page.text, "late") == "1"
    assert figure(page.text, "overdue") == "1"
    assert figure(page.text, "kept-3") == "1 / 1"
    assert figure(page.text, "kept-6") == "0 / 1"
    assert figure(page.text, "above-line") == "1 / 2"
    assert figure(page.text, "risks-cleared").endswith("1")
    measures = page.text.split('id="measures"', 1)[1].split("</table>", 1)[0]
    assert "产业" in measures
    assert "3000.00" in measures
    assert "500.00" in measures
    assert "3500.00" in measures
    assert "800.00" not in measures  # delivered the year before
    pairings = page.text.split('id="pairings"', 1)[1].split("</table>", 1)[0]
    assert "富裕户" in pairings
    assert f"{YEAR}-03-01" in pairings
    assert f"{YEAR}-02-01" in pairings
    assert "明年户" not in pairings


async def test_the_sheet_says_when_the_year_has_no_monitoring_line(
    client: httpx.AsyncClient, record: dict[str, Any]
) -> None:
    page = await (await as_user(client, "mleader")).get(f"/monitoring/assessment/{record['cadre']}?year=2031")
    assert "未设置 2031 年监测线，请在乡镇设置中填写" in page.text


async def test_the_township_workbook_lists_cadres_alphabetically_without_rank_and_is_audited(
    client: httpx.AsyncClient, record: dict[str, Any], make_user: Any
) -> None:
    await make_user("cadre", username="evil", display_name='=HYPERLINK("http://x")')
    answer = await (await as_user(client, "madmin")).get(f"/monitoring/assessment.xlsx?year={YEAR}")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:4] == ["乡镇", "干部", "职务", "帮扶户数"]
    assert not any(word in str(cell) for cell in header for word in ("排名", "名次", "得分", "评分", "rank", "score"))
    names = [row[1] for row in rows[1:] if row and row[1]]
    assert names == ['\'=HYPERLINK("http://x")', "刘晓燕", "孙志强", "王立新"]  # by pinyin initials: l, s, w
    assert rows[1][2] is None  # no post: an empty cell, not an empty text
    assert rows[1][11] is None  # no measures: the same
    sun = next(row for row in rows if row[1] == "孙志强")
    assert sun[3:11] == [2, 1, 3, 1, 1, 1, 3, 3500]
    assert sun[12:] == ["1/1", "0/1", 1, 1]
    event = await AuditEvent.select().where(AuditEvent.action == "export").first()
    assert event is not None
    assert event["target_type"] == "township"


async def test_a_cadre_sees_their_own_sheet_and_no_other(
    client: httpx.AsyncClient, record: dict[str, Any], world: dict[str, Any]
) -> None:
    await as_user(client, "kcadre")
    assert (await client.get(f"/monitoring/assessment/{record['cadre']}?year={YEAR}")).status_code == 200
    assert (await client.get(f"/monitoring/assessment/{world['cadre']}?year={YEAR}")).status_code == 404
    assert (await client.get(f"/monitoring/assessment.xlsx?year={YEAR}")).status_code == 403


async def test_a_leader_cannot_see_a_cadre_of_another_township(
    client: httpx.AsyncClient, record: dict[str, Any], world: dict[str, Any], township: dict[str, int]
) -> None:
    from server.accounts.tables import User
    from server.places.tables import Township

    other = Township(county=township["county"], name="保太镇", code="371326106000")
    await other.save()
    await User.update({User.township: other.id}).where(User.id == record["cadre"])
    await as_user(client, "mleader")
    assert (await client.get(f"/monitoring/assessment/{record['cadre']}?year={YEAR}")).status_code == 404
    assert (await client.get(f"/monitoring/assessment/{world['admin']}?year={YEAR}")).status_code == 404  # not a cadre


async def test_the_assessment_list_has_names_and_no_ranking(client: httpx.AsyncClient, record: dict[str, Any]) -> None:
    page = await (await as_user(client, "mleader")).get(f"/monitoring/assessment?year={YEAR}")
    cadres = page.text.split('id="cadres"', 1)[1]
    assert cadres.index("刘晓燕") < cadres.index("孙志强") < cadres.index("王立新")
    assert "排名" not in page.text.replace("不做排名", "")


async def test_the_assessment_list_steps_to_the_year_before_and_back_but_not_past_this_year(
    client: httpx.AsyncClient, record: dict[str, Any]
) -> None:
    await as_user(client, "mleader")
    current = await client.get("/monitoring/assessment")
    assert f'href="/monitoring/assessment?year={YEAR}" rel="prev">‹ {YEAR} 年</a>' in current.text
    assert 'rel="next"' not in current.text
    earlier = await client.get(f"/monitoring/assessment?year={YEAR}")
    assert f'href="/monitoring/assessment?year={YEAR + 1}" rel="next">{YEAR + 1} 年 ›</a>' in earlier.text


async def test_measures_of_visits_near_midnight_count_in_the_year_of_their_local_day_as_in_the_ledger(
    world: dict[str, Any], make_user: Any, township: dict[str, int]
) -> None:
    from server.households.tables import Household
    from server.monitoring.assessment import assess

    cadre = await make_user("cadre", username="nightcadre", display_name="马晓东")
    household = await make_household(world["village"], "午夜户", 5000)
    for when, kind, amount in [
        (datetime(YEAR, 1, 1, 0, 30, tzinfo=TIMEZONE), "industry", "100"),  # the 31st of December in UTC
        (datetime(YEAR, 12, 31, 23, 30, tzinfo=TIMEZONE), "medical", "20"),
        (datetime(YEAR - 1, 12, 31, 23, 59, tzinfo=TIMEZONE), "industry", "7"),
        (datetime(YEAR + 1, 1, 1, 0, 0, tzinfo=TIMEZONE), "medical", "9"),
    ]:
        await visit(household, cadre, when, measures=[(kind, Decimal(amount))])
    ledger = await Household.raw(
        "SELECT type, count(*) AS n, sum(amount) AS amount FROM delivered_measure WHERE cadre = {}"
        " AND extract(year FROM delivered_on) = {} GROUP BY type ORDER BY type",
        cadre,
        YEAR,
    )
    (item,) = await assess([township["township"]], YEAR, cadre)
    assert [(m["type"], m["count"], m["amount"]) for m in item.measures] == [
        (row["type"], row["n"], row["amount"]) for row in ledger
    ]
    assert [(m["type"], m["count"], m["amount"]) for m in item.measures] == [
        ("industry", 1, Decimal("100.00")),
        ("medical", 1, Decimal("20.00")),
    ]


async def test_a_visit_corrected_to_before_the_due_date_makes_its_follow_up_kept_on_time(
    client: httpx.AsyncClient, record: dict[str, Any]
) -> None:
    await Visit.update({Visit.visited_at: at(4, 30)}).where(Visit.visited_at == at(5, 10))
    page = await (await as_user(client, "mleader")).get(f"/monitoring/assessment/{record['cadre']}?year={YEAR}")
    assert figure(page.text, "on-time") == "2"
    assert figure(page.text, "late") == "0"


async def test_a_workbook_counts_the_households_and_new_pairings_the_cadres_sheet_lists(
    record: dict[str, Any], township: dict[str, int]
) -> None:
    [listed] = await assess([township["township"]], YEAR, cadre_id=record["cadre"])
    counted = {item.cadre["id"]: item for item in await assess([township["township"]], YEAR)}[record["cadre"]]
    assert (listed.households, listed.new_pairings, len(listed.pairings)) == (2, 1, 2)
    assert (counted.households, counted.new_pairings, counted.pairings) == (2, 1, [])
    assert (counted.above_line, counted.on_time, counted.late) == (listed.above_line, 1, 1)


async def test_the_workbook_and_a_sheet_send_the_same_statements_however_many_cadres_and_visits(
    client: httpx.AsyncClient, record: dict[str, Any], make_user: Any, world: dict[str, Any], caplog: Any
) -> None:
    await as_user(client, "madmin")
    pages = [f"/monitoring/assessment.xlsx?year={YEAR}", f"/monitoring/assessment/{record['cadre']}?year={YEAR}"]
    before = [await statements_of(client, page, caplog) for page in pages]
    for n in range(3):  # more cadres, each with a household visited twice, a follow-up closed, another open
        cadre = await make_user("cadre", username=f"more{n}", display_name=f"新干部{n}")
        household = await make_household(world["village"], f"新户{n}", 6000 + 1000 * n)
        await Pairing.insert(Pairing(household=household, cadre=cadre, rank=1, started_on=date(YEAR, 2, 1)))
        closing = await visit(household, cadre, at(3, 1 + n), measures=[("industry", Decimal("100"))])
        await visit(household, cadre, at(4, 1 + n), kind="phone")
        await FollowUp.insert(
            FollowUp(household=household, due_on=date(YEAR, 3, 5), cadre=cadre, closed_by_visit=closing,
                     closed_at=at(3, 1 + n)),
            FollowUp(household=household, due_on=date(YEAR, 6, 1), cadre=cadre, reason="measure"),
        )  # fmt: skip
    assert [await statements_of(client, page, caplog) for page in pages] == before == [10, 9]
