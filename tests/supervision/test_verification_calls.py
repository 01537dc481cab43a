"""Verification calls: a random share of each village's and cadre's recent visits, what households said, figures
for the office and the inspection group only, never a ranking."""

from __future__ import annotations

from datetime import timedelta

import httpx

from server.audit.tables import AuditEvent
from server.clock import today
from server.supervision.tables import VerificationCall
from tests.helpers import log_in, post_form
from tests.supervision.conftest import Supervised

PERIOD = {"share": "10", "village": ""}


async def draw(client: httpx.AsyncClient, since: str, until: str, share: str = "10") -> httpx.Response:
    return await post_form(client, "/verification", "/verification/samples",
                           {"since": since, "until": until, "share": share, "village": ""})  # fmt: skip


async def test_a_draw_takes_at_least_one_visit_of_every_village_and_cadre_in_the_period(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    day = today()
    await log_in(client, "t_insp")
    response = await draw(client, (day - timedelta(days=30)).isoformat(), day.isoformat())
    assert response.status_code == 303
    calls = await VerificationCall.select(VerificationCall.visit)
    drawn = {row["visit"] for row in calls}
    v = supervised.visits
    # groups: (A, m1) 4 visits, (B, m2) 2, (A, leader) 1: 10% rounds up to one of each; the 80-day-old never
    assert len(drawn) == 3
    assert len(drawn & set(v[0:4])) == 1
    assert len(drawn & set(v[4:6])) == 1
    assert v[6] in drawn
    assert v[7] not in drawn
    again = await draw(client, (day - timedelta(days=30)).isoformat(), day.isoformat(), share="100")
    assert again.status_code == 303
    assert await VerificationCall.count() == 7  # the rest, never the same visit twice


async def test_a_denied_visit_is_flagged_to_the_office_and_counted_in_the_figures(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    day = today()
    await log_in(client, "t_insp")
    await draw(client, (day - timedelta(days=30)).isoformat(), day.isoformat(), share="100")
    calls = await VerificationCall.select().order_by(VerificationCall.id)
    outcomes = ["confirmed", "confirmed", "denied", "unreachable", "confirmed", "reached", "confirmed"]
    for call, outcome in zip(calls, outcomes, strict=True):
        page = await client.get(f"/verification/calls/{call['id']}")
        assert page.status_code == 200
        answer = await post_form(client, f"/verification/calls/{call['id']}", f"/verification/calls/{call['id']}",
                                 {"outcome": outcome, "note": "户主说" if outcome == "denied" else ""})  # fmt: skip
        assert answer.status_code == 303
    assert await AuditEvent.exists().where(AuditEvent.action == "verification_call_opened")
    await log_in(client, "t_admin")
    index = (await client.get("/verification")).text
    assert "户主说" in index  # the denial, on the office's list
    denied = calls[outcomes.index("denied")]["id"]
    too_long = await post_form(client, f"/verification/calls/{denied}", f"/verification/calls/{denied}/review",
                               {"review_note": "核" * 501})  # fmt: skip
    assert too_long.status_code == 422
    assert "500" in too_long.text
    assert (await VerificationCall.select().where(VerificationCall.id == denied).first())["reviewed_at"] is None
    figures = (await client.get("/verification/figures")).text
    assert "双河村" in figures
    assert "周庄村" in figures
    assert "王甲" in figures


async def test_cadres_and_leaders_never_see_the_figures(client: httpx.AsyncClient, supervised: Supervised) -> None:
    for username in ("t_m1", "t_leader"):
        await log_in(client, username)
        assert (await client.get("/verification/figures")).status_code == 403
        assert (await client.get("/verification")).status_code == 403


async def test_the_call_page_shows_the_number_to_call_the_sample_list_masks_it(
    client: httpx.AsyncClient, supervised: Supervised
) -> None:
    day = today()
    await log_in(client, "t_admin")
    response = await draw(client, (day - timedelta(days=30)).isoformat(), day.isoformat(), share="100")
    sample = (await client.get(response.headers["location"])).text
    assert "13912345678" not in sample
    assert "139****5678" in sample
    call = await VerificationCall.select().where(VerificationCall.visit == supervised.visits[0]).first()
    assert "13912345678" in (await client.get(f"/verification/calls/{call['id']}")).text
