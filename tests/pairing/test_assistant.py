"""The pairing assistant's proposals (worked out by hand on the small township) and accepting them."""

from __future__ import annotations

import httpx

from server.accounts.tables import User
from server.pairing.assistant import advise, km_between
from server.pairing.tables import Pairing
from server.places.tables import Village
from server.policy.registry import QUOTA_MAXIMUM
from tests.helpers import csrf_token_of, log_in, record_rule
from tests.pairing.conftest import Small, accept_proposal_a4, add_pairing, add_visit


def summary(advice_proposals: list) -> list[tuple[str, int, int]]:
    return [(p.household_code, p.cadre_id, p.rank) for p in advice_proposals]


async def test_the_nearest_cadre_with_room_comes_first_and_fair_share_decides_between_neighbours(small: Small) -> None:
    advice = await advise(small.township)
    assert advice.unpaired == 3
    assert {c.id for c in advice.under_quota} == {small.leader, small.m3}
    # Fair share: 7 households, the leader's 3 aside, over 3 members = 2 each. A4 (双河村): 王甲 lives there and
    # has 1; B2 (周庄村): 赵乙 lives there and has 1; B3: both neighbours are at their share, 赵乙 is nearer.
    # The leader and 钱丙 have no village: never before a cadre nearby with room.
    first = [p for p in advice.proposals if p.rank == 1]
    assert summary(first) == [("A4", small.m1, 1), ("B2", small.m2, 1), ("B3", small.m2, 1)]
    assert [p.why for p in first] == ["same_village", "same_village", "same_village"]
    # Cadres still under quota are proposed as second cadres instead.
    assert {p.cadre_id for p in advice.proposals if p.rank == 2} == {small.leader, small.m3}


async def test_the_cadre_who_already_visits_the_household_comes_before_a_nearer_one(small: Small) -> None:
    await add_visit(small.h["A4"], small.m2)  # 赵乙 (周庄村, 3 km) already visits A4
    advice = await advise(small.township)
    a4 = next(p for p in advice.proposals if p.household_code == "A4" and p.rank == 1)
    assert (a4.cadre_id, a4.why) == (small.m2, "visits")


async def test_a_cadre_who_visits_a_whole_village_is_not_proposed_beyond_a_fair_share(small: Small) -> None:
    for code in ("A4", "B2", "B3"):
        await add_visit(small.h[code], small.m1)  # 王甲 has visited every unpaired household
    advice = await advise(small.township)
    taken_by_m1 = [p.household_code for p in advice.proposals if p.rank == 1 and p.cadre_id == small.m1]
    assert taken_by_m1 == ["A4"], "up to the fair share of 2 (A3 and A4), then the others' neighbours take the rest"


async def test_a_cadre_tens_of_kilometres_away_is_never_proposed_while_a_nearer_one_has_room(small: Small) -> None:
    far = Village(township=small.township, name="远村", code="371326105009", latitude=35.70, longitude=117.80)
    await far.save()
    await User.update({User.village: far.id}).where(User.id == small.m3)  # 钱丙 lives 44 km away, with 0 households
    advice = await advise(small.township)
    assert small.m3 not in {p.cadre_id for p in advice.proposals if p.rank == 1}


async def test_no_cadre_is_proposed_above_the_maximum(small: Small) -> None:
    await record_rule(QUOTA_MAXIMUM, 2, township=small.township)
    advice = await advise(small.township)
    assert small.leader not in {p.cadre_id for p in advice.proposals}  # already at 2
    assert summary(advice.proposals) == [("A4", small.m1, 1), ("B2", small.m2, 1), ("B3", small.m3, 1)]


async def test_cadres_still_under_quota_become_second_responsible_cadres(small: Small) -> None:
    for code in ("A4", "B2", "B3"):
        await add_pairing(small.h[code], small.m2)
    await add_pairing(small.h["A3"], small.m3, rank=2)
    advice = await advise(small.township)
    assert advice.unpaired == 0
    # Only the leader is under quota (2 of 3): second cadre of the first household with only a first cadre.
    assert summary(advice.proposals) == [("A4", small.leader, 2)]


def test_distance_between_villages_is_great_circle_km() -> None:
    assert round(km_between((35.30, 117.80), (35.327, 117.80)), 1) == 3.0
    assert km_between(None, (35.3, 117.8)) > 1000


async def test_accepting_one_proposal_replaces_its_row(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    page = await client.get("/pairings/assistant")
    assert page.status_code == 200
    assert "甲户主4 → 王甲" in page.text
    assert 'id="unpaired-count">3<' in page.text
    response = await accept_proposal_a4(client, page.text, small)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="proposal-{small.h["A4"]}-1">')
    assert "已结对" in response.text
    assert "<html" not in response.text
    assert '<span class="stat__value" id="unpaired-count" hx-swap-oob="true">2</span>' in response.text
    assert await Pairing.exists().where((Pairing.household == small.h["A4"]) & (Pairing.cadre == small.m1))


async def test_accept_all_saves_every_proposal_in_one_go(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    page = await client.get("/pairings/assistant")
    pairs = [f"{small.h['A4']}:{small.m3}:1", f"{small.h['B2']}:{small.leader}:1", f"{small.h['B3']}:{small.m2}:1"]
    response = await client.post(
        "/pairings/assistant/accept-all", data={"pair": pairs, "_csrf_token": csrf_token_of(page.text)}
    )
    assert response.status_code == 303
    after = await client.get("/pairings/assistant")
    assert "无需建议" in after.text
    assert "已保存 3 条结对" in after.text


async def test_accept_all_is_all_or_nothing(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    page = await client.get("/pairings/assistant")
    before = await Pairing.count()
    pairs = [f"{small.h['A4']}:{small.m3}:1", f"{small.h['A1']}:{small.leader}:2"]  # the second is already there
    response = await client.post(
        "/pairings/assistant/accept-all", data={"pair": pairs, "_csrf_token": csrf_token_of(page.text)}
    )
    assert response.status_code == 422
    assert "该干部已是该户的帮扶责任人" in response.text
    assert await Pairing.count() == before
