"""A province and city above the test county, its office, the township admin, and a second township."""

from __future__ import annotations

from typing import Any

import pytest

from server.places.tables import County, Region, Township


@pytest.fixture
async def places(township: dict[str, int], make_user: Any) -> dict[str, int]:
    [province] = await Region.insert(Region(level="province", code="370000000000", name="山东省"))
    [city] = await Region.insert(Region(level="city", code="371300000000", name="临沂市", parent=province["id"]))
    await County.update({County.region: city["id"]}).where(County.id == township["county"])
    [other] = await Township.insert(Township(county=township["county"], name="保太镇", code="371326103000"))
    [fei] = await County.insert(County(name="费县", code="371325000000", region=city["id"]))
    [far] = await Township.insert(Township(county=fei["id"], name="费城镇", code="371325100000"))
    await make_user("admin", username="office")
    await make_user("admin", username="other_office", township_id=other["id"])
    await make_user("leader", username="boss")
    await make_user("county", username="county_office", township_id=None, county_id=township["county"])
    return {
        **township,
        "province": province["id"],
        "city": city["id"],
        "other": other["id"],
        "far_county": fei["id"],
        "far": far["id"],
    }
