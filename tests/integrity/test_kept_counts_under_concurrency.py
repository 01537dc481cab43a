"""What the database keeps by triggers stays exact when two transactions write related rows at the same moment: a
beneficiary added to a project while the project is being completed is counted with it (delivered_count)."""

from __future__ import annotations

import asyncio

from server import clock
from server.database import connect
from server.projects.tables import Project
from tests.integrity.conftest import Town
from tests.plans.test_delivered_count import MISCOUNTED


async def waiting_for_a_lock(database: str, pid: int) -> bool:
    """Whether the backend `pid` waits for a lock within a few seconds."""
    watcher = await connect(database)
    try:
        for _ in range(50):
            if await watcher.fetchval("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid):
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
