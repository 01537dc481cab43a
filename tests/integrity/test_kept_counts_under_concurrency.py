"""What the database keeps by triggers stays exact when two transactions write related rows at the same moment: a
beneficiary added to a project while the project is being completed is counted with it (delivered_count); a plan item
added while a measure of its type is delivered is met by it (plan_item_open); changes of
several pairings sharing cadres take turns (app_user.active_households) instead of deadlocking."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from server import clock
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.queries import Actor
from server.database import connect
from server.pairing.changes import LOCK_NAMESPACE, PairingError, accept_all, active_pairing, atomic, end_one, pair
from server.pairing.changes import Actor as PairingActor
from server.pairing.handover import HandoverResult, hand_over
from server.projects.changes import set_beneficiaries
from server.projects.tables import Project, ProjectBeneficiary
from tests.integrity.conftest import Town
from tests.pairing.test_active_pairings import MISCOUNTED_CADRES
from tests.plans.test_delivered_count import MISCOUNTED
from tests.plans.test_open_items import MISCOUNTED as MISCOUNTED_OPEN


async def waiting_for_a_lock(database: str, pid: int | None = None, backends: int = 1) -> bool:
    """Whether the backend `pid` (without one: as many as `backends` of `database`) waits for a lock within a few
    seconds."""
    waiting = (
        f"SELECT count(*) >= {backends} FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'"
    )
    watcher = await connect(database)
    try:
        for _ in range(50):
            if await watcher.fetchval(waiting + (" AND pid = $1" if pid else ""), *([pid] if pid else [])):
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await watcher.close()


async def test_a_beneficiary_added_while_its_project_is_completed_is_counted_with_it(town: Town, database: str) -> None:
    [project] = await Project.insert(
        Project(township=town.township, village=town.village, name="道路硬化", kind="road", year=clock.today().year,
                status="in_progress")
    )  # fmt: skip
    completing, adding = await connect(database), await connect(database)
    try:
        await completing.execute("BEGIN")
        await completing.execute(
            "UPDATE project SET status = 'completed', completed_on = $2 WHERE id = $1", project["id"], clock.today()
        )
        household = town.households[0]
        beneficiary = "INSERT INTO project_beneficiary (project, household) VALUES ($1, $2)"
        added = asyncio.ensure_future(adding.execute(beneficiary, project["id"], household))
        # The beneficiary's trigger waits for the project's transaction (else it would count the project unfinished).
        assert await waiting_for_a_lock(database, adding.get_server_pid())
        await completing.execute("COMMIT")
        await added
        assert await completing.fetch(MISCOUNTED) == []
        kept = "SELECT sum(n) FROM delivered_count WHERE household = $1"
        assert await completing.fetchval(kept, household) == 1
    finally:
        await completing.close()
        await adding.close()


async def test_a_plan_item_added_while_a_measure_of_its_type_is_delivered_is_met_by_it(
    town: Town, database: str
) -> None:
    household, day = town.households[0], clock.today()
    [project] = await Project.insert(
        Project(township=town.township, village=town.village, name="危房改造", kind="housing", year=day.year,
                status="completed", completed_on=day)
    )  # fmt: skip
    delivering, planning = await connect(database), await connect(database)
    try:
        plan = await planning.fetchval(
            "INSERT INTO help_plan (household, year) VALUES ($1, $2) RETURNING id", household, day.year
        )
        await delivering.execute("BEGIN")
        await delivering.execute(
            "INSERT INTO project_beneficiary (project, household) VALUES ($1, $2)", project["id"], household
        )
        item = "INSERT INTO help_plan_item (plan, type, due_on) VALUES ($1, 'housing', $2)"
        added = asyncio.ensure_future(planning.execute(item, plan, day))
        # The item's trigger waits for the delivery's transaction (else it would count the item open).
        assert await waiting_for_a_lock(database, planning.get_server_pid())
        await delivering.execute("COMMIT")
        await added
        assert await delivering.fetch(MISCOUNTED_OPEN) == []
        assert await delivering.fetchval("SELECT count(*) FROM plan_item_open WHERE household = $1", household) == 0
    finally:
        await delivering.close()
        await planning.close()


async def test_two_changes_of_a_projects_beneficiaries_run_one_after_the_other(town: Town, database: str) -> None:
    """One change removes A and adds B while another has added B and goes on to remove A: each would hold one of the
    two households' rows (their kept counts) and wait for the other's. The form's change waits for the project's row
    instead, before it touches any household, and both end without a deadlock."""
    [project] = await Project.insert(
        Project(township=town.township, village=town.village, name="光伏", kind="pv", year=clock.today().year,
                status="in_progress")
    )  # fmt: skip
    a, b = town.households[:2]
    await ProjectBeneficiary.insert(ProjectBeneficiary(project=project["id"], household=a))
    user_id, username = await town.user("admin")
    admin = CurrentUser(user_id, username, "办公室", Role.ADMIN, town.township, None, None, "zh_CN", "key")
    other = await connect(database)
    try:
        await other.execute("BEGIN")
        await other.execute("INSERT INTO project_beneficiary (project, household) VALUES ($1, $2)", project["id"], b)
        swapping = asyncio.ensure_future(set_beneficiaries(Actor(admin, "127.0.0.1"), project["id"], {a, b}, {b}))
        assert await waiting_for_a_lock(database)
        await other.execute("DELETE FROM project_beneficiary WHERE project = $1 AND household = $2", project["id"], a)
        await other.execute("COMMIT")
        assert await swapping == (0, 0)  # the other change had made the list the form asked for
        assert await other.fetch(MISCOUNTED) == []
        rows = await ProjectBeneficiary.select(ProjectBeneficiary.household).where(
            ProjectBeneficiary.project == project["id"]
        )
        assert [row["household"] for row in rows] == [b]
    finally:
        await other.close()


async def holding_the_pairing_lock_of(database: str, cadre: int) -> asyncpg.Connection:
    """A transaction of another connection that holds a cadre's pairing lock until it commits."""
    holder = await connect(database)
    await holder.execute("BEGIN")
    await holder.execute("SELECT pg_advisory_xact_lock($1, $2)", LOCK_NAMESPACE, cadre)
    return holder


async def town_admin(town: Town) -> PairingActor:
    user_id, username = await town.user("admin")
    return PairingActor(CurrentUser(user_id, username, "办公室", Role.ADMIN, town.township, None, None, "zh_CN", "key"))


async def test_two_handovers_between_the_same_cadres_in_opposite_directions_both_end(town: Town, database: str) -> None:
    """A hands their households to B while B hands theirs to A. Each used to end its own pairings (its cadre's kept
    count locked) and then wait to pair the other cadre: a deadlock. Now each takes both cadres in id order first."""
    admin, today = await town_admin(town), clock.today()
    (a, _), (b, _) = await town.user("cadre"), await town.user("cadre")
    h = town.households
    for household, cadre in ((h[0], a), (h[1], a), (h[2], b), (h[3], b)):
        await pair(admin, household, cadre, 1, today, "结对")
    holder = await holding_the_pairing_lock_of(database, b)  # the first handover stops before it pairs B
    try:
        a_to_b = asyncio.ensure_future(hand_over(admin, a, b, today, "调动"))
        assert await waiting_for_a_lock(database)
        b_to_a = asyncio.ensure_future(hand_over(admin, b, a, today, "调动"))
        assert await waiting_for_a_lock(database, backends=2)
        await holder.execute("COMMIT")
        assert await asyncio.gather(a_to_b, b_to_a) == [HandoverResult(2, 0), HandoverResult(2, 0)]
        assert await holder.fetch(MISCOUNTED_CADRES) == []
        active = "SELECT household, cadre FROM pairing WHERE household = ANY($1) AND ended_on IS NULL ORDER BY 1"
        assert [tuple(row) for row in await holder.fetch(active, h[:4])] == [(h[0], b), (h[1], b), (h[2], a), (h[3], a)]
    finally:
        await holder.close()


async def test_two_sets_of_proposals_naming_the_same_cadres_in_opposite_order_are_both_accepted(
    town: Town, database: str
) -> None:
    admin, today = await town_admin(town), clock.today()
    (a, _), (b, _) = await town.user("cadre"), await town.user("cadre")
    h = town.households
    holder = await holding_the_pairing_lock_of(database, a)  # the first set stops before its first pairing
    try:
        first = asyncio.ensure_future(accept_all(admin, [(h[0], a, 1), (h[1], b, 1)], today, "结对"))
        assert await waiting_for_a_lock(database)
        second = asyncio.ensure_future(accept_all(admin, [(h[2], b, 1), (h[3], a, 1)], today, "结对"))
        assert await waiting_for_a_lock(database, backends=2)
        await holder.execute("COMMIT")
        assert await asyncio.gather(first, second) == [2, 2]
        assert await holder.fetch(MISCOUNTED_CADRES) == []
    finally:
        await holder.close()


async def test_a_pairing_ended_by_someone_else_meanwhile_is_a_conflict_not_an_error_of_the_form(town: Town) -> None:
    admin, today = await town_admin(town), clock.today()
    cadre, _ = await town.user("cadre")
    pairing = await active_pairing(admin.user, await pair(admin, town.households[0], cadre, 1, today, "结对"))
    assert pairing is not None
    async with atomic():
        await end_one(admin, pairing, today, "离任")  # the other request, done first
    with pytest.raises(PairingError) as refused:
        async with atomic():
            await end_one(admin, pairing, today, "离任")
    assert refused.value.status_code == 409
