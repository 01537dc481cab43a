"""A stranger scans a household's door card: a public page that shows nothing personal, and two forms."""

from __future__ import annotations

import httpx

from server.audit.tables import AuditEvent
from server.monitoring.tables import RiskCase
from server.pairing.card_tokens import renew
from server.reports.tables import PublicReport
from tests.helpers import log_in
from tests.reports.conftest import Small, card_token, send


async def test_the_public_card_page_shows_the_cadres_and_help_line_but_nothing_personal(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["A3"])
    response = await client.get(f"/c/{token}")
    assert response.status_code == 200
    text = response.text
    assert "王甲" in text
    assert "13800001111" in text
    assert "双河村" in text
    assert "甲户主3" not in text  # the head's name
    assert "A3" not in text.replace('A3"', "")  # nor the household's number
    assert "Set-Cookie" not in response.headers or "bangfu_session" not in response.headers.get("set-cookie", "")
    assert "报告困难" in text or "Report a difficulty" in text


async def test_a_forged_or_revoked_token_is_a_plain_404(client: httpx.AsyncClient, small: Small) -> None:
    token = await card_token(small.h["A3"])
    forged = await client.get("/c/" + "x" * 22)
    malformed = await client.get("/c/12")
    await renew(small.h["A3"], small.admin, "127.0.0.1")
    revoked = await client.get(f"/c/{token}")
    assert forged.status_code == malformed.status_code == revoked.status_code == 404
    assert forged.text == revoked.text  # nothing says whether a household was ever behind it
    fresh = await card_token(small.h["A3"])
    assert fresh != token
    assert (await client.get(f"/c/{fresh}")).status_code == 200


async def test_a_reported_difficulty_opens_a_risk_case_with_its_clock_running(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["B1"])
    data = {"category": "illness", "text": "老伴住院了，没钱交押金", "phone": "139 0000 1234"}
    response = await send(client, f"/c/{token}", f"/c/{token}/difficulty", data)
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{token}?sent=difficulty"
    report = await PublicReport.select().where(PublicReport.household == small.h["B1"]).first()
    assert report["kind"] == "difficulty"
    assert report["callback_phone"] == "13900001234"
    case = await RiskCase.select().where(RiskCase.id == report["risk_case"]).first()
    assert case["source"] == "reported"
    assert case["state"] == "found"
    audit = await AuditEvent.select().where(AuditEvent.action == "public_report_received").first()
    assert audit["actor_label"] == "door card"
    assert audit["target_id"] == str(report["id"])
    thanks = await client.get(response.headers["location"])
    assert "已收到" in thanks.text or "received" in thanks.text


async def test_the_report_appears_on_the_responsible_cadres_list_and_the_townships(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["B1"])
    await send(client, f"/c/{token}", f"/c/{token}/difficulty", {"category": "job_loss", "text": "厂子倒闭了"})
    await log_in(client, "t_m2")  # B1's responsible cadre
    assert "厂子倒闭了" in (await client.get("/reports")).text
    await log_in(client, "t_admin")
    assert "厂子倒闭了" in (await client.get("/reports?kind=difficulty")).text
    assert "乙户主1" in (await client.get("/monitoring")).text  # the open case on the township's monitoring list


async def test_a_complaint_reaches_the_office_never_the_cadre_it_is_about(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["B1"])
    await send(client, f"/c/{token}", f"/c/{token}/complaint", {"text": "半年没人来过了"})
    report = await PublicReport.select().where(PublicReport.kind == "complaint").first()
    assert report["risk_case"] is None
    await log_in(client, "t_m2")
    assert "半年没人来过了" not in (await client.get("/reports?kind=complaint")).text
    assert (await client.get(f"/reports/{report['id']}")).status_code == 404
    assert "半年没人来过了" not in (await client.get(f"/households/{small.h['B1']}/timeline")).text
    await log_in(client, "t_admin")
    assert "半年没人来过了" in (await client.get("/reports?kind=complaint")).text


async def test_a_script_in_a_report_is_shown_as_text(client: httpx.AsyncClient, small: Small) -> None:
    token = await card_token(small.h["A3"])
    await send(client, f"/c/{token}", f"/c/{token}/complaint", {"text": "<script>alert(1)</script>"})
    await log_in(client, "t_admin")
    report = await PublicReport.select().where(PublicReport.kind == "complaint").first()
    page = (await client.get(f"/reports/{report['id']}")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_over_long_text_and_a_bad_phone_are_refused_with_the_form_kept(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["A3"])
    response = await send(client, f"/c/{token}", f"/c/{token}/difficulty",
                          {"category": "other", "text": "难" * 301, "phone": "12345"})  # fmt: skip
    assert response.status_code == 422
    assert "最多 300 个字" in response.text or "At most 300 characters." in response.text
    assert await PublicReport.count() == 0


async def test_a_huge_body_is_refused_with_413(client: httpx.AsyncClient, small: Small) -> None:
    token = await card_token(small.h["A3"])
    response = await send(client, f"/c/{token}", f"/c/{token}/complaint", {"text": "x" * 20_000})
    assert response.status_code == 413
    assert await PublicReport.count() == 0


async def test_the_honeypot_drops_a_script_quietly(client: httpx.AsyncClient, small: Small) -> None:
    token = await card_token(small.h["A3"])
    response = await send(client, f"/c/{token}", f"/c/{token}/complaint", {"text": "spam", "website": "http://x"})
    assert response.status_code == 303  # it looks sent
    assert await PublicReport.count() == 0
    assert await AuditEvent.exists().where(AuditEvent.action == "public_report_dropped")


async def test_the_responsible_cadre_scanning_the_card_lands_on_the_visit_form(
    client: httpx.AsyncClient, small: Small
) -> None:
    token = await card_token(small.h["A3"])
    await log_in(client, "t_m1")
    response = await client.get(f"/c/{token}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/households/{small.h['A3']}/visits/new"
    await log_in(client, "t_m2")  # another cadre: the public page like anyone else
    assert (await client.get(f"/c/{token}")).status_code == 200
