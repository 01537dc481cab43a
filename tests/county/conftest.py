"""A county of two townships, and a neighbouring county, to count on paper.

平邑县: 临涧镇 (双河村: T1-T4 need a cadre; leader L has T1, T2, under quota 3; cadre C1 has T3) and 地方镇 (东村:
S1, S2; cadre C2 has S1). 费县: 费城镇 (西村: O1, paired with C3). The county office `xian` belongs to 平邑县.
Covered: 临涧镇 3/4, 地方镇 1/2, county 4/6. Leaders meeting quota 0/1, members 2/2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from server.places.tables import County, Township, Village
from tests.pairing.conftest import add_household, add_pairing


@dataclass
class Counties:
    linjian: int
    difang: int
    feicheng: int
    households: dict[str, int]


@pytest.fixture
async def counties(township: dict[str, int], make_user: Any) -> Counties:
    difang = Township(county=township["county"], name="地方镇", code="371326106000")
    await difang.save()
    east = Village(township=difang.id, name="东村", code="371326106001")
    await east.save()
    fei = County(name="费县", code="371325000000")
    await fei.save()
    feicheng = Township(county=fei.id, name="费城镇", code="371325100000")
    await feicheng.save()
    west = Village(township=feicheng.id, name="西村", code="371325100001")
    await west.save()
    h = {f"T{n}": await add_household(township["village"], f"T{n}", f"临户主{n}") for n in range(1, 5)}
    h |= {f"S{n}": await add_household(east.id, f"S{n}", f"地户主{n}") for n in (1, 2)}
    h["O1"] = await add_household(west.id, "O1", "费户主1")
    leader = await make_user("leader", username="c_leader")
    c1 = await make_user("cadre", username="c_c1")
    c2 = await make_user("cadre", username="c_c2", township_id=difang.id)
    c3 = await make_user("cadre", username="c_c3", township_id=feicheng.id)
    for code, cadre in (("T1", leader), ("T2", leader), ("T3", c1), ("S1", c2), ("O1", c3)):
        await add_pairing(h[code], cadre)
    await make_user("county", username="xian", display_name="周主任", township_id=None, county_id=township["county"])
    return Counties(township["township"], difang.id, feicheng.id, h)


# The identification fixtures, for the lists a township sends to the county (test_county_lists.py).
from tests.identification.conftest import admin, admin_client, village  # noqa: E402, F401
