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

# The new photos (one submission's: one visit, so one township) are read first, by id, their township looked up from
# their visit; the earlier photos of that township are then found through arrays read once (the township's
# households, their visits): a plan that cannot nest the township's visits inside one another, whatever the
# statistics say. Right after a load (the demo, as the app role,
# which may not ANALYZE) the planner took every table for one row and nested the township's households and visits
# per earlier photo: minutes for one statement.
_FLAG = f"""
WITH p AS MATERIALIZED (
    SELECT p.id, p.visit, p.phash,
           (SELECT vl.township FROM visit v JOIN household h ON h.id = v.household JOIN village vl ON vl.id = h.village
            WHERE v.id = p.visit) AS township
    FROM visit_photo p WHERE p.id = ANY({{}}) AND length(p.phash) = 64
)
INSERT INTO photo_match (photo, earlier, distance, found_at)
SELECT p.id, e.id, {DISTANCE}, now()
FROM p JOIN visit_photo e ON e.visit = ANY(ARRAY(
    SELECT ev.id FROM visit ev WHERE ev.household = ANY(ARRAY(
        SELECT eh.id FROM household eh JOIN village evl ON evl.id = eh.village
        WHERE evl.township IN (SELECT township FROM p)))))
  AND e.visit <> p.visit AND e.id < p.id AND length(e.phash) = 64
WHERE {DISTANCE} <= {{}}
ON CONFLICT (photo, earlier) DO NOTHING
"""


async def flag_photos_used_twice(photo_ids: list[int]) -> None:
    """One statement for the new photos of a submission, all of one visit (none: nothing to do)."""
    if photo_ids:
        await PhotoMatch.raw(_FLAG, photo_ids, PHASH_SAME_SCENE)
