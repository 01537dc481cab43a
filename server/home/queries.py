"""Figures for the home screens, always within the viewer's township."""

from __future__ import annotations

from typing import Any

from server.households.register import in_register_sql
from server.households.tables import Household

IN_REGISTER = in_register_sql("h")
_OVERVIEW = f"""
WITH t AS (SELECT {{}}::int AS id)
SELECT
  (SELECT count(*) FROM village v WHERE v.township = t.id) AS villages,
  (SELECT count(*) FROM village v WHERE v.township = t.id AND v.key_level <> '') AS key_villages,
  (SELECT count(*) FROM household h JOIN village v ON v.id = h.village WHERE v.township = t.id
     AND {IN_REGISTER}) AS households,
  (SELECT count(*) FROM member m JOIN household h ON h.id = m.household JOIN village v ON v.id = h.village
     WHERE v.township = t.id AND {IN_REGISTER}) AS members,
  (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active AND u.role = 'leader') AS leaders,
  (SELECT count(*) FROM app_user u WHERE u.township = t.id AND u.is_active AND u.role = 'cadre') AS cadres
FROM t
"""


async def township_overview(township_id: int | None) -> dict[str, Any]:
    rows = await Household.raw(_OVERVIEW, township_id)
    return dict(rows[0])
