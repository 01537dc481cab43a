"""Place names for the headers of screens: a township with its county, a village."""

from __future__ import annotations

from server.places.tables import Township, Village


async def place_names(township_id: int | None, village_id: int | None) -> dict[str, str]:
    """'township' (with its county) and 'village' names for the header of a home screen."""
    names = {"township": "", "village": ""}
    if township_id is not None:
        row = await Township.select(Township.name, Township.county.name).where(Township.id == township_id).first()
        if row:
            names["township"] = f"{row['county.name']} {row['name']}"
    if village_id is not None:
        village = await Village.select(Village.name).where(Village.id == village_id).first()
        names["village"] = village["name"] if village else ""
    return names
