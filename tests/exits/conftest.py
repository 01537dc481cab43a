"""An exit world: the year's poverty line 4600, an admin, a leader, the county office, households above and below."""

from __future__ import annotations

from typing import Any

import pytest

from server.policy.registry import POVERTY_LINE
from tests.helpers import record_rule
from tests.monitoring.conftest import make_household, this_year


@pytest.fixture
async def world(make_user: Any, township: dict[str, int]) -> dict[str, int]:
    await record_rule(POVERTY_LINE, "4600", county=township["county"], year=this_year())
    await make_user("admin", username="xadmin", display_name="张建华")
    await make_user("leader", username="xleader", display_name="王立新")
    await make_user("county", username="xcounty", township_id=None, county_id=township["county"])
    village = township["village"]
    return {
        "ready": await make_household(village, "刘富", 6000, members=2, status="not_out"),
        "poor": await make_household(village, "王贫", 3000, members=2, status="not_out"),
        "out": await make_household(village, "李出", 9000, status="out_supported"),
        **township,
    }
