"""Pairing a cadre with a household, ending it, handing over: the rules, the messages, the history, the audit."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from server import clock
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.tables import AuditEvent
from server.pairing import changes
from server.pairing.handover import hand_over
from server.pairing.tables import Pairing
from server.places.tables import County, Township, Village
from server.policy.registry import QUOTA_MAXIMUM
from tests.helpers import csrf_token_of, log_in, post_form, record_rule
from tests.pairing.conftest import Small, add_household, add_pairing


def admin_of(small: Small) -> changes.Actor:
    return changes.Actor(
        CurrentUser(small.admin, "t_admin", "管理员", Role.ADMIN, small.township, None, None, "zh_CN", "k")
    )


async def pair_by_form(client: httpx.AsyncClient, household: int, cadre: int, rank: str = "1") -> httpx.Response:
    url = f"/pairings/households/{household}"
    data = {"cadre": str(cadre), "rank": rank, "started_on": clock.today().isoformat(), "reason": "年度结对安排"}
    return await post_form(client, "/me", url, data)


async def active(household: int) -> list[dict[str, Any]]:
    return await Pairing.select().where((Pairing.household == household) & Pairing.ended_on.is_null())


async def test_admin_pairs_a_cadre_with_a_household_and_it_is_audited(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    response = await pair_by_form(client, small.h["A4"], small.m3)
    assert response.status_code == 303
    [row] = await active(small.h["A4"])
    assert (row["cadre"], row["rank"], row["start_reason"], row["created_by"]) == (
        small.m3,
        1,
        "年度结对安排",
        small.admin,
    )
    events = await AuditEvent.select(AuditEvent.target_type).where(AuditEvent.action == "pairing_started")
    assert sorted(e["target_type"] for e in events) == ["household", "pairing"]
    page = await client.get(f"/pairings/households/{small.h['A4']}")
    assert "钱丙" in page.text
    assert "结对已保存" in page.text


async def test_two_cadres_of_one_name_are_told_apart_by_post_and_village_when_pairing(
    client: httpx.AsyncClient, small: Small, make_user: Any
) -> None:
    await make_user("cadre", username="t_zy1", display_name="张杨", title="镇退役军人服务站")
    await make_user("cadre", username="t_zy2", display_name="张杨", village_id=small.village_a)
    await log_in(client, "t_admin")
    page = (await client.get(f"/pairings/households/{small.h['A4']}")).text
    assert ">张杨 · 镇退役军人服务站 · 0 户<" in page
    assert ">张杨 · 一般党员干部 · 双河村 · 0 户<" in page


async def test_a_leader_may_pair_too(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_leader")
    assert (await pair_by_form(client, small.h["A4"], small.leader)).status_code == 303


async def test_pairing_a_household_of_another_township_is_not_found(client: httpx.AsyncClient, small: Small) -> None:
    county = await County.select(County.id).first()
    other = Township(county=county["id"], name="保太镇", code="371326106000")
    await other.save()
    far = Village(township=other.id, name="外村", code="371326106001")
    await far.save()
    stranger = await add_household(far.id, "FAR1", "外户主")
    await log_in(client, "t_admin")
    assert (await client.get(f"/pairings/households/{stranger}")).status_code == 404
    page = await client.get("/pairings/households/" + str(small.h["A4"]))
    assert page.status_code == 200
    from tests.helpers import csrf_token_of

    token = csrf_token_of(page.text)
    data = {
        "cadre": str(small.m3),
        "rank": "1",
        "started_on": clock.today().isoformat(),
        "reason": "x",
        "_csrf_token": token,
    }
    assert (await client.post(f"/pairings/households/{stranger}", data=data)).status_code == 404
    assert await active(stranger) == []


@pytest.mark.parametrize(
    ("who", "household", "rank", "message"),
    [
        ("disabled", "A4", "1", "账号已停用"),
        ("leader", "A1", "2", "已是该户的帮扶责任人"),
        ("m3", "A1", "1", "该户已有第一帮扶责任人"),
        ("m3", "A5", "1", "无需帮扶责任人"),
    ],
)
async def test_bad_pairings_get_a_clear_message(
    client: httpx.AsyncClient, small: Small, who: str, household: str, rank: str, message: str
) -> None:
    await log_in(client, "t_admin")
    before = await Pairing.count()
    response = await pair_by_form(client, small.h[household], getattr(small, who), rank)
    assert response.status_code == 422
    assert message in response.text
    assert await Pairing.count() == before


async def test_a_cadre_of_another_township_cannot_be_chosen(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    response = await pair_by_form(client, small.h["A4"], small.admin)  # the admin is not a cadre
    assert response.status_code == 422
    assert "请选择本乡镇的领导干部或党员干部" in response.text


async def test_the_quota_maximum_is_never_exceeded(client: httpx.AsyncClient, small: Small) -> None:
    await record_rule(QUOTA_MAXIMUM, 2, township=small.township)
    await log_in(client, "t_admin")
    response = await pair_by_form(client, small.h["A4"], small.leader)  # already has A1, A2
    assert response.status_code == 422
    assert "已达到每人最多 2 户" in response.text


async def test_ending_the_last_pairing_asks_for_confirmation(client: httpx.AsyncClient, small: Small) -> None:
    [pairing] = await active(small.h["A3"])
    await log_in(client, "t_admin")
    url = f"/pairings/{pairing['id']}/end"
    data = {"ended_on": clock.today().isoformat(), "reason": "调任县里"}
    first = await post_form(client, url, url, data)
    assert first.status_code == 200
    assert "将没有任何帮扶责任人" in first.text
    assert len(await active(small.h["A3"])) == 1  # nothing ended yet
    confirmed = await post_form(client, url, url, {**data, "confirm": "1"})
    assert confirmed.status_code == 303
    assert await active(small.h["A3"]) == []


async def test_ending_keeps_the_pairing_as_history(client: httpx.AsyncClient, small: Small) -> None:
    second = await add_pairing(small.h["A3"], small.m3, rank=2)
    await log_in(client, "t_admin")
    url = f"/pairings/{second}/end"
    response = await post_form(client, url, url, {"ended_on": clock.today().isoformat(), "reason": "工作调整"})
    assert response.status_code == 303  # not the last one: no confirmation needed
    row = await Pairing.select().where(Pairing.id == second).first()
    assert (row["ended_on"], row["end_reason"], row["ended_by"]) == (clock.today(), "工作调整", small.admin)
    household_page = await client.get(f"/pairings/households/{small.h['A3']}")
    assert "工作调整" in household_page.text
    assert "钱丙" in household_page.text
    cadre_page = await client.get(f"/pairings/cadres/{small.m3}")
    assert "甲户主3" in cadre_page.text
    assert "工作调整" in cadre_page.text
    assert await AuditEvent.count().where(AuditEvent.action == "pairing_ended") == 2


async def test_a_pairing_cannot_end_before_it_started(client: httpx.AsyncClient, small: Small) -> None:
    [pairing] = await active(small.h["A3"])
    await log_in(client, "t_admin")
    url = f"/pairings/{pairing['id']}/end"
    response = await post_form(client, url, url, {"ended_on": "2025-01-01", "reason": "x", "confirm": "1"})
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.text


async def test_two_admins_pairing_at_once_cannot_break_the_rule(small: Small) -> None:
    """Both pass the checks before either writes; the database's partial unique index stops the second."""
    actor = admin_of(small)
    _, m3 = await changes.check_pairing(actor.user, small.h["A4"], small.m3, 1)
    _, m1 = await changes.check_pairing(actor.user, small.h["A4"], small.m1, 1)
    async with changes.atomic(1):
        await changes.insert_pairing(actor, small.h["A4"], m3, 1, clock.today(), "甲")
    with pytest.raises(changes.PairingError) as error:
        async with changes.atomic(1):
            await changes.insert_pairing(actor, small.h["A4"], m1, 1, clock.today(), "乙")
    assert error.value.message == changes.CONSTRAINT_MESSAGES["pairing_one_active_per_rank"]
    assert [row["cadre"] for row in await active(small.h["A4"])] == [small.m3]


async def test_the_database_refuses_a_cadre_twice_on_one_household(db: Any, small: Small) -> None:
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.UniqueViolationError):
        await add_pairing(small.h["A1"], small.leader, rank=2)
    await savepoint.rollback_to()


async def test_a_cadre_cannot_use_the_pairing_tools(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_m1")
    assert (await client.get("/pairings")).status_code == 403
    assert (await client.get("/pairings/assistant")).status_code == 403
    assert (await client.get("/coverage")).status_code == 403


async def test_handover_moves_every_household_and_keeps_history(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    url = f"/pairings/cadres/{small.leader}"
    response = await post_form(
        client,
        url,
        url + "/handover",
        {"to_cadre": str(small.m3), "on": clock.today().isoformat(), "reason": "调任县委"},
    )
    assert response.status_code == 303
    for code in ("A1", "A2"):
        [row] = await active(small.h[code])
        assert (row["cadre"], row["start_reason"]) == (small.m3, "调任县委")
    old = await Pairing.select().where(Pairing.cadre == small.leader)
    assert [(r["ended_on"], r["end_reason"]) for r in old] == [(clock.today(), "调任县委")] * 2
    page = await client.get(url)
    assert "已移交 2 户" in page.text or "2 户" in page.text


async def test_handover_moves_only_the_ticked_households(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    url = f"/pairings/cadres/{small.leader}"
    page = await client.get(url)
    assert f'name="household" value="{small.h["A1"]}" form="handover-form" checked' in page.text
    data = {
        "to_cadre": str(small.m3),
        "on": clock.today().isoformat(),
        "reason": "分担",
        "household": str(small.h["A2"]),
    }
    response = await client.post(url + "/handover", data={**data, "_csrf_token": csrf_token_of(page.text)})
    assert response.status_code == 303
    assert [row["cadre"] for row in await active(small.h["A1"])] == [small.leader]
    assert [row["cadre"] for row in await active(small.h["A2"])] == [small.m3]


async def test_handover_by_the_rule_shares_households_out(small: Small) -> None:
    result = await hand_over(admin_of(small), small.leader, None, clock.today(), "离任")
    assert result.moved == 2
    for code in ("A1", "A2"):
        [row] = await active(small.h[code])
        assert row["cadre"] != small.leader
    assert {row["cadre"] for code in ("A1", "A2") for row in await active(small.h[code])} <= {
        small.m1,
        small.m2,
        small.m3,
    }


async def test_handover_to_a_disabled_cadre_is_refused(small: Small) -> None:
    with pytest.raises(changes.PairingError):
        await hand_over(admin_of(small), small.leader, small.disabled, clock.today(), "离任")
    assert len(await Pairing.select().where((Pairing.cadre == small.leader) & Pairing.ended_on.is_null())) == 2
