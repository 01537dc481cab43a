"""The places a value can belong to, and the chain of places above a township or a county (nearest first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.policy.registry import Level, Rule
from server.policy.tables import PolicyValue

_COLUMNS = {Level.TOWNSHIP: "township", Level.COUNTY: "county", Level.CITY: "region", Level.PROVINCE: "region"}


@dataclass(frozen=True)
class Place:
    level: Level
    id: int
    name: str

    @property
    def column(self) -> str:
        """The column of policy_value that names a place of this level."""
        return _COLUMNS[self.level]

    def lookup_args(self) -> tuple[int | None, int | None, int | None]:
        """(township, county, region): where policy_value_id starts walking up."""
        return (
            self.id if self.level is Level.TOWNSHIP else None,
            self.id if self.level is Level.COUNTY else None,
            self.id if self.level in (Level.CITY, Level.PROVINCE) else None,
        )


_CHAIN = """
SELECT t.id AS township, t.name AS township_name, c.id AS county, c.name AS county_name,
       r1.id AS near, r1.level AS near_level, r1.name AS near_name,
       r2.id AS far, r2.level AS far_level, r2.name AS far_name
FROM county c LEFT JOIN township t ON t.id = {} AND t.county = c.id
LEFT JOIN region r1 ON r1.id = c.region LEFT JOIN region r2 ON r2.id = r1.parent
WHERE c.id = coalesce((SELECT county FROM township WHERE id = {}), {})
"""
_REGION_LEVELS = {"city": Level.CITY, "province": Level.PROVINCE}


async def chain(township_id: int | None = None, county_id: int | None = None) -> list[Place]:
    """The township (when given), its county, and the city and province above: nearest first; [] when unknown."""
    rows = await PolicyValue.raw(_CHAIN, township_id or -1, township_id or -1, county_id or -1)
    return _places(rows[0]) if rows else []


def _places(row: dict[str, Any]) -> list[Place]:
    places = []
    if row["township"] is not None:
        places.append(Place(Level.TOWNSHIP, row["township"], row["township_name"]))
    places.append(Place(Level.COUNTY, row["county"], row["county_name"]))
    for prefix in ("near", "far"):
        if row[prefix] is not None:
            places.append(Place(_REGION_LEVELS[row[f"{prefix}_level"]], row[prefix], row[f"{prefix}_name"]))
    return places


def owning_place(places: list[Place], rule: Rule[Any]) -> Place | None:
    """Where a value of `rule` is recorded: the place of the owner's level; when the chain has none there (a
    county with no province recorded above it), the nearest place below that level; None when even that is missing
    (a county office cannot record a township's rule)."""
    candidates = [place for place in places if place.level <= rule.owner]
    if rule.owner is Level.TOWNSHIP or not candidates:
        return next((place for place in candidates if place.level is Level.TOWNSHIP), None)
    return max(candidates, key=lambda place: place.level)
