"""Place names for the headers of screens: a township with its county, a village."""

from __future__ import annotations

from server.places.tables import Township

# One statement for both names (this runs on every home and monitoring page).
_NAMES = """
SELECT (SELECT c.name || ' ' || t.name FROM township t JOIN county c ON c.id = t.county WHERE t.id = {}) AS township,
       (SELECT v.name FROM village v WHERE v.id = {}) AS village
"""


async def place_names(township_id: int | None, village_id: int | None) -> dict[str, str]:
    """'township' (with its county) and 'village' names for the header of a home screen."""
    if township_id is None and village_id is None:
        return {"township": "", "village": ""}
    row = (await Township.raw(_NAMES, township_id, village_id))[0]
    return {"township": row["township"] or "", "village": row["village"] or ""}
