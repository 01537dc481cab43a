"""The household page: what a visitor needs first, masks per viewer, the audited reveals, scope as 404."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from server.audit.tables import AuditEvent
from server.clock import TIMEZONE, today
from server.pairing.tables import Pairing
from server.places.tables import Township, Village
from server.visits.tables import FollowUp, Visit
from tests.helpers import csrf_token_of, log_in, statements_of, without_tokens
from tests.households.conftest import add_household

FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


async def test_admin_sees_the_visitors_summary_first(client: Any, make_user: Any, register: dict[str, Any]) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    page = await client.get(f"/households/{register['zhang']['id']}")
    assert page.status_code == 200
    html = page.text
    for text in ("张三", "王芳", "双河村一组", "户主", "配偶", "人均纯收入", "4,000.00", "4,500.00", "7,300.00"):
        assert text in html, text
    assert html.index("人均纯收入") < html.index("<details")
    assert "低于贫困线" in html
    assert not FULL_ID.search(without_tokens(html)), "a full ID number is on the page"
    assert "6231901234567890123" not in html
    assert "***************0123" in html


async def test_a_households_income_is_judged_by_the_latest_standard_up_to_its_income_year(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    """The fixture's county has the 2025 standard only: a 2026 income is judged by it; a 2024 income, from before
    the first poverty line anyone recorded, by none."""
    late = await add_household(register["village"], "王五", "H-0003", income_year=2026, wage_income=Decimal(9000))
    early = await add_household(register["village"], "赵六", "H-0004", income_year=2024, wage_income=Decimal(9000))
    await make_user("admin", username="office")
    await log_in(client, "office")
    late_page = (await client.get(f"/households/{late['id']}")).text
    assert "2025年标准" in late_page
    assert "4,500.00" in late_page
    early_page = (await client.get(f"/households/{early['id']}")).text
    assert "年标准" not in early_page


async def test_a_leaders_household_page_never_shows_a_full_id_number_phone_or_bank_account(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("leader", username="boss")
    await log_in(client, "boss")
    html = (await client.get(f"/households/{register['zhang']['id']}")).text
    assert "张三" in html
    assert not FULL_ID.search(without_tokens(html))
    assert "13912345678" not in html
    assert "139****5678" in html
    assert "13812345678" not in html
    assert "银行" not in html
    assert "0123" not in html


async def test_the_households_own_cadre_sees_the_phones_to_call(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    cadre_id = await make_user("cadre", username="helper", display_name="刘帮扶")
    await Pairing.insert(Pairing(household=register["zhang"]["id"], cadre=cadre_id, started_on=date(2026, 1, 1)))
    await log_in(client, "helper")
    html = (await client.get(f"/households/{register['zhang']['id']}")).text
    assert "刘帮扶" in html
    assert "13912345678" in html
    assert "13812345678" in html
    assert not FULL_ID.search(without_tokens(html))


async def test_admin_reveals_a_full_id_number_and_the_reveal_is_audited(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    member = register["zhang"]["members"][0]
    page = await client.get(f"/households/{register['zhang']['id']}")
    answer = await client.post(
        f"/members/{member['id']}/reveal-id",
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token_of(page.text)},
    )
    assert answer.status_code == 200
    assert member["id_number"] in answer.text
    assert "<html" not in answer.text
    event = await AuditEvent.select().where(AuditEvent.action == "reveal_id_number").first()
    assert event is not None
    assert event["target_id"] == str(member["id"])


async def test_admin_reveals_the_bank_account_and_it_is_audited(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    url = f"/households/{register['zhang']['id']}"
    page = await client.get(url)
    answer = await client.post(url + "/bank/reveal", data={"_csrf_token": csrf_token_of(page.text)})
    assert "6231901234567890123" in answer.text
    assert await AuditEvent.exists().where(AuditEvent.action == "reveal_bank_account")


async def test_a_leader_cannot_reveal_an_id_number(client: Any, make_user: Any, register: dict[str, Any]) -> None:
    await make_user("leader", username="boss")
    await log_in(client, "boss")
    page = await client.get("/me")
    member = register["zhang"]["members"][0]
    answer = await client.post(f"/members/{member['id']}/reveal-id", data={"_csrf_token": csrf_token_of(page.text)})
    assert answer.status_code == 403
    assert member["id_number"] not in answer.text
    assert not await AuditEvent.exists().where(AuditEvent.action == "reveal_id_number")


async def test_a_household_of_another_township_is_not_found(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    other = Township(county=register["county"], name="保太镇", code="371326106000")
    await other.save()
    far = Village(township=other.id, name="外村", code="371326106001")
    await far.save()
    stranger = await add_household(far.id, "赵六", "H-FAR")
    await make_user("admin", username="office")
    await log_in(client, "office")
    assert (await client.get(f"/households/{stranger['id']}")).status_code == 404
    assert (await client.get(f"/households/{stranger['id']}/edit")).status_code == 404
    assert (await client.get(f"/members/{stranger['members'][0]['id']}/edit")).status_code == 404
    page = await client.get("/me")
    token = csrf_token_of(page.text)
    answer = await client.post(f"/members/{stranger['members'][0]['id']}/reveal-id", data={"_csrf_token": token})
    assert answer.status_code == 404


async def test_a_cadre_cannot_open_a_household_they_are_not_responsible_for(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("cadre", username="helper")
    await log_in(client, "helper")
    assert (await client.get(f"/households/{register['zhang']['id']}")).status_code == 404


async def test_the_household_page_takes_the_same_few_statements_however_many_cadres_visits_and_follow_ups(
    client: Any, make_user: Any, register: dict[str, Any], caplog: Any
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    household = register["zhang"]["id"]
    path = f"/households/{household}"
    bare = await statements_of(client, path, caplog)
    first = await make_user("cadre", username="first", display_name="刘帮扶")
    second = await make_user("cadre", username="second", display_name="陈帮扶")
    for rank, cadre in ((1, first), (2, second)):
        await Pairing.insert(Pairing(household=household, cadre=cadre, rank=rank, started_on=date(2026, 1, 1)))
    last = datetime.now(TIMEZONE) - timedelta(days=1)
    for cadre, visited_at in ((first, last - timedelta(days=9)), (second, last), (first, last - timedelta(days=3))):
        await Visit.insert(Visit(client_id=uuid.uuid4(), household=household, cadre=cadre, visited_at=visited_at))
    overdue = today() - timedelta(days=2)
    for due_on in (today() + timedelta(days=5), overdue):
        await FollowUp(household=household, due_on=due_on, reason="measure").save()
    html = (await client.get(path)).text
    assert "刘帮扶" in html
    assert "陈帮扶" in html
    assert f"上次走访: {last.date().isoformat()} · 陈帮扶" in html
    assert f'<span class="text-warn">{overdue.isoformat()}</span>' in html
    # the session's user; the household with its members, visit dates, cadres and history
    assert bare == await statements_of(client, path, caplog) == 2
