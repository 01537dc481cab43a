"""Which places a city's or a province's office reads: the counties under its region (the county under a city, or
directly under the province), and their townships. Decided here, in the queries, for every page of the area."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.sessions import CurrentUser
from server.places.tables import Region

NOTHING = -1

_COUNTY_IN_REGION = """
SELECT c.id, c.name FROM county c LEFT JOIN region r ON r.id = c.region
WHERE c.id = {} AND (c.region = {} OR r.parent = {})
"""
_TOWNSHIP_IN_REGION = """
SELECT t.id, t.name, t.county, c.name AS county_name FROM township t JOIN county c ON c.id = t.county
LEFT JOIN region r ON r.id = c.region
WHERE t.id = {} AND (c.region = {} OR r.parent = {})
"""


@dataclass(frozen=True)
class Place:
    id: int
    name: str


@dataclass(frozen=True)
class TownshipPlace(Place):
    county: Place


async def region_name(user: CurrentUser) -> str:
    row = await Region.select(Region.name).where(Region.id == (user.region_id or NOTHING)).first()
    return str(row["name"]) if row else ""


async def county_in_region(user: CurrentUser, county_id: int) -> Place | None:
    """The county when it lies in the user's region, else None (a 404 for the page)."""
    region = user.region_id or NOTHING
    rows = await Region.raw(_COUNTY_IN_REGION, county_id, region, region)
    return Place(rows[0]["id"], rows[0]["name"]) if rows else None


async def township_in_region(user: CurrentUser, township_id: int) -> TownshipPlace | None:
    """The township with its county when it lies in the user's region, else None."""
    region = user.region_id or NOTHING
    rows = await Region.raw(_TOWNSHIP_IN_REGION, township_id, region, region)
    if not rows:
        return None
    row = rows[0]
    return TownshipPlace(row["id"], row["name"], Place(row["county"], row["county_name"]))
