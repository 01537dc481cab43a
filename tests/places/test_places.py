"""The township admin keeps villages and groups; nobody else, nothing outside."""

from __future__ import annotations

from typing import Any

from server.audit.tables import AuditEvent
from server.households.tables import Household
from server.places.tables import Township, Village, VillageGroup
from tests.helpers import log_in, post_form


async def admin(client: Any, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")


async def test_admin_lists_and_edits_a_village(client: Any, make_user: Any, township: dict[str, int]) -> None:
    await admin(client, make_user)
    listing = await client.get("/places")
    assert "双河村" in listing.text
    assert "重点" in listing.text
    url = f"/places/villages/{township['village']}"
    data = {"name": "双河村", "key_level": "municipal", "is_pilot": "1", "population": "1200", "latitude": "35.4"}
    assert (await post_form(client, url, url, data)).status_code == 303
    village = await Village.select().where(Village.id == township["village"]).first()
    assert village["population"] == 1200
    assert village["is_pilot"]
    assert village["key_level"] == "municipal"
    assert await AuditEvent.exists().where(AuditEvent.action == "village_changed")


async def test_bad_village_input_is_refused_next_to_the_field(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await admin(client, make_user)
    url = f"/places/villages/{township['village']}"
    answer = await post_form(client, url, url, {"name": "", "population": "-3", "key_level": "national"})
    assert answer.status_code == 422
    assert "请输入姓名或名称" in answer.text
    assert "数字超出允许范围" in answer.text
    assert "请从列表中选择" in answer.text


async def test_groups_are_added_renamed_and_removed_but_not_when_households_use_them(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await admin(client, make_user)
    url = f"/places/villages/{township['village']}"
    assert (await post_form(client, url, url + "/groups", {"name": "一组"})).status_code == 303
    duplicate = await post_form(client, url, url + "/groups", {"name": "一组"})
    assert duplicate.status_code == 422
    assert "本村已有同名村民小组" in duplicate.text
    group = await VillageGroup.select().where(VillageGroup.name == "一组").first()
    await post_form(client, url, f"/places/groups/{group['id']}", {"name": "第一组"})
    assert (await VillageGroup.select().where(VillageGroup.id == group["id"]).first())["name"] == "第一组"
    await Household.insert(Household(code="H-1", village=township["village"], group=group["id"]))
    await post_form(client, url, f"/places/groups/{group['id']}/remove", {})
    assert await VillageGroup.exists().where(VillageGroup.id == group["id"])
    assert "该村民小组不能删除" in (await client.get(url)).text
    await Household.delete().where(Household.code == "H-1")
    await post_form(client, url, f"/places/groups/{group['id']}/remove", {})
    assert not await VillageGroup.exists().where(VillageGroup.id == group["id"])


async def test_places_of_another_township_are_not_found(client: Any, make_user: Any, township: dict[str, int]) -> None:
    other = Township(county=township["county"], name="保太镇", code="371326106000")
    await other.save()
    far = Village(township=other.id, name="外村", code="371326106001")
    await far.save()
    group = VillageGroup(village=far.id, name="一组")
    await group.save()
    await admin(client, make_user)
    assert (await client.get(f"/places/villages/{far.id}")).status_code == 404
    answer = await post_form(client, "/me", f"/places/groups/{group.id}/remove", {})
    assert answer.status_code == 404
    assert await VillageGroup.exists().where(VillageGroup.id == group.id)
    assert "外村" not in (await client.get("/places")).text


async def test_only_the_admin_keeps_places(client: Any, make_user: Any, township: dict[str, int]) -> None:
    await make_user("leader", username="boss")
    await log_in(client, "boss")
    assert (await client.get("/places")).status_code == 403


async def test_the_old_rules_pages_lead_to_the_policy_pages(client: Any, make_user: Any, township: Any) -> None:
    await admin(client, make_user)
    for url in ("/places/rules", "/places/standards"):
        moved = await client.get(url)
        assert (moved.status_code, moved.headers["location"]) == (301, "/policy")
