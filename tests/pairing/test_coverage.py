"""The coverage dashboard: figures worked out by hand, a constant number of queries, the lists, the .xlsx."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from io import BytesIO
from typing import Any

import httpx
from openpyxl import load_workbook

from server import clock
from server.audit.tables import AuditEvent
from server.pairing.coverage import county_coverage, coverage
from server.pairing.rules import eligible_sql
from server.places.tables import Village
from server.spreadsheets import safe_cell
from server.visits.tables import FollowUp, Visit
from tests.helpers import log_in
from tests.pairing.conftest import Small, add_household, add_pairing


async def test_the_figures_match_the_ones_counted_by_hand(small: Small) -> None:
    data = await coverage(small.township)
    t = data.township
    assert (t.households, t.covered, t.uncovered, t.percent) == (7, 4, 3, 57)
    assert (t.leaders_meeting, t.leaders, t.members_meeting, t.members) == (0, 1, 2, 3)
    assert (t.unvisited, t.overdue) == (7, 0)  # nobody visited yet, no follow-up due
    a, b = data.villages
    assert (a.name, a.households, a.covered, a.members_meeting, a.members) == ("双河村", 4, 3, 1, 1)
    assert (b.name, b.households, b.covered, b.members_meeting, b.members) == ("周庄村", 3, 1, 1, 1)


async def test_the_dashboard_shows_figures_and_links_but_no_ranking(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_leader")
    page = await client.get("/coverage")
    assert page.status_code == 200
    text = page.text
    assert "4/7" in text
    assert "57%" in text
    assert "0/1" in text
    assert "2/3" in text
    assert 'href="/coverage/uncovered?village=' in text
    assert 'href="/coverage/under-quota?role=leader"' in text
    assert '<svg class="bar"' in text
    assert "<rect" in text
    for name in ("李领导", "王甲", "赵乙", "钱丙"):
        assert name not in text  # outcomes only: no person is listed or ranked on the dashboard


async def test_the_dashboard_runs_the_same_queries_whatever_the_size(
    client: httpx.AsyncClient, small: Small, db: Any
) -> None:
    queries: list[str] = []

    def log(record: Any) -> None:
        queries.append(record.query)

    db.connection.add_query_logger(log)
    await log_in(client, "t_leader")
    queries.clear()
    await client.get("/coverage")
    small_count = len(queries)
    assert small_count > 0
    for n in range(3):
        village = Village(township=small.township, name=f"新村{n}", code=f"37132610590{n}")
        await village.save()
        for k in range(12):
            household = await add_household(village.id, f"N{n}-{k}", f"新户主{n}{k}")
            if k % 2:
                await add_pairing(household, small.m3)
    queries.clear()
    page = await client.get("/coverage")
    assert "新村2" in page.text
    assert len(queries) == small_count
    db.connection.remove_query_logger(log)


async def test_the_lists_behind_the_figures(client: httpx.AsyncClient, small: Small) -> None:
    await log_in(client, "t_admin")
    uncovered = await client.get(f"/coverage/uncovered?village={small.village_b}")
    assert "乙户主2" in uncovered.text
    assert "乙户主3" in uncovered.text
    assert "乙户主1" not in uncovered.text
    everywhere = await client.get("/coverage/uncovered")
    assert "甲户主4" in everywhere.text
    assert "甲户主5" not in everywhere.text
    leaders = await client.get("/coverage/under-quota?role=leader")
    assert "李领导" in leaders.text
    assert "2/3" in leaders.text
    assert "钱丙" not in leaders.text
    members = await client.get("/coverage/under-quota?role=cadre")
    assert "钱丙" in members.text
    assert "王甲" not in members.text
    assert "孙停" not in members.text
    unvisited = await client.get("/coverage/unvisited")
    assert unvisited.status_code == 200
    assert "甲户主1" in unvisited.text


async def test_the_xlsx_has_the_same_figures_and_is_audited(client: httpx.AsyncClient, small: Small) -> None:
    await Village.update({Village.name: "=HYPERLINK(1)"}).where(Village.id == small.village_b)
    await log_in(client, "t_leader")
    response = await client.get("/coverage.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["乡镇或村", "应覆盖户数", "已覆盖"]
    assert rows[1][1:] == [7, 4, 3, 0.57, 7, 0, "0/1", "2/3"]
    assert rows[2][:3] == ["双河村", 4, 3]
    assert rows[3][:3] == ["'=HYPERLINK(1)", 3, 1]
    assert await AuditEvent.exists().where(AuditEvent.action == "coverage_exported")


def test_cells_that_look_like_formulas_are_escaped() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+86", "-3", "@SUM", "双河村", 5)] == [
        "'=1+1", "'+86", "'-3", "'@SUM", "双河村", 5,
    ]  # fmt: skip


async def test_a_visit_and_an_overdue_follow_up_move_the_figures_and_their_lists(
    client: httpx.AsyncClient, small: Small
) -> None:
    visited, late = small.h["A1"], small.h["B1"]
    await Visit.insert(Visit(client_id=uuid.uuid4(), household=visited, cadre=small.m1, note="入户"))
    await FollowUp.insert(FollowUp(household=late, due_on=clock.today() - timedelta(days=3)))
    t = (await coverage(small.township)).township
    assert (t.unvisited, t.overdue) == (6, 1)
    await log_in(client, "t_leader")
    unvisited = (await client.get("/coverage/unvisited")).text
    assert "甲户主1" not in unvisited
    assert "乙户主1" in unvisited
    overdue = (await client.get("/coverage/overdue")).text
    assert "乙户主1" in overdue
    assert "甲户主2" not in overdue


async def test_the_overdue_list_names_the_cadre_to_call_sorts_by_lateness_and_exports_exactly_itself(
    client: httpx.AsyncClient, small: Small
) -> None:
    await FollowUp.insert(FollowUp(household=small.h["B1"], due_on=clock.today() - timedelta(days=3)))
    await FollowUp.insert(FollowUp(household=small.h["A3"], due_on=clock.today() - timedelta(days=9)))
    await log_in(client, "t_leader")
    page = (await client.get("/coverage/overdue")).text
    assert page.index("甲户主3") < page.index("乙户主1"), "the latest first"
    assert "王甲" in page
    assert 'href="tel:13800001111"' in page, "a leader sees whom to call"
    assert "9 天" in page
    export = re.search(r'id="pending-export" href="([^"]+)"', page)
    assert export is not None
    assert export[1] == "/coverage/overdue.xlsx?sort="
    sheet = load_workbook(BytesIO((await client.get(export[1])).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    expected = [("甲户主3", "王甲", "13800001111", 9), ("乙户主1", "赵乙", None, 3)]
    assert [(r[1], r[3], r[4], r[6]) for r in rows] == expected
    village_b = (await client.get(f"/coverage/overdue.xlsx?village={small.village_b}")).content
    only_b = load_workbook(BytesIO(village_b)).active.iter_rows(min_row=2, values_only=True)
    assert [r[1] for r in only_b] == ["乙户主1"]


async def test_every_link_of_the_lists_behind_the_figures_answers_with_or_without_a_village(
    client: httpx.AsyncClient, small: Small
) -> None:
    await FollowUp.insert(FollowUp(household=small.h["B1"], due_on=clock.today() - timedelta(days=3)))
    await log_in(client, "t_leader")
    for path in ("/coverage/unvisited", "/coverage/overdue", f"/coverage/overdue?village={small.village_b}"):
        page = (await client.get(path)).text
        links = {html.unescape(href) for href in re.findall(r'href="(/coverage/(?:unvisited|overdue)[^"]*)"', page)}
        assert any("sort=" in link for link in links), path
        for link in links:  # the sorting headers, the export, "all villages"
            assert (await client.get(link)).status_code == 200, link


async def test_a_village_without_households_counts_nobody_unvisited(small: Small) -> None:
    await Village(township=small.township, name="空村", code="371326105009").save()
    data = await coverage(small.township)
    empty = next(v for v in data.villages if v.name == "空村")
    assert (empty.households, empty.unvisited, empty.overdue) == (0, 0, 0)
    assert data.township.unvisited == 7


# The rules as the coverage counted them before the dates were kept: a household is unvisited without a visit at or
# after the start of the alert period (any later one counts, even one dated in the future), overdue with an open
# follow-up due before the local today.
OLD_RULE = f"""
SELECT v.id,
       count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM visit x WHERE x.household = h.id
                                          AND x.visited_at >= now() - make_interval(days => {{}}))) AS unvisited,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM follow_up f WHERE f.household = h.id AND f.closed_at IS NULL
                                      AND f.due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date)) AS overdue
FROM household h JOIN village v ON v.id = h.village WHERE v.township = {{}} AND {eligible_sql("h")} GROUP BY v.id
"""


async def test_the_kept_dates_count_as_the_old_rule_at_every_edge(small: Small, township: dict[str, int]) -> None:
    days = (await coverage(small.township)).quotas.unvisited_alert_days
    visits = {
        "A1": ["now() - make_interval(days => {days})"],  # the first instant of the period: visited
        "A2": ["now() - make_interval(days => {days}) - interval '1 microsecond'"],  # just before: not
        "A3": ["now() + interval '10 days'"],  # dated in the future: visited, as before
        "A4": ["now() - interval '400 days'", "now() - interval '1 day'"],
        "B1": ["now() - interval '400 days'"],
    }
    for name, moments in visits.items():
        for moment in moments:
            await Visit.raw(
                f"INSERT INTO visit (client_id, household, cadre, visited_at) VALUES (gen_random_uuid(), {{}}, {{}},"
                f" {moment.format(days=days)})",
                small.h[name],
                small.m1,
            )
    day = clock.today()
    follow_ups = [("A1", day, None), ("A2", day - timedelta(days=1), None), ("A3", day - timedelta(days=5), "closed"),
                  ("B1", day - timedelta(days=1), "closed"), ("B1", day + timedelta(days=3), None),
                  ("B3", day + timedelta(days=3), None), ("B3", day - timedelta(days=40), None)]  # fmt: skip
    for name, due_on, closed in follow_ups:
        closed_at = clock.now() if closed else None
        await FollowUp.insert(FollowUp(household=small.h[name], due_on=due_on, reason="measure", closed_at=closed_at))
    old = {row["id"]: row for row in await Visit.raw(OLD_RULE, days, small.township)}
    data = await coverage(small.township)
    assert {v.id: (v.unvisited, v.overdue) for v in data.villages} == {
        village: (row["unvisited"], row["overdue"]) for village, row in old.items()
    }
    assert (data.township.unvisited, data.township.overdue) == (4, 2)  # A2, B1, B2, B3 unvisited; A2, B3 overdue
    [county_town] = (await county_coverage(township["county"])).townships
    assert (county_town.unvisited, county_town.overdue) == (4, 2)


async def test_the_households_needing_a_cadre_are_read_from_their_index(db: Any) -> None:
    """The partial index `household_needing_cadre` holds exactly the rule's households: a query with the rule's
    condition can read it (when the rule changes, so must the index)."""
    await db.connection.execute("SET LOCAL enable_seqscan = off")
    await db.connection.execute("SET LOCAL enable_bitmapscan = off")
    rows = await db.connection.fetch(f"EXPLAIN SELECT h.village, h.id FROM household h WHERE {eligible_sql('h')}")
    assert "household_needing_cadre" in "\n".join(row[0] for row in rows)
