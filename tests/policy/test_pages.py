"""The rules pages: who reads and records which number, from which day, with its source; audited; nothing else."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from server import policy
from server.audit.tables import AuditEvent
from server.clock import today
from server.policy.registry import (
    FOLLOW_UP_DAYS,
    LEADER_QUOTA,
    MONITORED_FOLLOW_UP_DAYS,
    MONITORING_LINE,
    MONITORING_NOTICE_DAYS,
    POVERTY_LINE,
    RETURN_RATE_CAP_PERCENT,
)
from server.policy.tables import PolicyValue
from tests.helpers import log_in, post_form, record_rule


async def record(client: httpx.AsyncClient, key: str, data: dict[str, str]) -> httpx.Response:
    """Post a new value as from the rule's page (the CSRF token of /me: a reader's rule page has no form)."""
    return await post_form(client, "/me", f"/policy/rules/{key}", data)


def from_today(value: str, source: str = "镇党委会议纪要〔2026〕3号") -> dict[str, str]:
    return {"value": value, "effective_from": today().isoformat(), "source": source}


async def test_the_township_admin_records_a_township_rule_with_its_source_and_it_is_audited(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    await log_in(client, "office")
    answer = await record(client, LEADER_QUOTA.key, from_today("4"))
    assert answer.status_code == 303
    assert await policy.value(LEADER_QUOTA, places["township"]) == 4
    assert await policy.value(LEADER_QUOTA, places["other"]) == 3  # the neighbour keeps its own
    row = await PolicyValue.select().where(PolicyValue.rule == LEADER_QUOTA.key).first()
    assert (row["township"], row["source"], row["effective_from"]) == (
        places["township"],
        "镇党委会议纪要〔2026〕3号",
        today(),
    )
    event = await AuditEvent.select().where(AuditEvent.action == "policy_value_recorded").first()
    assert json.loads(event["detail"])["changes"] == {"leader_quota": ["3", "4"]}
    page = (await client.get(f"/policy/rules/{LEADER_QUOTA.key}")).text
    assert "镇党委会议纪要〔2026〕3号" in page
    assert "4 户" in page
    overview = (await client.get("/policy")).text
    assert 'data-rule="leader_quota"' in overview


async def test_bad_values_are_refused_with_a_reason_and_nothing_is_recorded(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    await log_in(client, "office")
    yesterday = (today() - timedelta(days=1)).isoformat()
    cases = [
        ({**from_today("0")}, "请输入 1 到 50 之间的数。"),
        ({**from_today("2.5")}, "请输入整数。"),
        ({**from_today("abc")}, "请输入数字。"),
        ({**from_today("4"), "effective_from": yesterday}, "变更只能从今天或以后生效"),
        ({**from_today("4"), "source": " "}, "请注明依据"),
    ]
    for data, message in cases:
        answer = await record(client, LEADER_QUOTA.key, data)
        assert answer.status_code == 422, data
        assert message in answer.text, message
    monitored = await record(client, MONITORED_FOLLOW_UP_DAYS.key, from_today("90"))  # longer than the others' 60
    assert monitored.status_code == 422
    assert "监测户的走访间隔不能长于一般户" in monitored.text
    assert not await PolicyValue.exists().where(PolicyValue.township == places["township"])


async def test_a_township_cannot_touch_the_county_numbers_nor_see_another_townships(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    await log_in(client, "office")
    cap = await record(client, RETURN_RATE_CAP_PERCENT.key, from_today("5"))
    assert cap.status_code == 403
    line = await record(client, MONITORING_LINE.key, {"value": "9000", "year": "2026", "source": "自定"})
    assert line.status_code == 403
    assert (await client.get(f"/policy/townships/{places['other']}")).status_code == 404
    assert (await client.get(f"/policy/townships/{places['township']}")).status_code == 200
    assert (await client.get("/policy/rules/no_such_rule")).status_code == 404
    assert not await PolicyValue.exists()
    page = (await client.get(f"/policy/rules/{RETURN_RATE_CAP_PERCENT.key}")).text
    assert 'name="value"' not in page  # read only, with who sets it
    assert "县扶贫办" in page


async def test_leaders_read_the_rules_and_record_none(client: httpx.AsyncClient, places: dict[str, int]) -> None:
    await log_in(client, "boss")
    assert (await client.get("/policy")).status_code == 200
    assert (await record(client, LEADER_QUOTA.key, from_today("4"))).status_code == 403


async def test_the_county_office_records_the_provinces_line_for_every_township_below(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    await log_in(client, "county_office")
    year = str(today().year)
    poverty = await record(client, POVERTY_LINE.key, {"value": "4600", "year": year, "source": "鲁乡振发〔2026〕1号"})
    assert poverty.status_code == 303
    low = await record(client, MONITORING_LINE.key, {"value": "4000", "year": year, "source": "鲁乡振发〔2026〕1号"})
    assert low.status_code == 422
    assert "监测线不能低于贫困线" in low.text
    line = await record(client, MONITORING_LINE.key, {"value": "7600", "year": year, "source": "鲁乡振发〔2026〕1号"})
    assert line.status_code == 303
    row = await PolicyValue.select().where(PolicyValue.rule == MONITORING_LINE.key).first()
    assert row["region"] == places["province"]  # stored with the place that owns it
    for township in (places["township"], places["other"]):
        assert await policy.value(MONITORING_LINE, township) == Decimal("7600.00")
    overview = (await client.get("/policy")).text
    assert "7600" in overview
    assert f'href="/policy/townships/{places["township"]}"' in overview
    assert (await client.get(f"/policy/townships/{places['township']}")).status_code == 200
    assert (await client.get(f"/policy/townships/{places['far']}")).status_code == 404  # another county's
    assert (await record(client, LEADER_QUOTA.key, from_today("4"))).status_code == 403  # a township's own rule


async def test_a_line_may_be_recorded_for_a_past_year_but_not_years_ahead(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    await log_in(client, "county_office")
    past = await record(client, POVERTY_LINE.key, {"value": "4500", "year": "2025", "source": "鲁乡振发〔2025〕1号"})
    assert past.status_code == 303
    ahead = str(today().year + 2)
    refused = await record(client, POVERTY_LINE.key, {"value": "4800", "year": ahead, "source": "预计"})
    assert refused.status_code == 422
    assert await policy.value(POVERTY_LINE, places["township"], date(2025, 6, 30)) == Decimal("4500.00")


async def test_the_screens_state_the_rules_in_force_not_fixed_numbers(
    client: httpx.AsyncClient, places: dict[str, int], make_user: Any
) -> None:
    from tests.monitoring.conftest import make_household

    await record_rule(FOLLOW_UP_DAYS, 45, township=places["township"])
    await record_rule(MONITORED_FOLLOW_UP_DAYS, 20, township=places["township"])
    await record_rule(RETURN_RATE_CAP_PERCENT, "3.0", county=places["county"])
    household = await make_household(places["village"], "赵六", 5000)
    await make_user("cadre", username="xiaoli", village_id=places["village"])
    await log_in(client, "xiaoli")
    form = (await client.get(f"/households/{household}/visits/new")).text
    assert "监测户每 20 天、其他户每 45 天回访一次" in form
    await log_in(client, "boss")
    monitoring = (await client.get("/monitoring")).text
    assert "返贫率（控制线 3%）" in monitoring


async def test_a_county_that_shortens_the_risk_notice_gets_it_accepted(
    client: httpx.AsyncClient, places: dict[str, int]
) -> None:
    from tests.monitoring.conftest import make_household

    await record_rule(MONITORING_NOTICE_DAYS, 3, county=places["county"])
    household = await make_household(places["village"], "钱七", 5000)
    await log_in(client, "office")
    opened = await post_form(
        client,
        f"/monitoring/cases/new?household={household}",
        "/monitoring/cases",
        {"household": str(household), "found_on": today().isoformat(), "source": "reported", "note": "本人申报"},
    )
    assert opened.status_code == 303
    case_url = opened.headers["location"]
    case_page = (await client.get(case_url)).text
    assert "不少于 3 天（含首尾两天）" in case_page
    ends = (today() + timedelta(days=2)).isoformat()
    notice = {"notice_starts_on": today().isoformat(), "notice_ends_on": ends}
    assert (await post_form(client, case_url, f"{case_url}/notice", notice)).status_code == 303
