"""A household's `member_count` is kept by the database (migrations, 2026-12-06T06:40): exact after every way members
are written (registered with the household, added, changed, removed, imported, a new family's application, the demo's
COPY (tests/demo/test_kept_counts.py), moved to another household, deleted with their household).

TRUNCATE (which the app role may not do) sets every count to 0: checked by hand, see the migration."""

from __future__ import annotations

from typing import Any

from server.households.tables import Household, Member
from server.identification import applying
from server.identification.steps import Actor
from server.places.tables import Village
from tests.helpers import log_in, post_form
from tests.households.conftest import add_household, new_id
from tests.households.test_excel import clean_book, content_of, upload
from tests.households.test_registry_forms import HOUSEHOLD

MISCOUNTED = (
    "SELECT h.id, h.member_count, (SELECT count(*) FROM member m WHERE m.household = h.id) AS members"
    " FROM household h WHERE h.member_count <> (SELECT count(*) FROM member m WHERE m.household = h.id)"
)
MEMBER = {"schooling": "none", "health": "healthy", "labour_skill": "normal"}


async def kept_count(household_id: int) -> int:
    """The household's kept count, after checking that every household's count is exact."""
    assert await Household.raw(MISCOUNTED) == []
    [row] = await Household.raw("SELECT member_count FROM household WHERE id = {}", household_id)
    return int(row["member_count"])


async def as_admin(client: Any, make_user: Any) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")


async def test_registering_adding_changing_and_removing_members_keeps_the_count(
    client: Any, make_user: Any, register: Any
) -> None:
    await as_admin(client, make_user)
    assert await kept_count(register["zhang"]["id"]) == 2
    data = {**HOUSEHOLD, "village": str(register["village"]), "head_id_number": new_id()}
    assert (await post_form(client, "/households/new", "/households/new", data)).status_code == 303
    new = await Household.select(Household.id).where(Household.code == HOUSEHOLD["code"]).first()
    assert new is not None
    assert await kept_count(new["id"]) == 1

    url = f"/households/{new['id']}/members/new"
    for name in ("孙小明", "孙小红"):
        added = {"name": name, "id_number": new_id(), "relation": "son", **MEMBER}
        assert (await post_form(client, url, url, added)).status_code == 303
    assert await kept_count(new["id"]) == 3

    son = await Member.select().where((Member.household == new["id"]) & (Member.name == "孙小明")).first()
    assert son is not None
    edit = f"/members/{son['id']}/edit"
    changed = {"name": "孙晓明", "id_number": son["id_number"], "relation": "head", "former_head_relation": "parent"}
    assert (await post_form(client, edit, edit, {**changed, **MEMBER})).status_code == 303  # the head changes too
    assert await kept_count(new["id"]) == 3

    former_head = await Member.select().where((Member.household == new["id"]) & (Member.name == "孙大明")).first()
    assert former_head is not None
    remove = f"/members/{former_head['id']}/remove"
    assert (await post_form(client, f"/members/{former_head['id']}/edit", remove, {})).status_code == 303
    assert not await Member.exists().where(Member.id == former_head["id"])
    assert await kept_count(new["id"]) == 2
    assert await kept_count(register["zhang"]["id"]) == 2  # the other households untouched


async def test_an_import_counts_each_households_members(client: Any, make_user: Any, register: Any) -> None:
    await as_admin(client, make_user)
    assert (await upload(client, content_of(clean_book()), action="import")).status_code == 303
    imported = await Household.select(Household.id, Household.code).where(Household.code.is_in(["X-001", "X-002"]))
    assert {row["code"]: await kept_count(row["id"]) for row in imported} == {"X-001": 2, "X-002": 1}


async def test_a_new_familys_application_counts_its_head(make_user: Any, township: dict[str, int]) -> None:
    admin = Actor(id=await make_user("admin", username="ident_admin"), label="ident_admin")
    village = await Village.select().where(Village.id == township["village"]).first()
    assert village is not None
    values = {
        "head_name": "李四",
        "id_number": new_id(),
        "phone": "13912345678",
        "member_count": 3,
        "main_cause": "lack_funds",
        "attribute": "general",
        "reason": "缺资金",
        "declared_income": None,
        "group": None,
    }
    application = await applying.apply_for_new_family(admin, dict(village), values)
    [row] = await Household.raw("SELECT household FROM identification_application WHERE id = {}", application)
    assert await kept_count(row["household"]) == 1


async def test_members_moved_to_another_household_or_deleted_with_theirs_are_counted(register: Any) -> None:
    zhang, li = register["zhang"], register["li"]
    several = await add_household(register["village"], "赵六", "H-0003", members=[("钱七", "son"), ("孙八", "son")])
    assert await kept_count(several["id"]) == 3
    moved = [member["id"] for member in several["members"][1:]] + [zhang["members"][1]["id"]]
    await Member.update({Member.household: li["id"]}).where(Member.id.is_in(moved))  # one statement, two households
    assert [await kept_count(h["id"]) for h in (zhang, li, several)] == [1, 4, 1]
    await Member.update({Member.household: li["id"]}).where(Member.id == li["members"][0]["id"])  # where it is
    assert await kept_count(li["id"]) == 4
    await Household.delete().where(Household.id == li["id"])  # its members go with it
    assert not await Member.exists().where(Member.household == li["id"])
    assert await Household.raw(MISCOUNTED) == []
