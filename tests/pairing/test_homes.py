"""The homes: a cadre's own households with a one-tap visit button; leaders and admins see coverage."""

from __future__ import annotations

import httpx

from tests.helpers import log_in
from tests.pairing.conftest import Small


async def test_a_cadre_sees_their_households_with_a_record_visit_button(
    client: httpx.AsyncClient, small: Small
) -> None:
    await log_in(client, "t_m1")
    text = (await client.get("/")).text
    assert "我的结对帮扶户" in text
    assert "甲户主3" in text
    assert "甲户主1" not in text
    assert f'href="/households/{small.h["A3"]}/visits/new"' in text
    assert "记录走访" in text
    assert f'href="/households/{small.h["A3"]}"' in text
    assert "上次走访：—" in text
    assert "下次回访：—" in text


async def test_a_cadre_without_households_is_told_who_assigns_them(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_m3")
    text = (await client.get("/")).text
    assert "尚未为您分配" in text or "扶贫办" in text


async def test_a_leader_sees_coverage_and_their_own_households(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_leader")
    text = (await client.get("/")).text
    assert 'href="/coverage"' in text
    assert "57%" in text
    assert "甲户主1" in text
    assert "甲户主2" in text
    assert "甲户主3" not in text


async def test_the_admin_home_links_to_the_pairing_tools(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    text = (await client.get("/")).text
    assert 'href="/pairings/assistant"' in text
    assert 'href="/coverage"' in text
    assert 'href="/admin/users"' in text
    assert "我的结对帮扶户" not in text
