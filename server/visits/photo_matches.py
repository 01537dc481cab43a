"""Photos used twice: a new visit photo whose perceptual hash is near one stored earlier for another visit.

Compared within the township (where cadres could reuse a picture), against every earlier photo of another visit:
another household, or an earlier visit of the same one. Only flagged, never refused (DOMAIN.md §8: evidence, never
a gate); the office and the inspection group see the pairs side by side (server.supervision).
"""

from __future__ import annotations

from server.media.images import PHASH_SAME_SCENE
from server.visits.tables import PhotoMatch

HEX_BITS = "('x' || {col})::bit(256)"
DISTANCE = f"bit_count({HEX_BITS.format(col='p.phash')} # {HEX_BITS.format(col='e.phash')})"

_FLAG = f"""
INSERT INTO photo_match (photo, earlier, distance, found_at)
SELECT p.id, e.id, {DISTANCE}, now()
FROM visit_photo p
JOIN visit pv ON pv.id = p.visit JOIN household ph ON ph.id = pv.household JOIN village pvl ON pvl.id = ph.village
JOIN village evl ON evl.township = pvl.township
JOIN household eh ON eh.village = evl.id
JOIN visit ev ON ev.household = eh.id AND ev.id <> p.visit
JOIN visit_photo e ON e.visit = ev.id AND e.id < p.id AND length(e.phash) = 64
WHERE p.id = ANY({{}}) AND length(p.phash) = 64 AND {DISTANCE} <= {{}}
ON CONFLICT (photo, earlier) DO NOTHING
"""


async def flag_photos_used_twice(photo_ids: list[int]) -> None:
    """One statement for the new photos of a submission (none: nothing to do)."""
    if photo_ids:
        await PhotoMatch.raw(_FLAG, photo_ids, PHASH_SAME_SCENE)
