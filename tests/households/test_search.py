"""Finding a household fast: name, pinyin initials, village, ID suffix; always within scope; constant queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households import queries
from server.households.income import per_capita_net_income
from server.households.tables import Household
from server.pairing.tables import Pairing
from server.places.tables import Township, Village
from server.privacy import mask_id_number
from tests.helpers import log_in
from tests.households.conftest import add_household


async def search(client: Any, query: str) -> str:
    answer = await client.get("/households", params={"q": query})
    assert answer.status_code == 200
    return answer.text


async def test_search_finds_by_name_initials_village_and_id_suffix(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    assert "张三" in await search(client, "张")
    by_member = await search(client, "王芳")
    assert "张三" in by_member
    assert "成员：王芳" in by_member
    assert "李四" not in by_member
    assert "张三" in await search(client, "zs")
    assert "李四" not in await search(client, "zs")
    assert "李四" in await search(client, "LS")
    village = await search(client, "双河")
    assert "张三" in village
    assert "李四" in village
    number = register["li"]["members"][0]["id_number"]
    by_id = await search(client, number[-6:])
    assert "李四" in by_id
    assert "张三" not in by_id
    assert number not in by_id
    assert mask_id_number(number) in by_id
    assert "没有符合条件的农户" in await search(client, "123")


async def test_the_member_shown_for_a_search_of_several_terms_is_one_of_the_households_own(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    """A name and a phone tail: only 王丁's household has both; 李丙, whose phone ends the same in another
    household, is neither listed nor shown as the member that matched."""
    await make_user("admin", username="office")
    await log_in(client, "office")
    await add_household(township["village"], "李丙", "H-0001")
    await add_household(township["village"], "王丁", "H-0002")
    found = await search(client, "王 5678")
    assert "王丁" in found
    assert "李丙" not in found
    assert "138****5678" in found


async def test_a_household_without_members_is_found_by_its_village_alone(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    """A search of words reads the households from their search keys first (docs/performance.md, thirteenth
    session); a household that never had a member has no keys, and is still found by its village's name, every term
    of it, and by nothing else."""
    await make_user("admin", username="office")
    await log_in(client, "office")
    await Household.insert(Household(code="H-0099", village=register["village"]))
    for found in ("双河", "双 河", "河"):
        assert "H-0099" in await search(client, found), found
    for missed in ("双河 zs", "张", "zs", "双河 1234"):
        assert "H-0099" not in await search(client, missed), missed
    assert "张三" in await search(client, "双河 zs")


async def test_search_finds_full_pinyin_spaces_phone_tails_and_mixed_terms_with_exact_matches_first(
    client: Any, make_user: Any, register: dict[str, Any], township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    xue = await add_household(township["village"], "薛永霞", "H-0100", phone="13900004321")
    await add_household(township["village"], "薛永霞华", "H-0099")  # found by the same letters, not exactly
    assert "薛永霞" in await search(client, "xueyongxia")
    assert "薛永霞" in await search(client, "XueYongXia")
    assert "薛永霞" in await search(client, "xue yong xia")
    assert "薛永霞" in await search(client, "xyx")
    assert "薛永霞" in await search(client, "薛 永霞")
    by_phone = await search(client, "4321")
    assert "薛永霞" in by_phone
    assert "139****4321" in by_phone
    assert "13900004321" not in by_phone
    mixed = await search(client, "双河 xue")
    assert "薛永霞" in mixed
    assert "张三" not in mixed
    assert "薛永霞" not in await search(client, "保太 xue")
    ranked = await search(client, "xueyongxia")
    assert ranked.index("H-0100") < ranked.index("H-0099"), "the exact name comes first"
    assert xue["code"] in ranked


async def test_the_register_sorts_by_a_column_and_pages_with_a_count(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    for n in range(35):
        await add_household(township["village"], f"户主{n:02d}", f"P-{n:03d}", members=[("成员", "son")] * (n % 3))
    first = await client.get("/households", params={"sort": "-code"})
    assert "第 1–30 户，共 35 户" in first.text
    assert first.text.index("P-034") < first.text.index("P-033")
    assert 'aria-sort="descending"' in first.text
    second = await client.get("/households", params={"sort": "-code", "page": "2"})
    assert "第 31–35 户，共 35 户" in second.text
    assert "P-004" in second.text
    assert "P-034" not in second.text
    by_size = await client.get("/households", params={"sort": "-members"})
    assert by_size.text.index("P-002") < by_size.text.index("P-001") < by_size.text.index("P-033")


async def test_the_register_exports_exactly_the_filtered_list(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    page = await client.get("/households", params={"q": "zs"})
    assert "/households/export.xlsx?q=zs" in page.text
    workbook = load_workbook(BytesIO((await client.get("/households/export.xlsx", params={"q": "zs"})).content))
    households = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert households == ["H-0001"]
    everything = load_workbook(BytesIO((await client.get("/households/export.xlsx")).content))
    assert everything.worksheets[0].max_row == 3


async def test_search_results_come_alone_for_htmx_and_filters_apply(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    answer = await client.get(
        "/households", params={"q": "", "status": "out_supported"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in answer.text
    assert "0 户" in answer.text
    answer = await client.get("/households", params={"village": str(register["village"])})
    assert "2 户" in answer.text


async def test_a_cadre_finds_only_the_households_in_their_scope(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    cadre_id = await make_user("cadre", username="helper")
    await Pairing.insert(Pairing(household=register["li"]["id"], cadre=cadre_id, started_on=date(2026, 1, 1)))
    await log_in(client, "helper")
    found = await search(client, "")
    assert "李四" in found
    assert "张三" not in found
    assert "张三" not in await search(client, "zs")


async def test_nobody_finds_a_household_of_another_township(
    client: Any, make_user: Any, register: dict[str, Any]
) -> None:
    other = Township(county=register["county"], name="保太镇", code="371326106000")
    await other.save()
    far = Village(township=other.id, name="外村", code="371326106001")
    await far.save()
    stranger = await add_household(far.id, "张山", "H-FAR")
    for role in ("admin", "leader"):
        await make_user(role, username=f"{role}1")
        await log_in(client, f"{role}1")
        found = await search(client, "zs")
        assert "张三" in found
        assert "张山" not in found
        assert "张山" not in await search(client, stranger["members"][0]["id_number"][-4:])


async def test_an_employer_cannot_open_the_register(client: Any, make_user: Any, register: dict[str, Any]) -> None:
    await make_user("employer", username="boss")
    await log_in(client, "boss")
    assert (await client.get("/households")).status_code == 403


@contextmanager
def counting(db: Any) -> Iterator[list[str]]:
    queries: list[str] = []
    connection = db.connection

    def log(record: Any) -> None:
        queries.append(record.query)

    connection.add_query_logger(log)
    try:
        yield queries
    finally:
        connection.remove_query_logger(log)


async def test_search_and_household_page_run_the_same_number_of_queries_for_10_or_100_households(
    client: Any, db: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    counts = []
    for total in (10, 100):
        start = len(counts) * 10
        for n in range(start, start + total - (10 if counts else 0)):
            await add_household(township["village"], f"张{n}", f"Q-{n:04d}", members=[("王某", "spouse")])
        with counting(db) as queries:
            answer = await client.get("/households", params={"q": "张"})
        assert answer.status_code == 200
        with counting(db) as page_queries:
            more = await client.get("/households", params={"q": "张", "page": "2"}, headers={"HX-Request": "true"})
        assert more.status_code == 200
        counts.append((len(queries), len(page_queries)))
    assert counts[0] == counts[1], counts


async def test_household_page_runs_a_constant_number_of_queries(
    client: Any, db: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="office")
    await log_in(client, "office")
    small = await add_household(township["village"], "张一", "S-1", members=[("王一", "spouse")])
    big = await add_household(township["village"], "张二", "S-2", members=[(f"子{n}", "son") for n in range(12)])
    # The first page a connection serves also looks up the types of the member rows (asyncpg, once per connection).
    assert (await client.get(f"/households/{small['id']}")).status_code == 200
    counts = []
    for household in (small, big):
        with counting(db) as queries:
            assert (await client.get(f"/households/{household['id']}")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_per_capita_net_income_is_net_income_over_members() -> None:
    household = {
        "wage_income": Decimal("6000"),
        "business_income": Decimal("2000.50"),
        "property_income": Decimal("0"),
        "transfer_income": Decimal("1000"),
        "production_cost": Decimal("1000.50"),
    }
    assert per_capita_net_income(household, 3) == Decimal("2666.67")
    assert per_capita_net_income(household, 0) is None


async def test_a_search_reads_the_search_keys_of_the_households_in_scope_and_never_hashes_every_member(
    make_user: Any, register: dict[str, Any], township: dict[str, int]
) -> None:
    """At county scale PostgreSQL rated a hash of every matching member of the database cheaper than probing the
    township's households one by one (60 ms against 3 ms); the search matches the households' kept search keys, and
    its plan (the member shown for each household of the page) must never hold such a hash."""
    office = await make_user("admin", username="office")
    other_village = await Village.insert(Village(township=township["township"], name="远村", code="371326105099"))
    for n in range(400):  # members enough that a hash looks cheaper than probes, as a county's 154,000 did
        await add_household(other_village[0]["id"], f"赵{n}", f"H-9{n:03d}")
    await Household.raw("ANALYZE member")
    admin = CurrentUser(office, "office", "办公室", Role.ADMIN, township["township"], None, None, "zh_CN", "key")
    for query, order in (("zs", ""), ("张", ""), ("张 1234", "code")):
        statement = queries.search_statement(admin, query, None, "", 1, order)
        plan = "\n".join(row["QUERY PLAN"] for row in await Household.raw("EXPLAIN (COSTS OFF) {}", statement.query()))
        assert not hashed_over_members(plan), plan
        assert "household_search_keys" in plan, plan


def hashed_over_members(plan: str) -> list[str]:
    """The hashed subplans of an EXPLAIN text that read the member table (a hash of every matching member)."""
    lines = plan.splitlines()
    bodies = {line.strip(): lines[i + 1] for i, line in enumerate(lines[:-1]) if line.strip().startswith("SubPlan ")}
    hashed = {f"SubPlan {n}" for n in re.findall(r"hashed SubPlan (\d+)", plan)}
    return [name for name in hashed if " on member " in bodies.get(name, "")]


def test_the_scope_is_planned_with_a_townships_terms_alone_for_its_register_and_kept_for_a_cadre() -> None:
    """docs/performance.md, tenth session: a township's search plans its terms with the scope (the keys' matches
    first; thirteenth session: for terms without digits, read from the keys of its villages first), its plain
    register reads the scope alone (OFFSET 0), a cadre's few households are materialized first; the page's LIMIT
    is written in, so that PostgreSQL keeps its generic plan (one parameter fewer)."""
    admin = CurrentUser(1, "office", "办公室", Role.ADMIN, 1, None, None, "zh_CN", "key")
    cadre = CurrentUser(2, "helper", "帮扶干部", Role.CADRE, 1, 3, None, "zh_CN", "key")

    def scope_of(user: CurrentUser, q: str) -> str:
        sql, _ = queries.search_statement(user, q, None, "", 2, "").compile_string()
        assert f"LIMIT {queries.PAGE_SIZE + 1} OFFSET $" in sql
        return sql[: sql.index("), page AS (")]

    searched, by_keys = scope_of(admin, "王 1234"), scope_of(admin, "王 zs")
    register, cadres = scope_of(admin, ""), scope_of(cadre, "王")
    assert "OFFSET 0" not in searched
    assert "MATERIALIZED" not in searched
    # Thirteenth session: terms without digits find the households from the keys, then read each by its id.
    assert "FROM household_search_keys k WHERE" in by_keys
    assert by_keys.endswith("OFFSET 0\n    ) h\n")
    assert "MATERIALIZED" not in by_keys
    assert register.endswith("OFFSET 0\n")
    assert "MATERIALIZED" not in register
    assert "AS MATERIALIZED (" in cadres
    assert "OFFSET 0" not in cadres
