"""Demo people who log in: the four demo accounts, leaders, cadres, and employers with their firms."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from server.demo.context import Context
from server.demo.geography import DEMO_TOWNSHIP_CODE

LEADER_TITLES = (
    "镇党委书记", "镇长", "镇党委副书记", "镇人大主席", "常务副镇长", "镇纪委书记", "镇组织委员", "镇宣传委员",
    "镇武装部部长", "镇统战委员", "副镇长", "副镇长", "副镇长", "镇人大副主席", "镇党委委员", "镇党委委员",
    "四级调研员", "四级调研员", "镇党委委员", "副镇长",
)  # fmt: skip
OFFICE_TITLES = (
    "镇党政办科员", "镇农业综合服务中心", "镇财政所", "镇社会事务办", "镇经济发展办", "镇自然资源所",
    "镇卫生院", "镇中心小学", "镇综合执法办", "镇退役军人服务站", "镇扶贫工作站",
)  # fmt: skip
# 临涧镇's employers, as the source plan's kinds of job: a poverty-relief workshop, a cooperative, a firm.
DEMO_EMPLOYERS = (
    ("平邑县临涧镇巧手服装扶贫车间", "服装加工", "陈桂兰"),
    ("平邑县临涧镇金果黄桃种植专业合作社", "果品种植与加工", "孙德胜"),
    ("平邑顺达物流有限公司", "物流运输", "赵海峰"),
)
EMPLOYER_KINDS = (
    ("{town}{brand}扶贫车间", "服装加工"),
    ("{county}{brand}食品有限公司", "罐头食品加工"),
    ("{town}{brand}金银花专业合作社", "金银花种植"),
    ("{town}{brand}养殖专业合作社", "畜禽养殖"),
    ("{county}县{brand}建材有限公司", "建材"),
)
BRANDS = ("兴旺", "富民", "惠农", "鑫源", "聚福", "康达", "宏泰", "利民", "丰源", "众诚")
CREDIT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 24, 13, 25, 15, 8, 22, 11)
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: random.Random, region: str, cooperative: bool) -> str:
    """A well-formed 统一社会信用代码 (GB 32100): kind, region, organisation code with its check, final check."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORGANISATION_WEIGHTS, strict=True)) % 11
    organisation = body + {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = ("93" if cooperative else "91") + region + organisation
    total = sum(CREDIT_CHARACTERS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return first17 + CREDIT_CHARACTERS[(31 - total % 31) % 31]


def employer_rows(ctx: Context) -> list[dict[str, Any]]:
    """临涧镇's three employers, or two plausible ones for another township."""
    plan, rng = ctx.plan, ctx.rng
    if plan.code == DEMO_TOWNSHIP_CODE:
        firms = list(DEMO_EMPLOYERS)
    else:
        town = plan.name.removesuffix("镇").removesuffix("街道")
        county = plan.county.name.removesuffix("县")
        kinds = rng.sample(EMPLOYER_KINDS, 2)
        firms = [
            (kind.format(town=town, county=county, brand=rng.choice(BRANDS)), industry, ctx.fake.name())
            for kind, industry in kinds
        ]
    return [
        {
            "township": ctx.township_id,
            "name": name,
            "credit_code": credit_code(rng, plan.county.region, cooperative="合作社" in name),
            "industry": industry,
            "contact_name": contact,
            "phone": ctx.phones.next(),
            "address": f"山东省{plan.county.city[1]}{plan.county.name}{plan.name}",
            "approved": True,
        }
        for name, industry, contact in firms
    ]


@dataclass(frozen=True)
class StaffPlan:
    leaders: int
    cadres: int
    with_admin: bool  # 临涧镇's admin is the demo account 'admin'


DEMO_STAFF = StaffPlan(leaders=20, cadres=100, with_admin=False)
COUNTY_STAFF = StaffPlan(leaders=16, cadres=290, with_admin=True)
POSTED_SHARE = 0.4  # cadres based in a village (驻村); the rest work in the township offices


def staff_rows(ctx: Context, villages: list[dict[str, Any]], employers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leaders, cadres (some based in villages, key villages first) and employer accounts, all with one hash."""
    demo = ctx.plan.code == DEMO_TOWNSHIP_CODE
    staff, short = (DEMO_STAFF if demo else COUNTY_STAFF), ctx.plan.short_code
    rows = [_user(ctx, f"admin{short}", "admin", f"{ctx.plan.name}扶贫办主任")] if staff.with_admin else []
    titles = (LEADER_TITLES * 2)[: staff.leaders]
    rows += [_user(ctx, f"ld{short}{n:03d}", "leader", title) for n, title in enumerate(titles, start=1)]
    postings = _postings(villages, round(staff.cadres * POSTED_SHARE))
    for n in range(1, staff.cadres + 1):
        village, title = postings[n - 1] if n <= len(postings) else (None, ctx.rng.choice(OFFICE_TITLES))
        rows.append(_user(ctx, f"cd{short}{n:03d}", "cadre", title, village=village))
    first = 1 if demo else 0  # 临涧镇's first employer belongs to the demo account 'employer'
    for n, employer in enumerate(employers[first:], start=first + 1):
        rows.append(_user(ctx, f"em{short}{n:02d}", "employer", "负责人", employer=employer["id"]))
    return rows


def _user(ctx: Context, username: str, role: str, title: str, **links: int | None) -> dict[str, Any]:
    return {
        "username": username,
        "phone": ctx.phones.next(),
        "display_name": ctx.fake.name(),
        "title": title,
        "role": role,
        "township": ctx.township_id,
        "village": links.get("village"),
        "employer": links.get("employer"),
        "password_hash": ctx.password_hash,
    }


def _postings(villages: list[dict[str, Any]], count: int) -> list[tuple[int | None, str]]:
    """(village id, title) for the cadres based in villages: a first secretary in each key village, then teams."""
    ordered = sorted(villages, key=lambda v: (not v["key_level"], v["code"]))
    postings: list[tuple[int | None, str]] = []
    for round_number in range(count):
        for village in ordered:
            if len(postings) == count:
                return postings
            if village["key_level"] or round_number == 0:
                title = "驻村第一书记" if round_number == 0 and village["key_level"] else "驻村工作队员"
                postings.append((village["id"], village["name"] + title))
    return postings
