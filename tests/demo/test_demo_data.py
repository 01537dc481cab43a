"""The demo township: what `bangfu demo` loads, that it makes sense, and that loading it again adds nothing. One load
for the module's tests (`demo`); loading into a database that is not empty: tests/demo/test_loading.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from server import policy
from server.accounts.passwords import verify_password
from server.accounts.tables import User
from server.demo.context import Context
from server.demo.geography import COUNTY_CODE, DEMO_TOWNSHIP_CODE, KEY_VILLAGES, PILOT_VILLAGE, township_plans
from server.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES, load_demo
from server.demo.people import member_rows
from server.households import id_numbers
from server.households.tables import Household, Member
from server.places.tables import Township, Village
from server.policy.registry import POVERTY_LINE, POVERTY_LINE_CONSTANT
from server.policy.tables import PolicyValue
from tests.conftest import Demo
from tests.helpers import log_in

KEY_VILLAGE_NAMES = [
    "双河村", "南庞庄", "碌碌泉村", "周庄村", "石棚村", "曹家庄村", "黄金庄村", "五块石村", "前马槽村", "桃沟村",
]  # fmt: skip


async def members_by_household() -> dict[int, list[dict[str, Any]]]:
    families: dict[int, list[dict[str, Any]]] = {}
    for member in await Member.select(Member.household, Member.relation, Member.id_number, Member.initials):
        families.setdefault(member["household"], []).append(member)
    return families


async def test_loading_the_demo_creates_the_offices_above_and_the_accounts_of_linjian_township(demo: Any) -> None:
    users = await User.select(
        User.username, User.role, User.township.code, User.county.code, User.region.code, User.password_hash
    ).where(User.username.is_in(list(DEMO_USERNAMES)))
    assert {(user["username"], user["role"]) for user in users} == {
        ("province", "province"),
        ("city", "city"),
        ("county", "county"),
        ("admin", "admin"),
        ("leader", "leader"),
        ("cadre", "cadre"),
        ("employer", "employer"),
        ("inspector", "inspector"),
    }
    offices = {"province", "city", "county"}
    assert {user["township.code"] for user in users if user["role"] not in offices} == {DEMO_TOWNSHIP_CODE}
    assert [user["county.code"] for user in users if user["role"] == "county"] == [COUNTY_CODE]
    assert {user["role"]: user["region.code"] for user in users if user["role"] in ("city", "province")} == {
        "city": "371300000000",
        "province": "370000000000",
    }
    assert verify_password(users[0]["password_hash"], DEMO_PASSWORD)


async def test_the_demo_accounts_log_in_with_the_demo_password(demo_client: Any) -> None:
    for username in DEMO_USERNAMES:
        response = await log_in(demo_client, username, DEMO_PASSWORD)
        assert response.status_code == 303, username


async def test_the_demo_township_has_about_a_thousand_households_each_with_exactly_one_head(
    demo: Any, demo_township: Demo
) -> None:
    households = await Household.count()
    families = await members_by_household()
    assert 900 <= households <= 1200
    assert len(families) == households
    assert all([m["relation"] for m in family].count("head") == 1 for family in families.values())
    assert all(1 <= len(family) <= 6 for family in families.values())
    assert f"{households} 户" in demo_township.summary


async def test_every_demo_member_has_a_valid_unique_id_number_and_initials(demo: Any) -> None:
    members = [member for family in (await members_by_household()).values() for member in family]
    assert [m["id_number"] for m in members if id_numbers.validate(m["id_number"])] == []
    assert len({m["id_number"] for m in members}) == len(members)
    assert all(m["initials"] for m in members)


async def test_demo_referrals_come_before_their_answers_and_hires(demo: Any) -> None:
    rows = await User.raw(
        "SELECT r.created_at, r.answered_at, r.status, (p.start_date) AS start_date FROM referral r"
        " LEFT JOIN placement p ON p.referral = r.id"
    )
    assert rows
    for row in rows:
        if row["answered_at"] is not None:
            assert row["created_at"] < row["answered_at"], row
        if row["start_date"] is not None:
            assert row["answered_at"].date() < row["start_date"], row
        assert (row["answered_at"] is None) == (row["status"] == "referred"), row


async def test_the_key_villages_and_the_pilot_village_are_present(demo: Any) -> None:
    villages = {v["name"]: v for v in await Village.select(Village.name, Village.key_level, Village.is_pilot)}
    assert [name for name, _ in KEY_VILLAGES] == KEY_VILLAGE_NAMES
    assert all(villages[name]["key_level"] in ("provincial", "municipal") for name in KEY_VILLAGE_NAMES)
    assert villages[PILOT_VILLAGE] == {"name": PILOT_VILLAGE, "key_level": "provincial", "is_pilot": True}
    assert len(villages) >= 25


async def test_the_source_plans_poverty_line_is_loaded(demo: Any) -> None:
    township = await Township.select(Township.id).where(Township.code == DEMO_TOWNSHIP_CODE).first()
    held = await policy.values([POVERTY_LINE, POVERTY_LINE_CONSTANT], [township["id"]], date(2015, 6, 1))
    assert (held.get(POVERTY_LINE, township["id"]), held.get(POVERTY_LINE_CONSTANT, township["id"])) == (3322, 3000)


async def test_loading_the_demo_twice_adds_nothing(demo: Any) -> None:
    before = [await table.count() for table in (Township, Village, Household, Member, User, PolicyValue)]
    summary = await load_demo()
    after = [await table.count() for table in (Township, Village, Household, Member, User, PolicyValue)]
    assert after == before
    assert "未重复加载" in summary


def test_family_members_have_ages_that_fit_their_relation() -> None:
    ctx = Context(township_plans("township")[0], township_id=1, password_hash="")
    for _ in range(500):
        ages = [(m["relation"], id_numbers.age(m["id_number"], date(2026, 1, 1))) for m in member_rows(ctx)]
        head_age = ages[0][1]
        assert ages[0][0] == "head"
        for relation, age in ages[1:]:
            if relation in ("son", "daughter", "grandchild"):
                assert age <= head_age - 18, ages
            if relation in ("parent", "grandparent"):
                assert age >= head_age + 18, ages
            if relation in ("spouse", "daughter_in_law", "son_in_law"):
                assert age >= 18, ages


def test_the_demo_comes_out_the_same_every_time() -> None:
    plan = township_plans("township")[0]
    first, second = (Context(plan, township_id=1, password_hash="") for _ in range(2))
    assert [member_rows(first) for _ in range(50)] == [member_rows(second) for _ in range(50)]


async def test_the_demo_registers_only_what_the_county_approved_and_announced(demo: Any) -> None:
    rows = await Household.raw(
        """SELECT a.state, s.state AS list_state FROM identification_application a
           LEFT JOIN county_submission_item i
             ON i.kind = 'identification' AND i.subject = a.id AND i.decision = 'approved'
           LEFT JOIN county_submission s ON s.id = i.submission
           WHERE a.state = 'registered'"""
    )
    assert rows
    assert {r["list_state"] for r in rows} == {"announced"}


async def test_in_the_demos_trail_the_township_sends_its_lists_and_the_county_office_decides_and_announces(
    demo: Any,
) -> None:
    rows = await Household.raw(
        """SELECT e.action, u.username FROM audit_event e JOIN app_user u ON u.id = e.actor
           WHERE e.action IN ('county_submitted', 'county_decided', 'county_announced')"""
    )
    by_action = {(row["action"], row["username"]) for row in rows}
    assert by_action == {("county_submitted", "admin"), ("county_decided", "county"), ("county_announced", "county")}
