"""The search keys the database keeps per household (household_search_keys): exact after every way a member is
written, checked against the keys computed from the members themselves; and the search finds what the members do."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households import queries
from server.households.pinyin import search_keys
from server.households.tables import Household, Member
from server.places.tables import Village
from tests.households.conftest import add_household, new_id

# The keys as computed from the members: each value between newlines, a newline in a value kept as a space.
FROM_THE_MEMBERS = """
SELECT h.id AS household, h.village,
       COALESCE(E'\\n' || string_agg(translate(m.name, E'\\n', ' '), E'\\n' ORDER BY m.id) || E'\\n', '') AS names,
       COALESCE(E'\\n' || string_agg(translate(m.pinyin, E'\\n', ' '), E'\\n' ORDER BY m.id) || E'\\n', '') AS pinyins,
       COALESCE(E'\\n' || string_agg(translate(m.initials, E'\\n', ' '), E'\\n' ORDER BY m.id) || E'\\n', '')
         AS initials,
       COALESCE(E'\\n' || string_agg(translate(m.id_number, E'\\n', ' ') || E'\\n' || translate(m.phone, E'\\n', ' '),
                                     E'\\n' ORDER BY m.id) || E'\\n', '') AS numbers
FROM household h JOIN member m ON m.household = h.id GROUP BY h.id
"""
# A household that has had no member has no row; one whose members are all gone, empty keys.
KEPT = """
SELECT k.household, k.village, k.names, k.pinyins, k.initials, k.numbers
FROM household_search_keys k WHERE k.names <> '' OR k.numbers <> ''
"""


async def keys(sql: str) -> dict[int, tuple[str, ...]]:
    rows = await Member.raw(sql)
    columns = ("names", "pinyins", "initials", "numbers", "village")
    return {row["household"]: tuple(row[column] for column in columns) for row in rows}


async def assert_exact() -> dict[int, tuple[str, ...]]:
    kept = await keys(KEPT)
    assert kept == await keys(FROM_THE_MEMBERS)
    return kept


def member(household: int, name: str, **fields: Any) -> Member:
    return Member(household=household, name=name, **search_keys(name), id_number=new_id(), **fields)


async def test_members_added_one_by_one_and_many_at_once(township: dict[str, int]) -> None:
    zhang = await add_household(township["village"], "张三", "H-0001", members=[("王芳", "spouse")])
    kept = await assert_exact()
    names, pinyins, initials, numbers, village = kept[zhang["id"]]
    assert village == township["village"]
    assert (names, pinyins, initials) == ("\n张三\n王芳\n", "\nzhangsan\nwangfang\n", "\nzs\nwf\n")
    assert numbers == f"\n{zhang['members'][0]['id_number']}\n13812345678\n{zhang['members'][1]['id_number']}\n\n"
    li = await add_household(township["village"], "李四", "H-0002")
    await Member.insert(*(member(li["id"], name, phone="13700001111") for name in ("李小", "李大", "李中"))).run()
    assert (await assert_exact())[li["id"]][0] == "\n李四\n李小\n李大\n李中\n"


async def test_a_member_changed_moved_or_removed_and_a_household_removed(township: dict[str, int]) -> None:
    zhang = await add_household(township["village"], "张三", "H-0001", members=[("王芳", "spouse")])
    li = await add_household(township["village"], "李四", "H-0002")
    wang = zhang["members"][1]["id"]
    renamed = {getattr(Member, column): value for column, value in search_keys("王芳芳").items()}
    await Member.update({Member.name: "王芳芳", **renamed}).where(Member.id == wang)
    await Member.update({Member.phone: "13900002222"}).where(Member.id == wang)
    assert "\n王芳芳\n" in (await assert_exact())[zhang["id"]][0]
    await Member.update({Member.months_away: 3}).where(Member.id == wang)  # no key changed: nothing recomputed
    await assert_exact()
    await Member.update({Member.household: li["id"]}).where(Member.id == wang)  # moved to 李四's household
    kept = await assert_exact()
    assert kept[zhang["id"]][0] == "\n张三\n"
    assert kept[li["id"]][0] == "\n王芳芳\n李四\n"  # in the order the members were added
    await Member.delete().where(Member.id == wang)
    assert (await assert_exact())[li["id"]][0] == "\n李四\n"
    await Member.delete().where(Member.household == li["id"])  # no member left: empty keys, matching nothing
    assert await Member.raw("SELECT names FROM household_search_keys WHERE household = {}", li["id"]) == [{"names": ""}]
    await Household.delete().where(Household.id == zhang["id"])  # its members go by cascade, its keys with it
    assert not await Member.raw("SELECT 1 FROM household_search_keys WHERE household = {}", zhang["id"])
    await assert_exact()


async def test_a_household_moved_to_another_village_takes_its_keys_along(township: dict[str, int]) -> None:
    zhang = await add_household(township["village"], "张三", "H-0001")
    li = await add_household(township["village"], "李四", "H-0002")
    other = await Village.insert(Village(township=township["township"], name="远村", code="371326105099"))
    await Household.update({Household.village: other[0]["id"]}).where(Household.id == zhang["id"])
    kept = await assert_exact()
    assert (kept[zhang["id"]][4], kept[li["id"]][4]) == (other[0]["id"], township["village"])
    await Household.update({Household.phone: "13900001111"}).where(Household.id == li["id"])  # not moved
    await assert_exact()
    admin = CurrentUser(1, "a", "a", Role.ADMIN, township["township"], None, None, "zh_CN", "key")
    assert (await queries.search(admin, "zs", village_id=other[0]["id"])).total == 1


async def test_a_newline_in_a_value_never_reads_as_two_values(township: dict[str, int]) -> None:
    household = await add_household(township["village"], "张三", "H-0001")
    await Member.insert(member(household["id"], "王\n五", phone="1234\n99")).run()
    assert (await assert_exact())[household["id"]][0] == "\n张三\n王 五\n"
    admin = CurrentUser(1, "a", "a", Role.ADMIN, township["township"], None, None, "zh_CN", "key")
    assert (await queries.search(admin, "五")).total == 1
    assert (await queries.search(admin, "1234")).total == 0  # the phone ends with 99, not 1234
    assert (await queries.search(admin, "王\u3000五")).total == 1  # two terms, both in the one name


async def test_the_app_may_only_read_the_keys(township: dict[str, int], db: Any) -> None:
    household = await add_household(township["village"], "张三", "H-0001")
    savepoint = await db.savepoint()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await Member.raw("UPDATE household_search_keys SET names = ''")
    await savepoint.rollback_to()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await Member.raw("SELECT household_search_keys_recomputed({}::int[])", [household["id"]])
    await savepoint.rollback_to()
