"""Pairing queries shared by every area that shows who is responsible for a household."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from server.pairing.tables import Pairing


async def responsible_cadres(household_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Active responsible cadres per household (first, then second), in one query for any number of households."""
    ids = list(household_ids)
    if not ids:
        return {}
    rows = await (
        Pairing.select(
            Pairing.household,
            Pairing.rank,
            Pairing.started_on,
            Pairing.cadre.as_alias("cadre_id"),
            Pairing.cadre.display_name.as_alias("name"),
            Pairing.cadre.title.as_alias("title"),
            Pairing.cadre.phone.as_alias("phone"),
            Pairing.cadre.role.as_alias("role"),
        )
        .where(Pairing.household.is_in(ids) & Pairing.ended_on.is_null())
        .order_by(Pairing.household)
        .order_by(Pairing.rank)
    )
    by_household: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_household[row["household"]].append(row)
    return dict(by_household)
