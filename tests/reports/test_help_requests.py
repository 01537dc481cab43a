"""A villager without a card asks for help on the township's page; the office matches it to a household (a risk
case opens) or sends it on as an identification application."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from server.monitoring.tables import RiskCase
from server.reports.queries import township_page
from server.reports.tables import PublicReport
from tests.helpers import log_in, post_form
from tests.reports.conftest import Small, send


async def ask(client: httpx.AsyncClient, small: Small, name: str) -> int:
    token = (await township_page(small.township)).token
    data = {"name": name, "village": str(small.village_b), "category": "disaster", "text": "大棚被冰雹砸了",
            "phone": "18253901234"}  # fmt: skip
    response = await send(client, f"/t/{token}", f"/t/{token}/help", data)
    assert response.status_code == 303
    report = await PublicReport.select().where(PublicReport.kind == "help").first()
    return int(report["id"])


async def test_the_township_page_lists_villages_and_takes_a_request_without_a_phone_refused(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = (await township_page(small.township)).token
    page = await client.get(f"/t/{token}")
    assert "周庄村" in page.text
    no_phone = {"name": "李长顺", "village": str(small.village_b), "category": "other", "text": "求助"}
    refused = await send(client, f"/t/{token}", f"/t/{token}/help", no_phone)
    assert refused.status_code == 422
    assert (await client.get("/t/" + "A" * 22)).status_code == 404


async def test_the_office_matches_a_request_to_a_household_and_a_risk_case_opens(
    client: httpx.AsyncClient, small: Small
) -> None:
    report_id = await ask(client, small, "乙户主2")
    await log_in(client, "t_m2")
    assert (await client.get(f"/reports/{report_id}")).status_code == 404  # cadres never see help requests
    await log_in(client, "t_admin")
    answer = await post_form(client, f"/reports/{report_id}", f"/reports/{report_id}/handle",
                             {"outcome": "risk", "household_code": "B2", "note": "已电话核实"})  # fmt: skip
    assert answer.status_code == 303
    report = await PublicReport.select().where(PublicReport.id == report_id).first()
    assert report["household"] == small.h["B2"]
    assert report["state"] == "handled"
    case = await RiskCase.select().where(RiskCase.id == report["risk_case"]).first()
    assert case["household"] == small.h["B2"]
    again = await post_form(client, "/me", f"/reports/{report_id}/handle", {"outcome": "no_action"})
    assert again.status_code == 409


async def test_a_request_sent_on_as_an_application_opens_the_form_prefilled(
    client: httpx.AsyncClient, small: Small
) -> None:
    report_id = await ask(client, small, "李长顺")
    await log_in(client, "t_admin")
    answer = await post_form(client, f"/reports/{report_id}", f"/reports/{report_id}/handle",
                             {"outcome": "application", "note": ""})  # fmt: skip
    target = f"/identification/villages/{small.village_b}/apply?head_name={quote('李长顺')}&phone=18253901234"
    assert answer.headers["location"] == target
    form = await client.get(target)
    assert 'value="李长顺"' in form.text
