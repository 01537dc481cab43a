"""`bangfu demo`: load the synthetic township (or county) in one transaction; running it again adds nothing."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from server.accounts.passwords import hash_password
from server.accounts.queries import create_user, username_taken
from server.accounts.roles import Role
from server.accounts.tables import User
from server.demo.areas import load_area_demo
from server.demo.context import Context
from server.demo.geography import (
    DEMO_COUNTY,
    DEMO_TOWNSHIP_CODE,
    LINYI,
    PROVINCE,
    CountyPlan,
    group_rows,
    household_count,
    township_plans,
    village_rows,
)
from server.demo.history import LONG
from server.demo.households import household_row
from server.demo.people import member_rows
from server.demo.staff import employer_rows, staff_rows
from server.demo.writer import copy_rows, insert_with_ids, refresh_statistics, reserve_ids
from server.employers.tables import Employer
from server.households.tables import Household, Member
from server.operations.deployment import DEMO, LOCK_KEY, mark
from server.piccolo_conf import DB
from server.places.tables import County, Region, Township, Village, VillageGroup
from server.policy.registry import MONITORING_LINE, POVERTY_LINE, POVERTY_LINE_CONSTANT
from server.policy.tables import PolicyValue

DEMO_PASSWORD = "Bangfu@2026"  # noqa: S105 -- published with the demo, never used outside it
DEMO_USERNAMES = ("province", "city", "county", "admin", "leader", "cadre", "employer", "inspector")
SCALES = ("township", "county", "province")

# (year, poverty line at that year's prices, at constant 2010 prices, monitoring line), yuan per person per year.
# 2014 and 2015 are the source plan's; 2021's monitoring line is the national one; 2020 and 2024-2026 are demo values.
STANDARDS = (
    (2014, "2800", "2300", None),
    (2015, "3322", "3000", None),
    (2020, "4000", "3000", None),
    (2021, "4100", "3000", "6000"),
    (2024, "4400", "3000", "7000"),
    (2025, "4500", "3000", "7300"),
    (2026, "4600", "3000", "7600"),
)
LINES_SOURCE = "演示数据（山东省扶贫标准与防返贫监测线）"
COUNTY_ACCOUNT = ("county", "周文斌", "县扶贫办主任")  # username, name, title
REGION_ACCOUNTS = (  # username, role, region code, name, title: the demo county's city and province
    ("city", Role.CITY, LINYI[0], "李红梅", "市扶贫办主任"),
    ("province", Role.PROVINCE, PROVINCE[0], "赵国强", "省扶贫办副主任"),
)
DEMO_ACCOUNTS = (  # username, role, name, title (of the demo township)
    ("admin", Role.ADMIN, "张建华", "镇扶贫办主任"),
    ("leader", Role.LEADER, "王立新", "镇党委副书记"),
    ("cadre", Role.CADRE, "刘晓燕", "双河村驻村第一书记"),
    ("employer", Role.EMPLOYER, "陈桂兰", "巧手服装扶贫车间负责人"),
    ("inspector", Role.INSPECTOR, "孙国平", "镇督导检查组组长"),
)


async def load_demo(scale: str = "township", only_if_empty: bool = False, bulk: bool | None = None) -> str:
    """Load the demo data and say what was added, in one line. The engine's pool must be open. `bulk`: the visit
    history generated inside the database (server/demo/history.py), as the county and province scales have it;
    with the township scale, a small instance of it for the tests."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    async with DB.transaction() as transaction:
        connection: asyncpg.Connection = transaction.connection
        await connection.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
        if only_if_empty and (await Township.count() > 0 or await User.count() > 0):
            return "数据库中已有乡镇或账号, 未加载演示数据 (not empty: demo data not loaded)"
        await mark(DEMO)  # refused on a real deployment (`bangfu setup`)
        existing = {row["code"] for row in await Township.select(Township.code)}
        plans = [plan for plan in township_plans(scale) if plan.code not in existing]
        if not plans:
            return "演示数据已存在, 未重复加载 (demo data already present: nothing added)"
        password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
        province_id = await _region_id("province", *PROVINCE)
        await _add_lines(province_id)
        totals: Counter[str] = Counter()
        township_ids = []
        for county in dict.fromkeys(plan.county for plan in plans):  # county by county: memory stays one county's
            county_id = await _county_id(county, province_id)
            if county == DEMO_COUNTY:
                await _county_account(password_hash, county_id)
                await _region_accounts(password_hash)
            for plan in (plan for plan in plans if plan.county == county):
                [township_id] = await reserve_ids(connection, Township, 1)
                context = Context(plan, township_id, password_hash)
                totals.update(await _load_township(connection, context, county_id))
                township_ids.append(township_id)
        # Once for all the townships: the visit history of a province is generated in one pass, its indexes built once.
        totals.update(
            await load_area_demo(connection, township_ids, bulk=scale != "township" if bulk is None else bulk)
        )
        await refresh_statistics(connection, seconds=LONG)  # every table the load wrote, for the pages that follow
    return _summary(totals, skipped=len(township_plans(scale)) - len(plans))


async def _region_id(level: str, code: str, name: str, parent: int | None = None) -> int:
    row = await Region.select(Region.id).where(Region.code == code).first()
    if row is None:
        [row] = await Region.insert(Region(level=level, code=code, name=name, parent=parent))
    return int(row["id"])


async def _county_id(county: CountyPlan, province_id: int) -> int:
    """The county under its city (made when missing) and the province."""
    city = await _region_id("city", *county.city, parent=province_id)
    row = await County.select().where(County.code == county.code).first()
    if row is None:
        [row] = await County.insert(County(name=county.name, code=county.code, region=city))
    return int(row["id"])


async def _add_lines(province_id: int) -> None:
    """The province's poverty and monitoring lines of the years not recorded yet (a recorded year is left alone)."""
    rules = (POVERTY_LINE, POVERTY_LINE_CONSTANT, MONITORING_LINE)
    recorded = {
        (row["rule"], row["effective_from"].year)
        for row in await PolicyValue.select(PolicyValue.rule, PolicyValue.effective_from).where(
            PolicyValue.region == province_id
        )
    }
    missing = [
        PolicyValue(
            rule=rule.key,
            region=province_id,
            effective_from=date(year, 1, 1),
            value=Decimal(value),
            source=LINES_SOURCE,
        )
        for year, *values in STANDARDS
        for rule, value in zip(rules, values, strict=True)
        if value is not None and (rule.key, year) not in recorded
    ]
    if missing:
        await PolicyValue.insert(*missing)


async def _load_township(connection: asyncpg.Connection, ctx: Context, county_id: int) -> Counter[str]:
    """One township: villages and groups, employers, accounts, households and members."""
    plan = ctx.plan
    await copy_rows(
        connection, Township, [{"id": ctx.township_id, "county": county_id, "name": plan.name, "code": plan.code}]
    )
    villages = await insert_with_ids(connection, Village, village_rows(plan, ctx.township_id, ctx.rng))
    groups = await insert_with_ids(connection, VillageGroup, [g for v in villages for g in group_rows(v, ctx.rng)])
    employers = await insert_with_ids(connection, Employer, employer_rows(ctx))
    demo_staff = await _demo_accounts(ctx, villages, employers) if plan.code == DEMO_TOWNSHIP_CODE else 0
    staff = staff_rows(ctx, villages, employers)
    await copy_rows(connection, User, staff)
    households, members = await _households(connection, ctx, villages, groups)
    return Counter(
        townships=1,
        villages=len(villages),
        households=households,
        members=members,
        staff=demo_staff + sum(user["role"] != Role.EMPLOYER for user in staff),
        employers=len(employers),
    )


async def _region_accounts(password_hash: str) -> None:
    """The city's and the province's office accounts (read only), unless their usernames are taken."""
    for username, role, code, name, title in REGION_ACCOUNTS:
        region = await Region.select(Region.id).where(Region.code == code).first()
        if region is not None and not await username_taken(username):
            await create_user(
                username=username, password_hash=password_hash, display_name=name, role=role,
                region_id=region["id"], title=title,
            )  # fmt: skip


async def _county_account(password_hash: str, county_id: int) -> None:
    """The county office's account, unless its username is taken."""
    username, name, title = COUNTY_ACCOUNT
    if not await username_taken(username):
        await create_user(
            username=username, password_hash=password_hash, display_name=name, role=Role.COUNTY,
            county_id=county_id, title=title,
        )  # fmt: skip


async def _demo_accounts(ctx: Context, villages: list[dict[str, Any]], employers: list[dict[str, Any]]) -> int:
    """The four accounts people log in with; a username already taken is left alone. Returns the staff added."""
    village_id = next(village["id"] for village in villages if village["name"] == "双河村")
    added = 0
    for username, role, name, title in DEMO_ACCOUNTS:
        if await username_taken(username):
            continue
        await create_user(
            username=username,
            password_hash=ctx.password_hash,
            display_name=name,
            role=role,
            township_id=ctx.township_id,
            village_id=village_id if role == Role.CADRE else None,
            employer_id=employers[0]["id"] if role == Role.EMPLOYER else None,
            phone=ctx.phones.next(),
            title=title,
        )
        added += role not in (Role.EMPLOYER, Role.INSPECTOR)
    return added


async def _households(
    connection: asyncpg.Connection, ctx: Context, villages: list[dict[str, Any]], groups: list[dict[str, Any]]
) -> tuple[int, int]:
    """Every village's households with their members; returns how many of each were added."""
    groups_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for group in groups:
        groups_of[group["village"]].append(group)
    households: list[dict[str, Any]] = []
    families: list[list[dict[str, Any]]] = []
    for village in villages:
        for number in range(1, household_count(village, ctx.rng, ctx.plan.profile) + 1):
            members = member_rows(ctx)
            group = ctx.rng.choice(groups_of[village["id"]])
            households.append(household_row(ctx, members, village, number, group))
            families.append(members)
    await insert_with_ids(connection, Household, households)
    for household, members in zip(households, families, strict=True):
        for member in members:
            member["household"] = household["id"]
    await copy_rows(connection, Member, [member for members in families for member in members])
    return len(households), sum(map(len, families))


def _summary(totals: Counter[str], skipped: int) -> str:
    line = (
        f"演示数据: {totals['townships']} 个乡镇, {totals['villages']} 个村, {totals['households']} 户, "
        f"{totals['members']} 人, {totals['staff']} 名干部, {totals['employers']} 家企业"
    )
    # Feature areas count their rows under Chinese labels, e.g. {"条结对": 1109}.
    base = {"townships", "villages", "households", "members", "staff", "employers"}
    line += "".join(f", {count} {label}" for label, count in totals.items() if label not in base)
    return line + (f" (已有的 {skipped} 个乡镇未重复加载)" if skipped else "")
