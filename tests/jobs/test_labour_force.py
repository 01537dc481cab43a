"""The labour force ledger follows members and households by itself: whoever can work in a registered household."""

from __future__ import annotations

from typing import Any

from server.codes import LABOUR_SKILL
from server.households.tables import Household, Member
from server.jobs.codes import LABOUR_CAPABLE
from server.jobs.tables import LabourForce
from tests.jobs.conftest import id_number, make_household


async def ledger() -> dict[int, dict[str, Any]]:
    return {row["member"]: row for row in await LabourForce.select()}


async def test_labour_capable_members_of_a_registered_household_are_in_the_ledger(world: Any) -> None:
    rows = await ledger()
    assert world["worker"] in rows
    assert world["elder"] in rows, "weak labour counts; age is checked when matching, not stored"
    assert world["child"] not in rows, "no labour capacity"
    assert world["disabled"] not in rows, "lost labour capacity"
    worker = rows[world["worker"]]
    assert (worker["household"], worker["village"]) == (world["household"], world["village"])
    assert len(worker["born"]) == 8


async def test_the_ledger_and_the_referral_rules_agree_on_who_can_work(world: Any) -> None:
    for skill in LABOUR_SKILL:
        await Member.update({Member.labour_skill: skill}).where(Member.id == world["worker"])
        assert (world["worker"] in await ledger()) == (skill in LABOUR_CAPABLE), skill


async def test_a_member_who_can_no_longer_work_leaves_the_ledger_and_comes_back(world: Any) -> None:
    await Member.update({Member.labour_skill: "lost"}).where(Member.id == world["worker"])
    assert world["worker"] not in await ledger()
    await Member.update({Member.labour_skill: "skilled"}).where(Member.id == world["worker"])
    assert (await ledger())[world["worker"]]["labour_skill"] == "skilled"


async def test_a_household_no_longer_registered_takes_its_members_out_until_it_is_monitored(world: Any) -> None:
    await Household.update({Household.status: "none"}).where(Household.id == world["household"])
    rows = await ledger()
    assert world["worker"] not in rows
    assert world["elder"] not in rows
    await Household.update({Household.monitoring_type: "marginal"}).where(Household.id == world["household"])
    assert world["worker"] in await ledger()


async def test_moving_a_household_to_another_village_moves_its_members(world: Any) -> None:
    await Household.update({Household.village: world["far_village"]}).where(Household.id == world["household"])
    assert (await ledger())[world["worker"]]["village"] == world["far_village"]


async def test_an_income_edit_leaves_the_ledger_rows_as_they_were(world: Any) -> None:
    before = (await ledger())[world["worker"]]["id"]
    await Household.update({Household.wage_income: 5000}).where(Household.id == world["household"])
    assert (await ledger())[world["worker"]]["id"] == before, "only village, status and monitoring type matter"


async def test_a_deleted_member_leaves_the_ledger(world: Any) -> None:
    await Member.delete().where(Member.id == world["elder"])
    assert world["elder"] not in await ledger()


async def test_members_added_in_one_statement_all_enter_the_ledger(world: Any) -> None:
    household, _ = await make_household(world["village"], [], status="not_out")
    people = [Member(household=household, name=f"新成员{n}", id_number=id_number(20 + n)) for n in range(5)]
    await Member.insert(*people)
    rows = await ledger()
    assert sum(1 for row in rows.values() if row["household"] == household) == 5
