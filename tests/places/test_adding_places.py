"""The county office adds its townships, a township admin its villages, each with its 12-digit division code;
a closed village keeps its households."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from server.audit.tables import AuditEvent
from server.households.tables import Household
from server.places.division_codes import code_problem
from server.places.tables import County, Township, Village
from tests.helpers import log_in, post_form


def test_division_codes_are_twelve_digits_with_the_parents_digits_in_front() -> None:
    assert code_problem("370000000000", "province") is None
    assert code_problem("371326105000", "township", "371326000000") is None
    assert code_problem("371326105001", "village", "371326105000") is None
    assert code_problem("371326105", "township", "371326000000") is not None  # the old short code
    assert code_problem("371326000000", "township", "371326000000") is not None  # the county's own code
    assert code_problem("371326105001", "township", "371326000000") is not None  # a village's code
    assert code_problem("371325105000", "township", "371326000000") is not None  # another county's
    assert code_problem("37132610500X", "village", "371326105000") is not None


async def test_the_database_refuses_a_code_that_is_not_twelve_digits(township: dict[str, int]) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await Township.insert(Township(county=township["county"], name="短码镇", code="371326106"))


async def test_county_office_adds_a_township_under_its_own_code(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    await log_in(client, "xian")
    added = await post_form(
        client, "/county/places", "/county/places/townships", {"name": "武台镇", "code": "371326102000"}
    )
    assert added.status_code == 303
    listing = await client.get("/county/places")
    assert "武台镇" in listing.text
    assert "371326102000" in listing.text
    assert await AuditEvent.exists().where(AuditEvent.action == "township_added")

    taken = await post_form(
        client, "/county/places", "/county/places/townships", {"name": "又一个镇", "code": "371326102000"}
    )
    assert taken.status_code == 422
    assert "已被其他地方使用" in taken.text
    foreign = await post_form(
        client, "/county/places", "/county/places/townships", {"name": "外县镇", "code": "371325102000"}
    )
    assert foreign.status_code == 422
    assert "371326" in foreign.text
    short = await post_form(client, "/county/places", "/county/places/townships", {"name": "短码镇", "code": "3713"})
    assert short.status_code == 422
    assert "12 位" in short.text
    assert await Township.count().where(Township.county == township["county"]) == 2


async def test_a_county_office_cannot_rename_another_countys_township(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    [fei] = await County.insert(County(name="费县", code="371325000000"))
    [far] = await Township.insert(Township(county=fei["id"], name="费城镇", code="371325100000"))
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    await log_in(client, "xian")
    answer = await post_form(client, "/county/places", f"/county/places/townships/{far['id']}", {"name": "改名"})
    assert answer.status_code == 404
    assert (await Township.select(Township.name).where(Township.id == far["id"]).first())["name"] == "费城镇"


async def test_township_admin_adds_a_village_with_a_work_team(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    form = {
        "name": "石棚村",
        "code": "371326105005",
        "key_level": "municipal",
        "has_work_team": "1",
        "population": "800",
    }
    added = await post_form(client, "/places/villages/new", "/places/villages", form)
    assert added.status_code == 303
    village = await Village.select().where(Village.code == "371326105005").first()
    assert village["township"] == township["township"]
    assert village["has_work_team"]
    assert village["key_level"] == "municipal"
    taken = await post_form(client, "/places/villages/new", "/places/villages", {**form, "name": "又一村"})
    assert taken.status_code == 422
    assert "已被其他地方使用" in taken.text
    elsewhere = await post_form(client, "/places/villages/new", "/places/villages", {**form, "code": "371326106005"})
    assert elsewhere.status_code == 422
    assert "371326105" in elsewhere.text


async def test_a_closed_village_keeps_its_households_and_takes_no_new_one(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await Household.insert(Household(code="371326105001-0001", village=township["village"]))
    await log_in(client, "office")
    url = f"/places/villages/{township['village']}"
    closed = await post_form(client, url, f"{url}/closed", {"closed": "1"})
    assert closed.status_code == 303
    assert "已关闭" in (await client.get(url)).text
    assert await Household.count().where(Household.village == township["village"]) == 1
    new_household = await client.get("/households/new")
    assert f'<option value="{township["village"]}"' not in new_household.text
    assert await AuditEvent.exists().where(AuditEvent.action == "village_closed")
    reopened = await post_form(client, url, f"{url}/closed", {"closed": "0"})
    assert reopened.status_code == 303
    assert (await Village.select(Village.closed_on).where(Village.id == township["village"]).first()) == {
        "closed_on": None
    }


async def test_county_office_moves_a_village_with_its_households_to_another_township(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    [household] = await Household.insert(Household(code="371326105001-0001", village=township["village"]))
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    await log_in(client, "xian")
    page = f"/county/places/townships/{township['township']}"
    action = f"/county/places/villages/{township['village']}/move"
    wrong_code = await post_form(client, page, action, {"township": str(other["id"]), "code": "371326105001"})
    assert wrong_code.status_code == 303
    assert "代码须以上级区划的代码开头（371326103）" in (await client.get(page)).text
    village = await Village.select(Village.township).where(Village.id == township["village"]).first()
    assert village["township"] == township["township"]

    moved = await post_form(client, page, action, {"township": str(other["id"]), "code": "371326103007"})
    assert moved.status_code == 303
    village = await Village.select(Village.township, Village.code).where(Village.id == township["village"]).first()
    assert village == {"township": other["id"], "code": "371326103007"}
    still = await Household.select(Household.village).where(Household.id == household["id"]).first()
    assert still["village"] == township["village"]
    event = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "village_moved").first()
    assert "371326105001" in str(event["detail"])


async def test_a_village_where_accounts_are_based_is_not_moved(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    await make_user("cadre", username="shuji", village_id=township["village"])
    await make_user("county", username="xian", township_id=None, county_id=township["county"])
    await log_in(client, "xian")
    page = f"/county/places/townships/{township['township']}"
    action = f"/county/places/villages/{township['village']}/move"
    refused = await post_form(client, page, action, {"township": str(other["id"]), "code": "371326103007"})
    assert refused.status_code == 303
    assert "仍有账号驻在此村" in (await client.get(page)).text
    assert not await AuditEvent.exists().where(AuditEvent.action == "village_moved")
