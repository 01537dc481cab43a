"""The township admin keeps villages, groups, township rules and poverty standards; nobody else, nothing outside."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.audit.tables import AuditEvent
from server.households.tables import Household, PovertyStandard
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
    other = Township(county=township["county"], name="保太镇", code="371326106")
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
    for url in ("/places", "/places/rules", "/places/standards"):
        assert (await client.get(url)).status_code == 403


async def test_township_rules_are_validated_and_saved(client: Any, make_user: Any, township: dict[str, int]) -> None:
    await admin(client, make_user)
    rules = {
        "leader_quota": "4",
        "cadre_quota": "2",
        "quota_maximum": "",
        "unvisited_alert_days": "45",
        "follow_up_days": "60",
        "monitored_follow_up_days": "90",
        "monitoring_margin_percent": "10",
        "minimum_monthly_wage": "2000",
    }
    refused = await post_form(client, "/places/rules", "/places/rules", rules)
    assert refused.status_code == 422
    assert "监测户的走访间隔不能长于一般户" in refused.text
    refused = await post_form(
        client, "/places/rules", "/places/rules", {**rules, "monitored_follow_up_days": "30", "quota_maximum": "3"}
    )
    assert refused.status_code == 422
    assert "上限不能低于" in refused.text
    saved = await post_form(client, "/places/rules", "/places/rules", {**rules, "monitored_follow_up_days": "30"})
    assert saved.status_code == 303
    town = await Township.select().where(Township.id == township["township"]).first()
    assert (town["leader_quota"], town["cadre_quota"], town["unvisited_alert_days"]) == (4, 2, 45)
    assert town["quota_maximum"] is None


async def test_poverty_standards_are_data_the_admin_adds_and_edits(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await admin(client, make_user)
    data = {"year": "2027", "poverty_line": "4700", "poverty_line_constant": "3000", "monitoring_line": "7800"}
    assert (await post_form(client, "/places/standards", "/places/standards", data)).status_code == 303
    again = await post_form(client, "/places/standards", "/places/standards", data)
    assert again.status_code == 422
    assert "该年度已有标准" in again.text
    low = await post_form(
        client, "/places/standards", "/places/standards", {**data, "year": "2028", "monitoring_line": "4000"}
    )
    assert low.status_code == 422
    assert "监测线不能低于贫困线" in low.text
    negative = await post_form(
        client, "/places/standards", "/places/standards", {**data, "year": "2029", "poverty_line": "-1"}
    )
    assert negative.status_code == 422
    assert "不能为负数" in negative.text
    row = await PovertyStandard.select().where(PovertyStandard.year == 2027).first()
    url = f"/places/standards/{row['id']}"
    assert (await post_form(client, url, url, {**data, "poverty_line": "4750"})).status_code == 303
    row = await PovertyStandard.select().where(PovertyStandard.year == 2027).first()
    assert row["poverty_line"] == Decimal("4750")
    assert await AuditEvent.count().where(AuditEvent.action == "poverty_standard_changed") == 2
