"""The responsible cadre drafts the year's help plan on the phone; it shows what was delivered and what is open."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from server.clock import TIMEZONE, this_year, today
from server.households.tables import Household
from server.pairing.coverage import coverage
from server.plans import queries
from server.plans.tables import HelpPlan, HelpPlanItem
from server.visits.tables import Visit, VisitMeasure
from tests.helpers import csrf_token_of, log_in
from tests.visits.conftest import send_visit

YEAR = this_year()


async def add_item(client: httpx.AsyncClient, household: int, **fields: str) -> httpx.Response:
    page = await client.get(f"/households/{household}/plan?year={YEAR}")
    assert page.status_code == 200
    client_id = page.text.split('name="client_id" value="', 1)[1].split('"', 1)[0]
    data = {"_csrf_token": csrf_token_of(page.text), "client_id": client_id, **fields}
    return await client.post(f"/households/{household}/plan/items?year={YEAR}", data=data)


async def test_the_causes_of_poverty_suggest_measures_on_the_plan_form(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await Household.update({Household.main_cause: "illness", Household.secondary_causes: ["schooling"]}).where(
        Household.id == world["monitored"]
    )
    page = await as_wang.get(f"/households/{world['monitored']}/plan")
    suggested = page.text.split("data-suggested>", 1)[1].split("</p>", 1)[0]
    assert "医疗扶持" in suggested
    assert "教育扶持" in suggested


async def test_a_planned_measure_is_open_until_a_visit_delivers_it(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    answer = await add_item(as_wang, household, type="industry", what="发放鸡苗200只", due_on=f"{YEAR}-12-31",
                            amount="2000", target="年增收3000元")  # fmt: skip
    assert answer.status_code == 303
    [item] = await queries.items(household, YEAR)
    assert (item.type, item.what, item.delivered) == ("industry", "发放鸡苗200只", False)
    page = await as_wang.get(f"/households/{household}/plan?year={YEAR}")
    assert "未落实" in page.text.split('id="plan-items"', 1)[1]
    assert 'hx-confirm="从帮扶计划中删除“产业扶贫”？"' in page.text, "one tap does not remove a planned measure"

    await send_visit(as_wang, household, {"note": "送鸡苗", "measure_type": "industry", "measure_amount": "2000"})

    [item] = await queries.items(household, YEAR)
    assert item.delivered_on == today()
    page = await as_wang.get(f"/households/{household}/plan?year={YEAR}")
    assert "已落实" in page.text.split('id="plan-items"', 1)[1]


async def test_a_delivery_short_of_the_planned_amount_meets_the_item_and_says_how_much_of_it(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    await add_item(as_wang, household, type="industry", what="发放鸡苗200只", due_on=f"{YEAR}-12-31", amount="3000")
    await send_visit(as_wang, household, {"note": "发放鸡苗50只", "measure_type": "industry", "measure_amount": "2000"})
    [item] = await queries.items(household, YEAR)
    assert item.delivered, "met, as the plan rules say: a delivery of its type"
    assert item.short_of_plan
    shown = (await as_wang.get(f"/households/{household}/plan?year={YEAR}")).text.split('id="plan-items"', 1)[1]
    assert "已落实 2000.00 / 计划 3000.00 元" in shown
    manual = (await as_wang.get(f"/households/{household}/manual?year={YEAR}")).text
    assert "已落实 2000.00 / 计划 3000.00 元" in manual


async def test_two_planned_measures_of_one_type_need_two_deliveries(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    for due in (f"{YEAR}-06-30", f"{YEAR}-12-31"):
        assert (await add_item(as_wang, household, type="medical", due_on=due)).status_code == 303
    await send_visit(as_wang, household, {"note": "报销", "measure_type": "medical"})
    items = await queries.items(household, YEAR)
    assert [item.delivered for item in items] == [True, False]


async def test_a_plan_item_without_a_type_or_date_is_refused_and_nothing_is_written(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    no_type = await add_item(as_wang, household, type="", due_on=f"{YEAR}-05-01")
    no_date = await add_item(as_wang, household, type="education", due_on="")
    other_year = await add_item(as_wang, household, type="education", due_on=f"{YEAR + 1}-05-01")
    negative = await add_item(as_wang, household, type="education", due_on=f"{YEAR}-05-01", amount="-5")
    assert [r.status_code for r in (no_type, no_date, other_year, negative)] == [422, 422, 422, 422]
    assert "请选择措施类型" in no_type.text
    assert "请填写计划完成日期" in no_date.text
    assert await HelpPlanItem.count() == 0
    assert await HelpPlan.count() == 0


async def test_the_same_form_sent_twice_adds_one_item(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    household = world["monitored"]
    page = await as_wang.get(f"/households/{household}/plan?year={YEAR}")
    data = {"_csrf_token": csrf_token_of(page.text), "client_id": str(uuid.uuid4()), "type": "housing",
            "due_on": f"{YEAR}-09-30"}  # fmt: skip
    for _ in range(2):
        assert (await as_wang.post(f"/households/{household}/plan/items?year={YEAR}", data=data)).status_code == 303
    assert await HelpPlanItem.count() == 1


async def test_an_overdue_item_is_in_the_cadres_due_list_and_the_village_figures(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    [plan] = await HelpPlan.insert(HelpPlan(household=household, year=YEAR, drafted_by=world["wang"]))
    yesterday, later = today() - timedelta(days=1), date(YEAR, 12, 31)
    if yesterday.year != YEAR:  # the first of January: nothing of this year can be overdue yet
        return
    await HelpPlanItem.insert(
        HelpPlanItem(plan=plan["id"], client_id=uuid.uuid4(), type="education", due_on=yesterday, what="助学金"),
        HelpPlanItem(plan=plan["id"], client_id=uuid.uuid4(), type="medical", due_on=later),
    )
    home = await as_wang.get("/")
    assert "data-plan-overdue>1<" in home.text.replace(" ", "")
    due = await as_wang.get("/plans/due")
    assert "助学金" in due.text.split('id="overdue-items"', 1)[1]

    await log_in(as_wang, "li")  # another cadre: not theirs
    assert "助学金" not in (await as_wang.get("/plans/due")).text

    await log_in(as_wang, "boss")
    figures = await coverage(world["township"], plan_year=YEAR)
    counts = {village.id: village.plan_overdue for village in figures.villages if village.plan_overdue}
    direct = await HelpPlanItem.count().where(HelpPlanItem.due_on < today())
    assert counts == {world["village"]: direct} == {world["village"]: 1}
    page = await as_wang.get("/coverage")
    assert page.status_code == 200
    assert 'id="plan-overdue">1<' in page.text


async def test_plan_items_to_deliver_are_those_of_the_households_paired_with_you(
    client: httpx.AsyncClient, world: dict[str, int], make_user: Any
) -> None:
    """A village cadre sees the village's households but answers for the plans of their own; a leader's home counts
    their own paired households beside their own follow-ups, and the leader's list reads the township."""
    yesterday = today() - timedelta(days=1)
    if yesterday.year != YEAR:  # the first of January: nothing of this year can be overdue yet
        return
    [plan] = await HelpPlan.insert(HelpPlan(household=world["monitored"], year=YEAR, drafted_by=world["wang"]))
    await HelpPlanItem.insert(
        HelpPlanItem(plan=plan["id"], client_id=uuid.uuid4(), type="education", due_on=yesterday, what="助学金")
    )
    await make_user("cadre", username="zhao", village_id=world["village"])  # lives in the household's village
    await log_in(client, "zhao")
    assert (await client.get(f"/households/{world['monitored']}/plan")).status_code == 200, "zhao may read it"
    assert "data-plan-overdue>0<" in (await client.get("/")).text.replace(" ", "")
    assert "助学金" not in (await client.get("/plans/due")).text

    await log_in(client, "boss")  # the leader, paired with no household of the world
    assert "data-plan-overdue>0<" in (await client.get("/")).text.replace(" ", "")
    township = await client.get("/plans/due")
    assert "助学金" in township.text.split('id="overdue-items"', 1)[1]
    own = await client.get("/plans/due?mine=1")
    assert own.status_code == 200
    assert "助学金" not in own.text
    assert "您结对帮扶户" in own.text


async def test_an_inspector_reads_a_plan_but_cannot_write_one(
    client: httpx.AsyncClient, world: dict[str, int], make_user: Any
) -> None:
    await make_user("inspector", username="insp")
    await log_in(client, "insp")
    page = await client.get(f"/households/{world['monitored']}/plan")
    assert page.status_code == 200
    assert 'name="client_id"' not in page.text
    own_page = await client.get("/me")  # a page with a form of the inspector's own
    data = {"_csrf_token": csrf_token_of(own_page.text), "client_id": str(uuid.uuid4()), "type": "housing",
            "due_on": f"{YEAR}-09-30"}  # fmt: skip
    answer = await client.post(f"/households/{world['monitored']}/plan/items?year={YEAR}", data=data)
    assert answer.status_code == 403  # the inspection group writes only its own checks
    assert await HelpPlanItem.count() == 0


async def test_a_plan_of_the_year_is_delivered_only_by_measures_of_its_local_days(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """The match reads only the year's deliveries: a measure at 23:30 on the last local day of the year before does
    not deliver this year's item; one at 00:30 on its first local day (still the year before in UTC) does."""
    household = world["monitored"]
    assert (await add_item(as_wang, household, type="medical", due_on=f"{YEAR}-06-30")).status_code == 303
    year_start = datetime(YEAR, 1, 1, tzinfo=TIMEZONE)
    for moment in (year_start - timedelta(minutes=30), year_start + timedelta(minutes=30)):
        [visit] = await Visit.insert(Visit(client_id=uuid.uuid4(), household=household, cadre=world["wang"],
                                           visited_at=moment, note="报销"))  # fmt: skip
        await VisitMeasure.insert(VisitMeasure(visit=visit["id"], type="medical"))
        [item] = await queries.items(household, YEAR)
        assert item.delivered_on == (year_start.date() if moment > year_start else None)
