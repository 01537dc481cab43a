"""A household's `active_pairings` and a cadre's `active_households` are kept by the database (migrations
pairing_2026_12_06t07_25_00 and pairing_2026_12_06t13_10_00): exact after every way pairings are written (paired by
the form, accepted from the assistant one by one or all at once, ended, handed over, refused all or nothing, moved to
another household or cadre, deleted alone or with their household or cadre, the demo's history:
tests/demo/test_kept_counts.py). Every check of a household's count checks every household's and every cadre's.

TRUNCATE (which the app role may not do) sets every count to 0: checked by hand, see the migrations."""

from __future__ import annotations

from datetime import date

import httpx

from server import clock
from server.accounts.tables import User
from server.households.tables import Household
from server.pairing.handover import hand_over
from server.pairing.tables import Pairing
from tests.helpers import csrf_token_of, log_in, post_form
from tests.pairing.conftest import Small, accept_proposal_a4, add_pairing
from tests.pairing.test_pairings import admin_of, pair_by_form

MISCOUNTED = (
    "SELECT h.id, h.active_pairings FROM household h WHERE h.active_pairings <>"
    " (SELECT count(*) FROM pairing p WHERE p.household = h.id AND p.ended_on IS NULL)"
)

MISCOUNTED_CADRES = (
    "SELECT u.id, u.active_households FROM app_user u WHERE u.active_households <>"
    " (SELECT count(*) FROM pairing p WHERE p.cadre = u.id AND p.ended_on IS NULL)"
)


async def kept_count(household_id: int) -> int:
    """The household's kept count, after checking that every household's and every cadre's count is exact."""
    assert await Household.raw(MISCOUNTED) == []
    assert await Household.raw(MISCOUNTED_CADRES) == []
    [row] = await Household.raw("SELECT active_pairings FROM household WHERE id = {}", household_id)
    return int(row["active_pairings"])


async def kept_counts(small: Small, *codes: str) -> list[int]:
    return [await kept_count(small.h[code]) for code in codes]


async def test_pairing_and_ending_by_the_forms_keep_the_count(client: httpx.AsyncClient, small: Small) -> None:
    assert await kept_counts(small, "A1", "A3", "A4", "A5", "B1") == [1, 1, 0, 0, 1]
    await log_in(client, "t_admin")
    assert (await pair_by_form(client, small.h["A4"], small.m3)).status_code == 303
    assert (await pair_by_form(client, small.h["A3"], small.m3, rank="2")).status_code == 303
    assert await kept_counts(small, "A3", "A4") == [2, 1]
    [first] = await Pairing.select(Pairing.id).where((Pairing.household == small.h["A3"]) & (Pairing.rank == 1))
    url = f"/pairings/{first['id']}/end"
    assert (
        await post_form(client, url, url, {"ended_on": clock.today().isoformat(), "reason": "调任"})
    ).status_code == 303
    assert await kept_counts(small, "A3", "A4") == [1, 1]
    [second] = await Pairing.select(Pairing.id).where((Pairing.household == small.h["A3"]) & Pairing.ended_on.is_null())
    url = f"/pairings/{second['id']}/end"
    confirmed = {"ended_on": clock.today().isoformat(), "reason": "调任", "confirm": "1"}
    assert (await post_form(client, url, url, confirmed)).status_code == 303
    assert await kept_counts(small, "A3", "A1", "B1") == [0, 1, 1]  # the others untouched


async def test_accepting_the_assistants_proposals_keeps_the_count(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    page = await client.get("/pairings/assistant")
    accepted = await accept_proposal_a4(client, page.text, small)
    assert accepted.status_code == 200
    assert await kept_count(small.h["A4"]) == 1
    pairs = [f"{small.h['B2']}:{small.leader}:1", f"{small.h['B3']}:{small.m2}:1", f"{small.h['B2']}:{small.m3}:2"]
    response = await client.post(
        "/pairings/assistant/accept-all", data={"pair": pairs, "_csrf_token": csrf_token_of(page.text)}
    )
    assert response.status_code == 303
    assert await kept_counts(small, "B2", "B3") == [2, 1]
    refused = [f"{small.h['A5']}:{small.m3}:1", f"{small.h['A1']}:{small.leader}:2"]  # the second is already there
    response = await client.post(
        "/pairings/assistant/accept-all", data={"pair": refused, "_csrf_token": csrf_token_of(page.text)}
    )
    assert response.status_code == 422
    assert await kept_counts(small, "A5", "A1") == [0, 1]  # all or nothing: nothing counted


async def test_a_handover_keeps_the_count(client: httpx.AsyncClient, small: Small) -> None:
    await add_pairing(small.h["A1"], small.m1, rank=2)
    await log_in(client, "t_admin")
    url = f"/pairings/cadres/{small.leader}"
    handover = {"to_cadre": str(small.m3), "on": clock.today().isoformat(), "reason": "调任"}
    response = await post_form(client, url, url + "/handover", handover)
    assert response.status_code == 303
    assert await kept_counts(small, "A1", "A2") == [2, 1]
    result = await hand_over(admin_of(small), small.m3, None, clock.today(), "离任")  # shared out by the rule
    assert result.moved == 2
    assert await kept_counts(small, "A1", "A2") == [2, 1]


async def test_pairings_moved_deleted_or_deleted_with_their_household_are_counted(small: Small) -> None:
    ended = await add_pairing(small.h["B2"], small.m3, rank=2, started_on=date(2025, 1, 5))
    await Pairing.update({Pairing.ended_on: date(2025, 6, 1)}).where(Pairing.id == ended)
    assert await kept_count(small.h["B2"]) == 0
    await Pairing.update({Pairing.end_reason: "备注"}).where(Pairing.household == small.h["A1"])  # neither column
    assert await kept_count(small.h["A1"]) == 1
    # one statement, three households: A1's and A2's pairings (and an ended one) move to A4 and B2
    await Pairing.update({Pairing.household: small.h["A4"]}).where(Pairing.household == small.h["A1"])
    await Pairing.update({Pairing.household: small.h["B2"]}).where(Pairing.household == small.h["A2"])
    assert await kept_counts(small, "A1", "A2", "A4", "B2") == [0, 0, 1, 1]
    await Pairing.update({Pairing.ended_on: None}).where(Pairing.id == ended)  # ended, then active again
    assert await kept_count(small.h["B2"]) == 2
    await Pairing.delete().where(Pairing.household == small.h["B2"])
    assert await kept_count(small.h["B2"]) == 0
    await Household.delete().where(Household.id == small.h["A3"])  # its pairings go with it
    assert not await Pairing.exists().where(Pairing.household == small.h["A3"])
    assert await Household.raw(MISCOUNTED) == []


async def cadre_counts(*cadres: int) -> list[int]:
    """The cadres' kept counts, after checking that every cadre's count is exact."""
    assert await Household.raw(MISCOUNTED_CADRES) == []
    rows = await Household.raw("SELECT id, active_households FROM app_user WHERE id = ANY({})", list(cadres))
    counts = {row["id"]: row["active_households"] for row in rows}
    return [counts[cadre] for cadre in cadres]


async def test_pairings_handed_to_another_cadre_ended_or_deleted_with_their_cadre_are_counted(small: Small) -> None:
    await add_pairing(small.h["A4"], small.m3)
    assert await cadre_counts(small.leader, small.m1, small.m2, small.m3) == [2, 1, 1, 1]
    # one statement, both ways: the leader's pairings go to m3 and m3's to the leader
    await Pairing.raw(
        "UPDATE pairing SET cadre = CASE WHEN cadre = {}::int THEN {}::int ELSE {}::int END WHERE cadre IN ({}, {})",
        small.leader, small.m3, small.leader, small.leader, small.m3,
    )  # fmt: skip
    assert await cadre_counts(small.leader, small.m3) == [1, 2]
    await Pairing.update({Pairing.end_reason: "备注"}).where(Pairing.cadre == small.m3)  # neither column
    assert await cadre_counts(small.leader, small.m3) == [1, 2]
    await Pairing.update({Pairing.ended_on: Pairing.started_on}).where(Pairing.household == small.h["A1"])
    assert await cadre_counts(small.leader, small.m3) == [1, 1]
    await User.delete().where(User.id == small.m1)  # their pairings go with them
    assert not await Pairing.exists().where(Pairing.cadre == small.m1)
    assert await cadre_counts(small.leader, small.m2, small.m3) == [1, 1, 1]
    assert await kept_counts(small, "A3", "A4") == [0, 1]
