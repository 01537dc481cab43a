"""The source's pilot village 下龙井村 in the demo data adds up: 26.7万元 = 15万元 provincial + 11.7万元 villagers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.demo.projects import projects_demo
from server.projects.money import plain
from server.projects.queries import FundingSummary, project_list
from server.projects.tables import Project
from tests.helpers import log_in


async def _load(db: Any, villages: dict[str, Any]) -> list[Any]:
    await projects_demo(db.connection, [villages["township"]])
    return await project_list(villages["township"], villages["pilot"])


async def test_each_pilot_project_is_funded_exactly_by_its_sources(db: Any, villages: dict[str, Any]) -> None:
    [pilot] = await _load(db, villages)
    for project in pilot.projects:
        assert project["funded"] == project["budget"], project["name"]
        assert not project["warning"]


async def test_the_pilot_village_totals_26_7_wan_from_15_provincial_and_11_7_villagers(
    db: Any, villages: dict[str, Any]
) -> None:
    [pilot] = await _load(db, villages)
    assert pilot.name == "下龙井村"
    assert pilot.budget == Decimal(267000)
    assert pilot.by_source == {"provincial": Decimal(150000), "villagers": Decimal(117000)}


async def test_the_pilot_projects_carry_the_sources_quantities_and_amounts(db: Any, villages: dict[str, Any]) -> None:
    [pilot] = await _load(db, villages)
    by_kind = {project["kind"]: project for project in pilot.projects}
    quantities = {
        kind: [(plain(q["value"]), q["unit"]) for q in project["quantities"]] for kind, project in by_kind.items()
    }
    assert by_kind["road"]["budget"] == Decimal(163000)
    assert quantities["road"] == [("2850", "m2")]
    assert by_kind["water"]["budget"] == Decimal(93000)
    assert quantities["water"] == [("60", "m3"), ("3.1", "km")]
    assert by_kind["field"]["budget"] == Decimal(8000)
    assert quantities["field"] == [("20", "mu")]
    # The source itemises 26.4万元 of its 26.7万元: the rest is its own, explained line.
    assert by_kind["other"]["budget"] == Decimal(3000)
    assert "26.4" in by_kind["other"]["note"]
    for kind in ("road", "water", "field"):
        project = by_kind[kind]
        assert project["status"] in ("completed", "accepted")
        assert project["completed_on"] <= project["planned_completion_on"]  # on schedule


async def test_one_other_demo_project_does_not_add_up_on_purpose(db: Any, villages: dict[str, Any]) -> None:
    await projects_demo(db.connection, [villages["township"]])
    [taogou] = await project_list(villages["township"], villages["taogou"])
    assert [project["warning"] for project in taogou.projects] == [True]
    summary = FundingSummary(await project_list(villages["township"]))
    assert summary.warnings == 1


async def test_the_admin_sees_the_pilot_village_add_up_on_the_list_and_the_summary(
    client: Any, db: Any, villages: dict[str, Any], make_user: Any
) -> None:
    await projects_demo(db.connection, [villages["township"]])
    await make_user("admin", username="office")
    await log_in(client, "office")
    page = await client.get(f"/projects?village={villages['pilot']}")
    assert page.status_code == 200
    assert "合计26.7万元" in page.text
    assert "省级扶贫资金 15万元 + 群众自筹及投工投劳 11.7万元" in page.text
    assert "16.3万元" in page.text
    assert "9.3万元" in page.text
    assert "0.8万元" in page.text
    summary = await client.get("/projects/funding")
    assert "26.7万元" in summary.text
    assert "11.7万元" in summary.text
    assert await Project.count().where(Project.village == villages["pilot"]) == 4
