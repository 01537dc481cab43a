"""Bad input on the project form: sources that do not add up warn, dates out of order and negative amounts refuse."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from server.audit.tables import AuditEvent
from server.projects.money import MoneyError, parse_money, wan
from server.projects.tables import Project, ProjectFunding
from tests.helpers import csrf_token_of, log_in, post_form
from tests.projects.conftest import project_form


@pytest.fixture
async def admin(client: Any, villages: dict[str, Any], make_user: Any) -> Any:
    await make_user("admin", username="office")
    await log_in(client, "office")
    return client


async def _create(client: Any, **overrides: str) -> Any:
    return await post_form(client, "/projects/new", "/projects", project_form(**overrides))


def test_money_is_typed_in_yuan_or_wan_and_shown_in_wan() -> None:
    assert parse_money("163000") == Decimal(163000)
    assert parse_money("16.3万") == parse_money("16.3万元") == parse_money("163,000") == Decimal(163000)
    assert parse_money("") is None
    with pytest.raises(MoneyError):
        parse_money("-5")
    with pytest.raises(MoneyError):
        parse_money("很多")
    assert wan(Decimal(267000)) == "26.7万元"
    assert wan(Decimal(8000)) == "0.8万元"


async def test_a_project_whose_sources_add_up_is_saved_without_warning(admin: Any, villages: dict[str, Any]) -> None:
    response = await _create(admin, village=str(villages["pilot"]))
    assert response.status_code == 303
    page = await admin.get(response.headers["location"])
    assert "16.3万元" in page.text
    assert "2850 平方米" in page.text
    assert 'id="funding-warning"' not in page.text
    assert "= 预算" in page.text


async def test_sources_that_do_not_add_up_are_saved_with_a_warning_on_the_page_and_the_list(
    admin: Any, villages: dict[str, Any]
) -> None:
    response = await _create(admin, village=str(villages["pilot"]), fund_villagers="50000")
    assert response.status_code == 303, "a mismatch is a warning, not a refusal"
    page = await admin.get(response.headers["location"])
    assert 'id="funding-warning"' in page.text
    assert "资金来源合计15万元，与预算16.3万元不一致（相差1.3万元）" in page.text
    listing = await admin.get("/projects")
    assert "资金来源≠预算" in listing.text
    assert "1个资金不符" in listing.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"started_on": "2026-11-01"}, "completed_on", "竣工日期不能早于开工日期"),
        ({"status": "accepted", "accepted_on": "2026-10-01"}, "accepted_on", "验收日期不能早于竣工日期"),
        ({"status": "accepted", "completed_on": "", "accepted_on": "2026-12-26"}, "accepted_on", "项目竣工后才能验收"),
        ({"status": "completed", "completed_on": ""}, "completed_on", "已竣工的项目请填写竣工日期"),
        ({"planned_completion_on": "2026-01-01"}, "planned_completion_on", "计划竣工日期不能早于开工日期"),
    ],
)
async def test_dates_out_of_order_are_refused_next_to_the_field(
    admin: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    response = await _create(admin, **overrides)
    assert response.status_code == 422
    assert f'id="e-{field}">{message}' in response.text
    assert await Project.count() == 0


@pytest.mark.parametrize(
    ("overrides", "error_id"),
    [({"budget": "-163000"}, "e-budget"), ({"fund_provincial": "-1"}, "e-fund_provincial")],
)
async def test_negative_amounts_are_refused(admin: Any, overrides: dict[str, str], error_id: str) -> None:
    response = await _create(admin, **overrides)
    assert response.status_code == 422
    assert f'id="{error_id}">金额不能为负数。' in response.text
    assert await Project.count() == 0


async def test_a_negative_quantity_is_refused(admin: Any) -> None:
    response = await _create(admin, q_value="-2850")
    assert response.status_code == 422
    assert "工程量不能为负数。" in response.text


async def test_the_database_refuses_a_negative_amount_and_an_acceptance_before_completion(
    db: Any, villages: dict[str, Any]
) -> None:
    project = Project(township=villages["township"], name="测试", year=2026, budget=Decimal(1000))
    await project.save()
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.CheckViolationError):
        await ProjectFunding.insert(ProjectFunding(project=project.id, source="provincial", amount=Decimal(-1)))
    await savepoint.rollback_to()
    with pytest.raises(asyncpg.CheckViolationError):
        await Project.raw(
            "UPDATE project SET completed_on = '2026-10-20', accepted_on = '2026-10-01' WHERE id = {}", project.id
        )


async def test_every_change_is_audited_with_old_and_new_values(admin: Any, villages: dict[str, Any]) -> None:
    response = await _create(admin, village=str(villages["pilot"]))
    project_id = int(response.headers["location"].rsplit("/", 1)[1])
    edit = project_form(village=str(villages["pilot"]), budget="170000", fund_villagers="70000")
    assert (await post_form(admin, f"/projects/{project_id}/edit", f"/projects/{project_id}", edit)).status_code == 303
    progress = {"noted_on": "2026-10-20", "percent": "100", "note": "全部完工"}
    assert (
        await post_form(admin, f"/projects/{project_id}", f"/projects/{project_id}/progress", progress)
    ).status_code == 303
    events = (
        await AuditEvent.select()
        .where((AuditEvent.target_type == "project") & (AuditEvent.target_id == str(project_id)))
        .order_by(AuditEvent.id)
    )
    assert [event["action"] for event in events] == ["project_created", "project_changed", "project_progress_added"]
    changes = (
        json.loads(events[1]["detail"])["changes"]
        if isinstance(events[1]["detail"], str)
        else events[1]["detail"]["changes"]
    )
    assert changes["budget"] == ["163000.00", "170000.00"]
    assert changes["funding_villagers"] == ["63000.00", "70000.00"]


async def test_beneficiaries_are_picked_from_the_village_and_counted(
    admin: Any, villages: dict[str, Any], other_township: dict[str, int]
) -> None:
    response = await _create(admin, village=str(villages["pilot"]))
    project_id = int(response.headers["location"].rsplit("/", 1)[1])
    mine = villages["pilot_households"]
    outsider = other_township["household"]
    pick = await admin.get(f"/projects/{project_id}/beneficiaries")
    assert pick.text.count('name="household"') == len(mine)
    form = {
        "household": [str(mine[0]), str(mine[1]), str(outsider)],
        "shown": [str(h) for h in [*mine, outsider]],
        "_csrf_token": csrf_token_of(pick.text),
    }
    saved = await admin.post(f"/projects/{project_id}/beneficiaries", data=form)
    assert saved.status_code == 303
    page = await admin.get(f"/projects/{project_id}")
    assert '<span id="beneficiary-count">2 户</span>' in page.text
    assert "外镇户" not in page.text
