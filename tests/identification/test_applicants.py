"""An applicant is not a registered household yet: not in the register, its figures or the risks, until registered."""

from __future__ import annotations

import re
from typing import Any

import httpx

from server.clock import today
from server.policy.registry import MONITORING_LINE, POVERTY_LINE
from tests.helpers import record_rule
from tests.identification.conftest import applied, household_of, in_state


def households_figure(home: str) -> int:
    match = re.search(r'<div class="stat__value">(\d+)</div><div class="stat__label">户数', home)
    assert match, "the township home shows its households"
    return int(match.group(1))


async def test_an_applicant_is_not_counted_or_listed_in_the_register_until_registered(
    admin_client: httpx.AsyncClient, admin: Any, village: dict[str, Any]
) -> None:
    waiting = await household_of(await applied(admin, village, head="赵等待"))
    await in_state(admin, village, "registered", head="钱已录")
    listed = await admin_client.get("/households")
    assert "钱已录" in listed.text
    assert "赵等待" not in listed.text
    assert "1 户" in listed.text
    for term in ("赵", "zdd", "赵 等待"):  # a search of words reads households from their keys, then the rule
        assert "赵等待" not in (await admin_client.get("/households", params={"q": term})).text, term
    assert households_figure((await admin_client.get("/")).text) == 1
    own_page = await admin_client.get(f"/households/{waiting['id']}")
    assert own_page.status_code == 200, "its page stays open to the township, through the application"


async def test_an_applicant_with_no_income_recorded_is_not_a_monitoring_risk(
    admin_client: httpx.AsyncClient, admin: Any, village: dict[str, Any], township: dict[str, int]
) -> None:
    await record_rule(POVERTY_LINE, "4600", county=township["county"], year=today().year)
    await record_rule(MONITORING_LINE, "7600", county=township["county"], year=today().year)
    waiting = await household_of(await applied(admin, village, head="赵等待"))
    page = await admin_client.get("/monitoring/risks")
    assert page.status_code == 200
    assert f'data-risk="{waiting["id"]}"' not in page.text
