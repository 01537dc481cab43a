"""A visit's measure keeps its visit's cadre and time (the annual assessment counts each cadre's measures of a year
by them): every write of either side keeps them what joining the visit would give."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from server.clock import TIMEZONE
from server.visits.tables import Visit, VisitMeasure
from tests.helpers import csrf_token_of
from tests.visits.conftest import send_visit
from tests.visits.test_closing_visit_facts import partition_of, visit

AS_JOINED = """
SELECT m.cadre, m.visited_at, v.cadre AS visit_cadre, v.visited_at AS visit_at
FROM visit_measure m JOIN visit v ON v.id = m.visit WHERE m.visit = {} ORDER BY m.id
"""


async def kept(visit_id: int) -> list[tuple[Any, Any]]:
    """The kept facts of the visit's measures, each checked against the visit's own."""
    rows = await VisitMeasure.raw(AS_JOINED, visit_id)
    for row in rows:
        assert (row["cadre"], row["visited_at"]) == (row["visit_cadre"], row["visit_at"])
    return [(row["cadre"], row["visited_at"]) for row in rows]


async def measure(visit_id: int, kind: str = "medical") -> int:
    [row] = await VisitMeasure.insert(VisitMeasure(visit=visit_id, type=kind)).returning(VisitMeasure.id)
    return int(row["id"])


async def test_a_measure_sent_with_a_visit_and_the_visit_corrected_through_its_form_keep_the_visits_facts(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    fields = {"note": "送去慰问金", "measure_type": "medical", "measure_amount": "300"}
    assert (await send_visit(as_wang, world["monitored"], fields)).status_code == 303
    sent = await Visit.select(Visit.id, Visit.visited_at).order_by(Visit.id, ascending=False).first()
    assert await kept(sent["id"]) == [(world["wang"], sent["visited_at"])]
    earlier = (datetime.now(TIMEZONE) - timedelta(days=2)).replace(second=0, microsecond=0)
    page = await as_wang.get(f"/visits/{sent['id']}/edit")
    answer = await as_wang.post(
        f"/visits/{sent['id']}/edit",
        data={"_csrf_token": csrf_token_of(page.text), "version": "1", "kind": "home", "note": "送去慰问金",
              "visited_at": earlier.strftime("%Y-%m-%dT%H:%M"), "measure_type": "medical", "measure_amount": "300"},
    )  # fmt: skip
    assert answer.status_code == 303
    assert await kept(sent["id"]) == [(world["wang"], earlier)]


async def test_a_corrected_visit_carries_its_measures_also_into_another_years_partition(
    world: dict[str, int],
) -> None:
    corrected = await visit(world, datetime(2026, 6, 1, 10, 0, tzinfo=TIMEZONE))
    await measure(corrected), await measure(corrected, "education")
    untouched = await visit(world, datetime(2026, 6, 1, 11, 0, tzinfo=TIMEZONE))
    await measure(untouched)
    for change, expected in [
        ({Visit.visited_at: datetime(2026, 6, 3, 23, 50, tzinfo=TIMEZONE)}, world["wang"]),
        ({Visit.cadre: world["li"]}, world["li"]),
        # A year earlier: the row moves to another partition (a delete and an insert for PostgreSQL).
        ({Visit.visited_at: datetime(2025, 12, 31, 23, 59, tzinfo=TIMEZONE)}, world["li"]),
    ]:
        before = await partition_of(corrected)
        await Visit.update(change).where(Visit.id == corrected)
        [row] = await Visit.select(Visit.visited_at).where(Visit.id == corrected)
        assert await kept(corrected) == [(expected, row["visited_at"])] * 2
        if change.get(Visit.visited_at, datetime.now(TIMEZONE)).year != 2026:
            assert await partition_of(corrected) != before
    assert await kept(untouched) == [(world["wang"], datetime(2026, 6, 1, 11, 0, tzinfo=TIMEZONE))]


async def test_a_measure_moved_to_another_visit_takes_that_visits_facts(world: dict[str, int]) -> None:
    first = await visit(world, datetime(2026, 3, 2, 0, 30, tzinfo=TIMEZONE))
    second = await visit(world, datetime(2026, 5, 31, 23, 30, tzinfo=TIMEZONE), cadre="li")
    moved = await measure(first)
    await VisitMeasure.update({VisitMeasure.visit: second}).where(VisitMeasure.id == moved)
    assert await kept(first) == []
    assert await kept(second) == [(world["li"], datetime(2026, 5, 31, 23, 30, tzinfo=TIMEZONE))]
