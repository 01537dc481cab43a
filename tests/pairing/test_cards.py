"""Door cards and where their QR code leads: scope decides, out of scope is 404."""

from __future__ import annotations

import httpx

from server.audit.tables import AuditEvent
from server.pairing.tables import DoorCard
from server.places.tables import County, Township, Village
from tests.helpers import log_in
from tests.pairing.conftest import Small


async def test_the_card_shows_the_cadres_full_phone_and_a_qr_code(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    response = await client.get(f"/households/{small.h['A3']}/card")
    assert response.status_code == 200
    text = response.text
    assert "帮扶联系卡" in text
    assert "甲户主3" in text
    assert "王甲" in text
    assert "13800001111" in text
    assert '<svg viewBox="0 0' in text
    [card] = await DoorCard.select().where(DoorCard.household == small.h["A3"])
    assert f"http://testserver/c/{card['token']}" in text  # the QR carries the card's token, never the household id
    assert f"/households/{small.h['A3']}/card/scan" not in text
    assert "尚未登记帮扶措施" in text or "No measure recorded yet" in text  # none recorded: nothing invented
    assert "door-card" in text
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "door_cards_opened") & (AuditEvent.target_id == str(small.h["A3"]))
    )


async def test_a_cadre_cannot_open_the_card_of_a_household_not_theirs(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_m2")  # based in 周庄村, paired with B1 only
    assert (await client.get(f"/households/{small.h['A3']}/card")).status_code == 404
    assert (await client.get(f"/households/{small.h['B1']}/card")).status_code == 200


async def test_the_responsible_cadre_scanning_the_card_goes_to_the_visit_form(
    client: httpx.AsyncClient, small: Small
) -> None:
    await log_in(client, "t_m1")
    response = await client.get(f"/households/{small.h['A3']}/card/scan")
    assert response.status_code == 303
    assert response.headers["location"] == f"/households/{small.h['A3']}/visits/new"


async def test_other_staff_scanning_the_card_open_the_household(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_m2")
    response = await client.get(f"/households/{small.h['B2']}/card/scan")  # in 周庄村, not paired with M2
    assert response.headers["location"] == f"/households/{small.h['B2']}"
    assert (await client.get(f"/households/{small.h['A3']}/card/scan")).status_code == 404


async def test_scanning_without_a_session_asks_to_log_in_first(client: httpx.AsyncClient, small: Small) -> None:
    response = await client.get(f"/households/{small.h['A3']}/card/scan")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/households/{small.h['A3']}/card/scan"


async def test_an_employer_sees_no_card(client: httpx.AsyncClient, small: Small, make_user: object) -> None:
    await make_user("employer", username="t_emp")  # type: ignore[operator]
    await log_in(client, "t_emp")
    assert (await client.get(f"/households/{small.h['A3']}/card")).status_code == 404
    assert (await client.get(f"/households/{small.h['A3']}/card/scan")).status_code == 404


async def test_a_village_sheet_has_a_card_for_every_household_that_needs_a_cadre(
    client: httpx.AsyncClient, small: Small
) -> None:
    await log_in(client, "t_admin")
    response = await client.get(f"/pairings/villages/{small.village_a}/cards")
    assert response.status_code == 200
    assert response.text.count('class="door-card"') == 4  # A1-A4; A5 needs no cadre
    county = await County.select(County.id).first()
    other = Township(county=county["id"], name="保太镇", code="371326106000")
    await other.save()
    far = Village(township=other.id, name="外村", code="371326106001")
    await far.save()
    assert (await client.get(f"/pairings/villages/{far.id}/cards")).status_code == 404
