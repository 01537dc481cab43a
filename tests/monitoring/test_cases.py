"""A risk case: found → village notice → monitored → cleared, each step refused when out of order or misdated."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from server.audit.tables import AuditEvent
from server.households.tables import Household
from server.monitoring.tables import RiskCase
from server.visits.tables import Visit, VisitMeasure
from tests.monitoring.conftest import CHECKLIST, as_user, case_at, post_on, today


async def open_by_hand(client: httpx.AsyncClient, household: int, found: str) -> httpx.Response:
    data = {"household": str(household), "source": "reported", "found_on": found, "note": "村委会反映"}
    return await post_on(client, f"/monitoring/cases/new?household={household}", "/monitoring/cases", data)


async def case_of(household: int) -> dict[str, Any]:
    case = await RiskCase.select().where(RiskCase.household == household).first()
    assert case is not None
    return case


async def test_the_admin_takes_a_risk_through_notice_and_monitoring_to_cleared(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await as_user(client, "madmin")
    found = today() - timedelta(days=20)
    answer = await open_by_hand(client, world["near"], found.isoformat())
    assert answer.status_code == 303
    case = await case_of(world["near"])
    url = f"/monitoring/cases/{case['id']}"
    assert answer.headers["location"] == url
    notice = {
        "notice_starts_on": (found + timedelta(days=1)).isoformat(),
        "notice_ends_on": (found + timedelta(days=5)).isoformat(),
    }
    assert (await post_on(client, url, url + "/notice", notice)).status_code == 303
    assert (await case_of(world["near"]))["state"] == "noticed"
    confirm = {"monitoring_type": "marginal", "confirmed_on": (found + timedelta(days=6)).isoformat()}
    assert (await post_on(client, url, url + "/confirm", confirm)).status_code == 303
    household = await Household.select(Household.monitoring_type).where(Household.id == world["near"]).first()
    assert household == {"monitoring_type": "marginal"}
    clear = dict.fromkeys(CHECKLIST, "on") | {"cleared_on": today().isoformat()}
    assert (await post_on(client, url, url + "/clear", clear)).status_code == 303
    cleared = await case_of(world["near"])
    assert cleared["state"] == "cleared"
    assert cleared["cleared_income"] == Decimal("8000.00")
    assert all(cleared[code] for code in CHECKLIST)
    household = await Household.select(Household.monitoring_type).where(Household.id == world["near"]).first()
    assert household == {"monitoring_type": None}
    actions = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.target_type == "household") & (AuditEvent.target_id == str(world["near"]))
    )
    assert [a["action"] for a in actions] == [
        "risk_found",
        "risk_notice",
        "risk_confirm",
        "household_monitoring_changed",
        "risk_clear",
        "household_monitoring_changed",
    ]
    page = await client.get(url)
    assert "风险消除" in page.text
    assert "8000.00" in page.text


async def test_a_notice_ending_before_it_starts_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["under"], "found", found_days_ago=10)
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    start = today() - timedelta(days=5)
    answer = await post_on(
        client,
        url,
        url + "/notice",
        {"notice_starts_on": start.isoformat(), "notice_ends_on": (start - timedelta(days=1)).isoformat()},
    )
    assert answer.status_code == 422
    assert "公示结束日期不能早于开始日期" in answer.text
    assert (await case_of(world["under"]))["state"] == "found"


async def test_a_notice_shorter_than_five_days_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["under"], "found", found_days_ago=10)
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    start = today() - timedelta(days=5)
    four_days = {"notice_starts_on": start.isoformat(), "notice_ends_on": (start + timedelta(days=3)).isoformat()}
    answer = await post_on(client, url, url + "/notice", four_days)
    assert answer.status_code == 422
    assert "村级公示不少于 5 天" in answer.text
    five_days = {**four_days, "notice_ends_on": (start + timedelta(days=4)).isoformat()}
    assert (await post_on(client, url, url + "/notice", five_days)).status_code == 303


async def test_a_notice_starting_before_the_risk_was_found_is_refused(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await case_at(world, world["under"], "found", found_days_ago=10)
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    start = today() - timedelta(days=12)
    answer = await post_on(
        client, url, url + "/notice", {"notice_starts_on": start.isoformat(), "notice_ends_on": today().isoformat()}
    )
    assert answer.status_code == 409
    assert "公示开始日期不能早于风险发现日期" in answer.text


async def test_confirming_before_the_notice_ends_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["under"], "noticed", found_days_ago=5)  # notice ends in 2 days
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    answer = await post_on(
        client, url, url + "/confirm", {"monitoring_type": "marginal", "confirmed_on": today().isoformat()}
    )
    assert answer.status_code == 409
    assert "公示结束" in answer.text
    assert "后方可纳入监测" in answer.text
    household = await Household.select(Household.monitoring_type).where(Household.id == world["under"]).first()
    assert household == {"monitoring_type": None}


async def test_clearing_before_the_risk_was_found_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["near"], "monitored", found_days_ago=30)
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    early = dict.fromkeys(CHECKLIST, "on") | {"cleared_on": (today() - timedelta(days=40)).isoformat()}
    answer = await post_on(client, url, url + "/clear", early)
    assert answer.status_code == 409
    assert "风险消除日期不能早于风险发现日期" in answer.text
    assert (await case_of(world["near"]))["state"] == "monitored"


async def test_clearing_with_income_under_the_line_or_an_unchecked_condition_is_refused(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await case_at(world, world["under"], "monitored")
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    everything = dict.fromkeys(CHECKLIST, "on") | {"cleared_on": today().isoformat()}
    answer = await post_on(client, url, url + "/clear", everything)
    assert answer.status_code == 409
    assert "未高于监测线（7600.00 元）" in answer.text
    no_water = {k: v for k, v in everything.items() if k != "water_ok"}
    answer = await post_on(client, url, url + "/clear", no_water)
    assert answer.status_code == 422
    assert "须各项条件均满足方可消除风险" in answer.text
    assert (await case_of(world["under"]))["state"] == "monitored"


async def test_a_step_out_of_order_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["near"], "found")
    await as_user(client, "madmin")
    url = f"/monitoring/cases/{case_id}"
    answer = await post_on(
        client, url, url + "/confirm", {"monitoring_type": "sudden", "confirmed_on": today().isoformat()}
    )
    assert answer.status_code == 409
    assert "尚未完成村级公示，不能进行纳入监测" in answer.text


async def test_a_second_open_case_for_the_same_household_is_refused(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    await case_at(world, world["under"], "found")
    await as_user(client, "madmin")
    answer = await open_by_hand(client, world["under"], today().isoformat())
    assert answer.status_code == 409
    assert "该户已有在办的风险记录" in answer.text
    assert await RiskCase.count().where(RiskCase.household == world["under"]) == 1


async def test_a_risk_found_in_the_future_is_refused(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    await as_user(client, "madmin")
    answer = await open_by_hand(client, world["under"], (today() + timedelta(days=3)).isoformat())
    assert answer.status_code == 422
    assert await RiskCase.count().where(RiskCase.household == world["under"]) == 0


async def test_the_clocks_show_the_days_since_the_risk_was_found_and_the_missed_targets(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await case_at(world, world["under"], "found", found_days_ago=20)
    page = await (await as_user(client, "mleader")).get(f"/monitoring/cases/{case_id}")
    assert page.status_code == 200
    assert '<div class="stat__value" id="days-since-found">20</div>' in page.text
    assert page.text.count('stat__value text-warn">20<') == 2  # not confirmed, no measure, beyond 15 days
    overview = await client.get("/monitoring")
    assert "超过 15 天未纳入监测" in overview.text
    assert "15 天内无帮扶措施" in overview.text
    assert 'id="notice-form"' not in page.text  # leaders see, admins act


async def test_a_household_able_to_work_without_an_industry_or_employment_measure_is_pointed_out(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    from tests.monitoring.conftest import make_household

    household = await make_household(world["village"], "壮劳力", 6000, members=2, ages=[35, 70])
    case_id = await case_at(world, household, "monitored", found_days_ago=20)
    visit = Visit(household=household, cadre=world["cadre"], visited_at=_days_ago(10), note="送医疗救助")
    await visit.save()
    await VisitMeasure.insert(VisitMeasure(visit=visit.id, type="medical", amount=Decimal("500")))
    page = await (await as_user(client, "mleader")).get(f"/monitoring/cases/{case_id}")
    assert "data-no-work-measure" in page.text
    assert "该户有劳动能力（1 人），但尚无产业或就业帮扶措施" in page.text
    assert f'href="/visits/{visit.id}"' in page.text
    await VisitMeasure.insert(VisitMeasure(visit=visit.id, type="employment", position=1))
    page = await client.get(f"/monitoring/cases/{case_id}")
    assert "data-no-work-measure" not in page.text


async def test_a_household_without_anyone_able_to_work_gets_no_warning(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    case_id = await case_at(world, world["under"], "monitored")  # one member aged 70
    page = await (await as_user(client, "mleader")).get(f"/monitoring/cases/{case_id}")
    assert "data-no-work-measure" not in page.text


async def test_leaders_cannot_take_steps(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    case_id = await case_at(world, world["under"], "found")
    await as_user(client, "mleader")
    url = f"/monitoring/cases/{case_id}"
    page = await client.get(url)
    token = page.text.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]  # the page has no form for a leader
    data = {
        "_csrf_token": token,
        "notice_starts_on": today().isoformat(),
        "notice_ends_on": (today() + timedelta(days=6)).isoformat(),
    }
    answer = await client.post(url + "/notice", data=data)
    assert answer.status_code == 403
    assert (await case_of(world["under"]))["state"] == "found"


async def test_a_case_of_another_township_is_not_found(
    client: httpx.AsyncClient, world: dict[str, Any], make_user: Any
) -> None:
    from server.places.tables import County, Township, Village
    from tests.monitoring.conftest import make_household

    county = await County.select(County.id).first()
    assert county is not None
    other = Township(county=county["id"], name="保太镇", code="371326106000")
    await other.save()
    village = Village(township=other.id, name="外村", code="371326106001")
    await village.save()
    household = await make_household(village.id, "外乡户", 5000)
    case_id = await case_at(world, household, "found")
    page = await (await as_user(client, "mleader")).get(f"/monitoring/cases/{case_id}")
    assert page.status_code == 404


def _days_ago(days: int) -> Any:
    from datetime import datetime

    from server.clock import TIMEZONE

    return datetime.now(TIMEZONE) - timedelta(days=days)


async def test_a_lifted_household_below_the_poverty_line_is_confirmed_as_returned_and_the_rate_counts_it(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    from tests.monitoring.conftest import make_household

    fallen = await make_household(world["village"], "返贫户", 3000)
    case_id = await case_at(world, fallen, "noticed")
    above = await case_at(world, world["under"], "noticed")
    await as_user(client, "madmin")
    day = today().isoformat()
    for case, expected in ((above, 409), (case_id, 303)):
        url = f"/monitoring/cases/{case}"
        data = {"monitoring_type": "unstable", "confirmed_on": day, "returned": "on"}
        assert (await post_on(client, url, url + "/confirm", data)).status_code == expected
    statuses = await Household.select(Household.id, Household.status).where(
        Household.id.is_in([fallen, world["under"]])
    )
    assert {row["id"]: row["status"] for row in statuses} == {fallen: "returned", world["under"]: "out_supported"}
    change = (
        await AuditEvent.select(AuditEvent.detail)
        .where((AuditEvent.action == "household_changed") & (AuditEvent.target_id == str(fallen)))
        .output(load_json=True)
        .first()
    )
    assert change is not None
    assert change["detail"]["changes"]["status"] == ["out_supported", "returned"]
    from server.monitoring.tables import StatusEvent

    events = await StatusEvent.select(StatusEvent.household, StatusEvent.status_to, StatusEvent.happened_on)
    assert events == [{"household": fallen, "status_to": "returned", "happened_on": today()}], "dated, for the rate"
    behind = await client.get("/monitoring/rate/households?which=returned")
    assert "返贫户" in behind.text


async def test_only_a_measure_delivered_since_the_risk_was_found_ends_the_overviews_no_measure_warning(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    before = await case_at(world, world["under"], "found", found_days_ago=20)  # its measure came 5 days earlier
    since = await case_at(world, world["near"], "found", found_days_ago=20)  # its measure came 10 days later
    for household, days_ago in ((world["under"], 25), (world["near"], 10)):
        visit = Visit(household=household, cadre=world["cadre"], visited_at=_days_ago(days_ago), note="送医疗救助")
        await visit.save()
        await VisitMeasure.insert(VisitMeasure(visit=visit.id, type="medical", amount=Decimal("500")))
    overview = (await (await as_user(client, "mleader")).get("/monitoring")).text
    row = {case: overview.split(f'href="/monitoring/cases/{case}"')[1].split("</a>")[0] for case in (before, since)}
    assert "15 天内无帮扶措施" in row[before]
    assert "15 天内无帮扶措施" not in row[since]

    # The first measure is read from the days the database keeps: the measure deleted, the warning is back.
    await Visit.delete().where(Visit.household == world["near"])
    overview = (await (await as_user(client, "mleader")).get("/monitoring")).text
    assert "15 天内无帮扶措施" in overview.split(f'href="/monitoring/cases/{since}"')[1].split("</a>")[0]
