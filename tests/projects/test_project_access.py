"""Who may see and change projects: the admin edits, leaders read, another township's project does not exist."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from server.projects.tables import Project
from tests.helpers import csrf_token_of, log_in
from tests.projects.conftest import project_form


@pytest.fixture
async def projects(villages: dict[str, Any], other_township: dict[str, int]) -> dict[str, int]:
    mine = Project(township=villages["township"], village=villages["pilot"], name="本镇道路", year=2026,
                   budget=Decimal(163000))  # fmt: skip
    await mine.save()
    theirs = Project(township=other_township["township"], village=other_township["village"], name="外镇水池",
                     year=2026, budget=Decimal(93000))  # fmt: skip
    await theirs.save()
    return {"mine": mine.id, "theirs": theirs.id}


async def test_a_leader_reads_projects_but_cannot_open_the_forms(
    client: Any, projects: dict[str, int], make_user: Any
) -> None:
    await make_user("leader", username="lead")
    await log_in(client, "lead")
    assert (await client.get("/projects")).status_code == 200
    page = await client.get(f"/projects/{projects['mine']}")
    assert page.status_code == 200
    assert "本镇道路" in page.text
    assert f'href="/projects/{projects["mine"]}/edit"' not in page.text
    assert (await client.get(f"/projects/{projects['mine']}/edit")).status_code == 403
    assert (await client.get("/projects/new")).status_code == 403
    form = {**project_form(), "_csrf_token": csrf_token_of((await client.get("/me")).text)}
    assert (await client.post(f"/projects/{projects['mine']}", data=form)).status_code == 403


async def test_a_cadre_cannot_open_projects(client: Any, projects: dict[str, int], make_user: Any) -> None:
    await make_user("cadre", username="worker")
    await log_in(client, "worker")
    assert (await client.get("/projects")).status_code == 403


@pytest.mark.parametrize("path", ["/projects/{id}", "/projects/{id}/edit", "/projects/{id}/beneficiaries"])
async def test_another_townships_project_is_not_found(
    client: Any, projects: dict[str, int], make_user: Any, path: str
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    assert (await client.get(path.format(id=projects["theirs"]))).status_code == 404


async def test_another_townships_project_cannot_be_changed(
    client: Any, projects: dict[str, int], make_user: Any
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    token = csrf_token_of((await client.get("/projects/new")).text)
    response = await client.post(f"/projects/{projects['theirs']}", data={**project_form(), "_csrf_token": token})
    assert response.status_code == 404
    assert (await Project.select(Project.name).where(Project.id == projects["theirs"]).first())["name"] == "外镇水池"


async def test_the_list_shows_only_the_townships_projects(
    client: Any, projects: dict[str, int], make_user: Any
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    page = await client.get("/projects")
    assert "本镇道路" in page.text
    assert "外镇水池" not in page.text
    summary = await client.get("/projects/funding")
    assert "下龙井村" in summary.text
    assert "保太村" not in summary.text
