"""What the database keeps by triggers stays exact when two transactions write related rows at the same moment: a
beneficiary added to a project while the project is being completed is counted with it (delivered_count)."""

from __future__ import annotations

import asyncio

from server import clock
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.audit.queries import Actor
from server.database import connect
from server.projects.changes import set_beneficiaries
from server.projects.tables import Project, ProjectBeneficiary
from tests.integrity.conftest import Town
from tests.plans.test_delivered_count import MISCOUNTED


async def waiting_for_a_lock(database: str, pid: int | None = None) -> bool:
    """Whether the backend `pid` (without one: any backend of `database`) waits for a lock within a few seconds."""
    waiting = (
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
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
