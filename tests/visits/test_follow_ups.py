"""Follow-ups: the next one from each visit (30 days for monitored households, 60 otherwise), closed by visits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from server import clock
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.places.tables import Village
from server.visits import queries
from server.visits.pages import village_follow_up_overview
from server.visits.tables import FollowUp, Visit
from tests.helpers import log_in
from tests.visits.conftest import make_household, send_visit


async def open_schedule(household: int) -> dict[str, Any]:
    return (
        await FollowUp.select()
        .where((FollowUp.household == household) & (FollowUp.reason == "schedule") & FollowUp.closed_at.is_null())
        .first()
    )


async def test_a_monitored_household_is_due_again_in_30_days_and_others_in_60(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    today = clock.today()
    await log_in(client, "wang")
    page = await client.get(f"/households/{world['monitored']}/visits/new")
    assert f'value="{today + timedelta(days=30)}"' in page.text
    await send_visit(client, world["monitored"], {"note": "看望", "next_follow_up_on": ""})
    assert (await open_schedule(world["monitored"]))["due_on"] == today + timedelta(days=30)
    await log_in(client, "li")
    page = await client.get(f"/households/{world['ordinary']}/visits/new")
    assert f'value="{today + timedelta(days=60)}"' in page.text
    await send_visit(client, world["ordinary"], {"note": "看望", "next_follow_up_on": ""})
    assert (await open_schedule(world["ordinary"]))["due_on"] == today + timedelta(days=60)


async def test_the_cadre_may_choose_another_next_date(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    chosen = clock.today() + timedelta(days=10)
    await send_visit(as_wang, world["monitored"], {"note": "看望", "next_follow_up_on": chosen.isoformat()})
    assert (await open_schedule(world["monitored"]))["due_on"] == chosen


async def test_a_visit_replaces_the_schedule_and_closes_the_follow_ups_it_answers(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    today = clock.today()
    await send_visit(as_wang, world["monitored"], {"note": "第一次"})
    first_schedule = await open_schedule(world["monitored"])
    placement = await queries.create_follow_up(world["monitored"], today + timedelta(days=2), "placement", note="1个月")
    later = await queries.create_follow_up(world["monitored"], today + timedelta(days=80), "measure", note="危房改造")
    page = await as_wang.get(f"/households/{world['monitored']}/visits/new")
    assert f'name="close" value="{placement}" checked' in page.text, "a due follow-up is ticked by default"
    assert f'name="close" value="{later}">' in page.text, "a later one is not"
    await send_visit(as_wang, world["monitored"], {"note": "就业回访", "close": str(placement)})
    second = await Visit.select(Visit.id).order_by(Visit.id, ascending=False).first()
    rows = {row["id"]: row for row in await FollowUp.select().where(FollowUp.household == world["monitored"])}
    assert rows[first_schedule["id"]]["closed_by_visit"] == second["id"]
    assert rows[placement]["closed_by_visit"] == second["id"]
    assert rows[later]["closed_at"] is None
    assert len([r for r in rows.values() if r["reason"] == "schedule" and r["closed_at"] is None]) == 1


async def test_the_database_keeps_one_open_schedule_per_household(world: dict[str, int]) -> None:
    await FollowUp.insert(FollowUp(household=world["ordinary"], due_on=clock.today(), reason="schedule"))
    with pytest.raises(asyncpg.UniqueViolationError):
        await FollowUp.insert(FollowUp(household=world["ordinary"], due_on=clock.today(), reason="schedule"))


async def test_the_schedule_is_not_created_through_create_follow_up(world: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="schedule"):
        await queries.create_follow_up(world["ordinary"], clock.today(), "schedule")


async def test_other_areas_read_the_last_visit_and_the_next_follow_up_as_columns_of_the_household(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    await send_visit(as_wang, world["monitored"], {"note": "看望"})
    overdue = clock.today() - timedelta(days=3)
    await queries.create_follow_up(world["ordinary"], overdue, "measure")
    rows = await Household.raw(
        f"SELECT h.id, {queries.LAST_VISITED_AT_SQL} AS last_at, {queries.LAST_VISIT_CADRE_SQL} AS cadre,"
        f" {queries.NEXT_FOLLOW_UP_SQL} AS due_on FROM household h WHERE h.id = ANY({{}}::int[])",
        [world["monitored"], world["ordinary"]],
    )
    found = {row["id"]: row for row in rows}
    assert found[world["ordinary"]]["last_at"] is None
    assert found[world["monitored"]]["cadre"] == "王干部"
    assert found[world["ordinary"]]["due_on"] == overdue
    assert found[world["monitored"]]["due_on"] > clock.today(), "the visit scheduled the next one"
    boss = CurrentUser(world["leader"], "boss", "赵书记", Role.LEADER, world["township"], None, None, "zh_CN", "k")
    empty = await Village.insert(Village(township=world["township"], name="空村", code="371326105003"))
    days, villages = await village_follow_up_overview(boss)
    assert days == 60
    counts = {village["id"]: (village["households"], village["overdue"], village["unvisited"]) for village in villages}
    assert counts[world["other_village"]] == (1, 1, 1)
    assert counts[world["village"]] == (1, 0, 0)
    assert counts[empty[0]["id"]] == (0, 0, 0), "a village without households counts none"


async def test_the_cadre_sees_due_and_overdue_follow_ups(as_wang: httpx.AsyncClient, world: dict[str, int]) -> None:
    today = clock.today()
    await queries.create_follow_up(world["monitored"], today - timedelta(days=1), "placement", note="3个月回访")
    await queries.create_follow_up(world["monitored"], today + timedelta(days=3), "measure", note="看看新房")
    await queries.create_follow_up(world["ordinary"], today - timedelta(days=1), "measure", note="别人的户")
    page = await as_wang.get("/follow-ups")
    assert "3个月回访" in page.text
    assert "看看新房" in page.text
    assert "别人的户" not in page.text
    visits_page = await as_wang.get("/visits")
    assert "逾期未回访" in visits_page.text
    assert "逾期及 7 天内到期的回访" in visits_page.text


async def test_the_visit_list_counts_the_households_due_as_the_home_does_in_the_statement_of_its_follow_ups(
    world: dict[str, int],
) -> None:
    township, village = world["township"], world["village"]
    wang = CurrentUser(world["wang"], "wang", "王干部", Role.CADRE, township, village, None, "zh_CN", "k")
    today = clock.today()
    assert await queries.due_follow_ups(wang) == ([], {"overdue": 0, "due_this_week": 0}), "nothing due yet"
    for days in (-3, -1, 0, 3, 7, 8, 40):
        await queries.create_follow_up(world["monitored"], today + timedelta(days=days), "measure")
    [home] = await FollowUp.raw("{}", queries.due_counts_sql(wang))
    assert (home["overdue"], home["due_this_week"]) == (1, 1), "households, each counted once"
    for within in (0, 7, 30):
        listed, figures = await queries.due_follow_ups(wang, within)
        assert figures == {"overdue": home["overdue"], "due_this_week": home["due_this_week"]}, within
        due = [today + timedelta(days=days) for days in (-3, -1, 0, 3, 7, 8) if days <= within]
        assert [row["due_on"] for row in listed] == due
        assert listed == await queries.cadre_follow_ups(wang, within)


async def test_leaders_see_overdue_counts_per_village(client: httpx.AsyncClient, world: dict[str, int]) -> None:
    await queries.create_follow_up(world["ordinary"], clock.today() - timedelta(days=5), "measure")
    await log_in(client, "boss")
    page = await client.get("/visits/overdue")
    assert page.status_code == 200
    assert "石岭村" in page.text
    await log_in(client, "wang")
    assert (await client.get("/visits/overdue")).status_code == 403


def overdue_figure(html: str) -> int:
    return int(html.split('<span class="stat__value', 1)[1].split(">", 1)[1].split("<", 1)[0])


async def test_the_cadres_home_counts_only_follow_ups_of_the_households_in_the_cadres_list(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """A follow-up once addressed to wang stays with the household when it is handed over to li."""
    today = queries.today()
    await queries.create_follow_up(world["monitored"], today - timedelta(days=2), "measure", note="看看新房")
    await queries.create_follow_up(
        world["ordinary"], today - timedelta(days=2), "placement", cadre_id=world["wang"], note="李四家的回访"
    )
    home = await as_wang.get("/")
    assert "李四" not in home.text, "the household is li's, not in wang's list"
    assert overdue_figure(home.text) == 1
    listed = await as_wang.get("/follow-ups?days=0")
    assert "看看新房" in listed.text
    assert "李四家的回访" not in listed.text


async def test_the_villages_overdue_figures_count_the_households_needing_a_cadre_as_coverage_does(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """A family still applying (status 'none', not monitored) needs no cadre yet: the leaders' overdue page counted
    it, and its "not visited" figure then disagreed with the coverage list it opens."""
    await make_household(world["other_village"], "申请人甲", status="none")
    boss = CurrentUser(world["leader"], "boss", "赵书记", Role.LEADER, world["township"], None, None, "zh_CN", "k")
    _, villages = await village_follow_up_overview(boss)
    other = next(village for village in villages if village["id"] == world["other_village"])
    assert (other["households"], other["unvisited"]) == (1, 1), "李四's household only"
    await log_in(client, "boss")
    unvisited = (await client.get(f"/coverage/unvisited?village={world['other_village']}")).text
    assert "李四" in unvisited
    assert "申请人甲" not in unvisited


async def test_the_follow_ups_list_shows_the_two_figures_of_the_home_that_open_it(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    """The home's "3 due this week" opened a list of 4: the week's list holds the overdue ones too. The list now
    shows the home's figures (households) above its cards (follow-ups, the overdue marked)."""
    today = queries.today()
    await queries.create_follow_up(world["monitored"], today - timedelta(days=2), "measure", note="逾期的回访")
    await queries.create_follow_up(world["monitored"], today + timedelta(days=3), "placement", note="本周的回访")
    figures = '<span class="stat__value text-warn">1</span>'
    home = (await as_wang.get("/")).text
    listed = (await as_wang.get("/follow-ups")).text
    for page in (home, listed):
        summary = page.split('class="stat-grid due-summary"', 1)[1].split("</div>", 1)[0]
        assert figures in summary, "one household overdue"
        assert '<span class="stat__value">1</span>' in summary, "one household due this week"
    assert "逾期的回访" in listed
    assert "本周的回访" in listed
