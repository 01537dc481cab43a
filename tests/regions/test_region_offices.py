"""The city's and the province's offices read figures by county and township of their region, one level above the
county office's rule: nothing of the households behind them, nothing of another region, and nothing to write.

The county fixture's two counties (平邑县: 临涧镇 3/4 covered, 地方镇 1/2; 费县: 费城镇 1/1) are put under 临沂市 of
山东省 here, and a third county under another province's city is left out of both offices' figures.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.households.tables import Household
from server.pairing.coverage import region_coverage
from server.places.tables import County, Region, Township
from tests.county.conftest import Counties, counties
from tests.helpers import csrf_token_of, log_in

__all__ = ["counties"]


@pytest.fixture
async def regions(counties: Counties, township: dict[str, int], make_user: Any) -> dict[str, int]:
    shandong = Region(level="province", code="370000000000", name="山东省")
    await shandong.save()
    linyi = Region(level="city", code="371300000000", name="临沂市", parent=shandong.id)
    await linyi.save()
    await County.update({County.region: linyi.id}).where(County.code.is_in(["371326000000", "371325000000"]))
    henan = Region(level="province", code="410000000000", name="河南省")
    await henan.save()
    zhengzhou = Region(level="city", code="410100000000", name="郑州市", parent=henan.id)
    await zhengzhou.save()
    zhongmu = County(name="中牟县", code="410122000000", region=zhengzhou.id)
    await zhongmu.save()
    town = Township(county=zhongmu.id, name="城关镇", code="410122100000")
    await town.save()
    await make_user("city", username="shi", display_name="李主任", township_id=None, region_id=linyi.id)
    await make_user("province", username="sheng", display_name="赵主任", township_id=None, region_id=shandong.id)
    return {"province": shandong.id, "city": linyi.id, "elsewhere": zhongmu.id, "elsewhere_township": town.id}


async def test_a_city_adds_up_its_counties_each_by_its_own_townships(regions: dict[str, int]) -> None:
    data = await region_coverage(regions["city"])
    whole = data.region
    assert (whole.households, whole.covered) == (7, 5)
    assert (whole.leaders_meeting, whole.leaders, whole.members_meeting, whole.members) == (0, 1, 3, 3)
    assert [(c.name, c.households, c.covered) for c in data.counties] == [("费县", 1, 1), ("平邑县", 6, 4)]


async def test_a_province_reads_the_counties_of_its_cities(regions: dict[str, int]) -> None:
    province, city = await region_coverage(regions["province"]), await region_coverage(regions["city"])
    assert province == city


@pytest.mark.parametrize("username", ["shi", "sheng"])
async def test_the_home_shows_each_county_and_no_household(
    client: httpx.AsyncClient, regions: dict[str, int], counties: Counties, username: str
) -> None:
    await log_in(client, username)
    home = await client.get("/")
    assert home.status_code == 200
    assert ("临沂市" if username == "shi" else "山东省") in home.text
    assert 'data-county="平邑县"' in home.text
    assert 'data-county="费县"' in home.text
    assert "中牟县" not in home.text, "another province's county"
    assert "临户主" not in home.text


async def test_the_city_drills_down_to_a_county_and_a_township_of_its_own(
    client: httpx.AsyncClient, regions: dict[str, int], counties: Counties, township: dict[str, int]
) -> None:
    await log_in(client, "shi")
    county = await client.get(f"/region/counties/{township['county']}")
    assert county.status_code == 200
    assert 'data-township="地方镇"' in county.text
    assert f'href="/region/townships/{counties.difang}"' in county.text
    town = await client.get(f"/region/townships/{counties.difang}")
    assert town.status_code == 200
    assert 'data-village="东村"' in town.text
    assert f'href="/region/counties/{township["county"]}"' in town.text, "back goes to the county"
    assert "地户主" not in town.text


async def test_a_place_of_another_region_is_not_found(client: httpx.AsyncClient, regions: dict[str, int]) -> None:
    await log_in(client, "shi")
    assert (await client.get(f"/region/counties/{regions['elsewhere']}")).status_code == 404
    assert (await client.get(f"/region/townships/{regions['elsewhere_township']}")).status_code == 404


async def test_the_region_offices_read_no_household_and_write_nothing(
    client: httpx.AsyncClient, regions: dict[str, int], counties: Counties
) -> None:
    household = counties.households["T1"]
    await log_in(client, "sheng")
    for path in ("/households", f"/households/{household}", "/coverage", "/county/figures.xlsx", "/admin/users"):
        assert (await client.get(path)).status_code in (403, 404), path
    form = await client.get("/me")
    refused = await client.post(
        f"/households/{household}/visits",
        data={"_csrf_token": csrf_token_of(form.text), "note": "不该写入"},
    )
    assert refused.status_code in (403, 404)
    assert await Household.count() == 7


async def test_a_county_office_does_not_see_the_city_pages(
    client: httpx.AsyncClient, regions: dict[str, int], township: dict[str, int]
) -> None:
    await log_in(client, "xian")
    assert (await client.get(f"/region/counties/{township['county']}")).status_code == 403
