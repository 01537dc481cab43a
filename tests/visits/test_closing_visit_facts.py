"""A closed follow-up keeps its closing visit's cadre and local day (the assessment counts follow-ups kept on time
by them): every write of either side keeps them what joining the visit would give."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from server.clock import TIMEZONE, today
from server.visits.tables import FollowUp, Visit
from tests.helpers import csrf_token_of
from tests.visits.conftest import send_visit

AS_JOINED = """
SELECT f.closing_visit_cadre AS cadre, f.closing_visit_day AS day, v.cadre AS visit_cadre,
       (v.visited_at AT TIME ZONE 'Asia/Shanghai')::date AS visit_day
FROM follow_up f LEFT JOIN visit v ON v.id = f.closed_by_visit WHERE f.id = {}
"""


async def kept(follow_up: int) -> tuple[Any, Any]:
    """The follow-up's kept facts, checked against its closing visit's (None, None when open)."""
    [row] = await FollowUp.raw(AS_JOINED, follow_up)
    assert (row["cadre"], row["day"]) == (row["visit_cadre"], row["visit_day"])
    return row["cadre"], row["day"]


async def visit(world: dict[str, int], when: datetime, cadre: str = "wang") -> int:
    row = Visit(household=world["monitored"], cadre=world[cadre], visited_at=when, note="走访")
    await row.save()
    return int(row.id)


async def follow_up(world: dict[str, int], closed_by: int | None) -> int:
    [row] = await FollowUp.insert(
        FollowUp(
            household=world["monitored"],
            due_on=today(),
            reason="measure",
            closed_by_visit=closed_by,
            closed_at=None if closed_by is None else datetime.now(TIMEZONE),
        )
    ).returning(FollowUp.id)
    return int(row["id"])


async def test_a_visit_sent_from_the_form_closes_the_schedule_with_its_cadre_and_local_day(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await send_visit(as_wang, world["monitored"], {"note": "第一次"})
    schedule = await FollowUp.select(FollowUp.id).where(FollowUp.household == world["monitored"]).first()
    assert await kept(schedule["id"]) == (None, None)
    await send_visit(as_wang, world["monitored"], {"note": "第二次"})
    assert await kept(schedule["id"]) == (world["wang"], today())


async def test_a_follow_up_written_closed_reopened_and_closed_again_keeps_the_facts_of_its_visit(
    world: dict[str, int],
) -> None:
    # Half an hour after local midnight: the previous day in UTC, the visit's local day counts.
    early = await visit(world, datetime(2026, 3, 2, 0, 30, tzinfo=TIMEZONE))
    closed = await follow_up(world, closed_by=early)
    assert await kept(closed) == (world["wang"], date(2026, 3, 2))
    await FollowUp.update({FollowUp.closed_by_visit: None, FollowUp.closed_at: None}).where(FollowUp.id == closed)
    assert await kept(closed) == (None, None)
    by_li = await visit(world, datetime(2026, 5, 31, 23, 30, tzinfo=TIMEZONE), cadre="li")
    await FollowUp.update({FollowUp.closed_by_visit: by_li, FollowUp.closed_at: datetime.now(TIMEZONE)}).where(
        FollowUp.id == closed
    )
    assert await kept(closed) == (world["li"], date(2026, 5, 31))


async def test_a_corrected_visit_carries_the_follow_ups_it_closed_also_into_another_years_partition(
    world: dict[str, int],
) -> None:
    closing = await visit(world, datetime(2026, 6, 1, 10, 0, tzinfo=TIMEZONE))
    others = await follow_up(world, closed_by=closing), await follow_up(world, closed_by=closing)
    untouched = await follow_up(world, closed_by=await visit(world, datetime(2026, 6, 1, 11, 0, tzinfo=TIMEZONE)))
    for change, expected in [
        ({Visit.visited_at: datetime(2026, 6, 3, 23, 50, tzinfo=TIMEZONE)}, (world["wang"], date(2026, 6, 3))),
        ({Visit.cadre: world["li"]}, (world["li"], date(2026, 6, 3))),
        # A year earlier: the row moves to another partition (a delete and an insert for PostgreSQL).
        ({Visit.visited_at: datetime(2025, 12, 31, 23, 59, tzinfo=TIMEZONE)}, (world["li"], date(2025, 12, 31))),
        ({Visit.visited_at: datetime(2026, 1, 1, 0, 0, tzinfo=TIMEZONE)}, (world["li"], date(2026, 1, 1))),
    ]:
        before = await partition_of(closing)
        await Visit.update(change).where(Visit.id == closing)
        assert [await kept(one) for one in others] == [expected, expected]
        if Visit.visited_at in change and change[Visit.visited_at].year != 2026:
            assert await partition_of(closing) != before
    assert await kept(untouched) == (world["wang"], date(2026, 6, 1))


async def partition_of(visit_id: int) -> str:
    [row] = await Visit.raw("SELECT tableoid::regclass::text AS partition FROM visit WHERE id = {}", visit_id)
    return str(row["partition"])


async def test_a_visit_corrected_through_its_form_carries_its_day_to_the_follow_ups_it_closed(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await send_visit(as_wang, world["monitored"], {"note": "第一次"})
    await send_visit(as_wang, world["monitored"], {"note": "第二次"})
    second = await Visit.select(Visit.id).order_by(Visit.id, ascending=False).first()
    schedule = await FollowUp.select(FollowUp.id).where(FollowUp.closed_by_visit == second["id"]).first()
    earlier = datetime.now(TIMEZONE) - timedelta(days=2)
    page = await as_wang.get(f"/visits/{second['id']}/edit")
    answer = await as_wang.post(
        f"/visits/{second['id']}/edit",
        data={"_csrf_token": csrf_token_of(page.text), "version": "1", "kind": "home", "note": "第二次",
              "visited_at": earlier.strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    assert answer.status_code == 303
    assert await kept(schedule["id"]) == (world["wang"], earlier.date())


async def test_deleting_the_closing_visit_deletes_the_follow_ups_it_closed(world: dict[str, int]) -> None:
    closing = await visit(world, datetime(2026, 6, 1, 10, 0, tzinfo=TIMEZONE))
    closed = await follow_up(world, closed_by=closing)
    await Visit.delete().where(Visit.id == closing)
    assert not await FollowUp.exists().where(FollowUp.id == closed)
