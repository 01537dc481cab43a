"""The demo county (its townships, their villages and village groups, 临涧镇 as in the source plan), and the
province scale's eleven other counties of Shandong, whose townships and villages are generated."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

COUNTY_CODE = "371326000000"
COUNTY_NAME = "平邑县"
DEMO_TOWNSHIP_CODE = "371326105000"

# 平邑县's towns and subdistricts; the last six are historical or invented, to reach the ~20 of a poor county.
TOWNSHIP_NAMES = (
    ("371326001000", "平邑街道"),
    ("371326101000", "仲村镇"),
    ("371326102000", "武台镇"),
    ("371326103000", "保太镇"),
    ("371326104000", "柏林镇"),
    (DEMO_TOWNSHIP_CODE, "临涧镇"),
    ("371326106000", "卞桥镇"),
    ("371326107000", "地方镇"),
    ("371326108000", "铜石镇"),
    ("371326109000", "温水镇"),
    ("371326110000", "流峪镇"),
    ("371326111000", "郑城镇"),
    ("371326112000", "白彦镇"),
    ("371326113000", "丰阳镇"),
    ("371326114000", "蒙阳镇"),
    ("371326115000", "天宝镇"),
    ("371326116000", "魏庄镇"),
    ("371326117000", "资邱镇"),
    ("371326118000", "岐山镇"),
    ("371326119000", "东阳镇"),
)
SLOTS = len(TOWNSHIP_NAMES)  # ID-number order codes and phones are partitioned by slot, so townships never clash

# The source plan's key poor villages of 临涧镇, and its provincial pilot.
KEY_VILLAGES = (
    ("双河村", "provincial"),
    ("南庞庄", "provincial"),
    ("碌碌泉村", "municipal"),
    ("周庄村", "provincial"),
    ("石棚村", "municipal"),
    ("曹家庄村", "municipal"),
    ("黄金庄村", "provincial"),
    ("五块石村", "municipal"),
    ("前马槽村", "municipal"),
    ("桃沟村", "provincial"),
)
PILOT_VILLAGE = "下龙井村"
ORDINARY_VILLAGES = (
    "东流峪村", "西流峪村", "临涧村", "北涧村", "南涧村", "大井村", "小井村", "王家庄村",
    "李家庄村", "后马槽村", "杨家沟村", "石门村", "柳树庄村", "枣园村", "北山村",
)  # fmt: skip

NAME_PREFIXES = "东西南北前后上下大小中新老"
NAME_STEMS = (
    "庄", "河", "沟", "峪", "岭", "泉", "山", "洼", "店", "楼", "官庄", "王庄", "李庄", "刘庄", "张庄",
    "石桥", "柳沟", "枣林", "杏山", "桃园", "梨园", "黄土", "白石", "龙泉", "凤凰", "龙井", "柏树",
)  # fmt: skip
GROUP_NUMERALS = "一二三四五六七八"


@dataclass(frozen=True)
class Profile:
    """How big and how poor a township's villages are; households = population × incidence / household size."""

    key_population: tuple[int, int]
    ordinary_population: tuple[int, int]
    key_incidence: tuple[float, float]  # the source's guide: about 50% in key villages
    ordinary_incidence: tuple[float, float]  # and about 5% elsewhere
    villages: int = 15
    key_share: float = 0.5


# 临涧镇 as a demo: small mountain key villages, ~1,000 households in all.
DEMO_PROFILE = Profile((400, 600), (600, 1800), (0.35, 0.50), (0.03, 0.06))
# The other townships of the benchmark county: bigger villages, ~2,600 households per township.
COUNTY_PROFILE = Profile((1200, 2400), (1500, 3000), (0.42, 0.58), (0.04, 0.06))
MEAN_HOUSEHOLD_SIZE = 3.05


PROVINCE = ("370000000000", "山东省")
LINYI = ("371300000000", "临沂市")
HEZE = ("371700000000", "菏泽市")
# Mobile number prefixes: the demo county draws from several, each other county has one of its own, none shared.
PHONE_PREFIXES = ("133", "135", "137", "138", "139", "150", "152", "158", "177", "180", "186", "188", "189")


@dataclass(frozen=True)
class CountyPlan:
    code: str
    name: str
    city: tuple[str, str]  # (code, name)
    latitude: float
    longitude: float
    phone_prefixes: tuple[str, ...]

    @property
    def region(self) -> str:
        """The 6-digit region part that ID numbers and credit codes carry."""
        return self.code[:6]


DEMO_COUNTY = CountyPlan(COUNTY_CODE, COUNTY_NAME, LINYI, 35.48, 117.62, PHONE_PREFIXES)
# The province scale: 平邑县 and eleven counties more (临沂's and three of 菏泽's), ~50,000 households each.
OTHER_COUNTIES = (
    ("371321000000", "沂南县", LINYI, 35.55, 118.47, "130"),
    ("371322000000", "郯城县", LINYI, 34.61, 118.37, "131"),
    ("371323000000", "沂水县", LINYI, 35.79, 118.63, "132"),
    ("371324000000", "兰陵县", LINYI, 34.86, 118.07, "136"),
    ("371325000000", "费县", LINYI, 35.27, 117.98, "151"),
    ("371327000000", "莒南县", LINYI, 35.18, 118.84, "153"),
    ("371328000000", "蒙阴县", LINYI, 35.71, 117.95, "155"),
    ("371329000000", "临沭县", LINYI, 34.92, 118.65, "156"),
    ("371721000000", "曹县", HEZE, 34.83, 115.54, "157"),
    ("371722000000", "单县", HEZE, 34.79, 116.09, "159"),
    ("371726000000", "鄄城县", HEZE, 35.56, 115.51, "173"),
)
PROVINCE_COUNTIES = (
    DEMO_COUNTY,
    *(CountyPlan(code, name, city, lat, lng, (prefix,)) for code, name, city, lat, lng, prefix in OTHER_COUNTIES),
)


@dataclass(frozen=True)
class TownshipPlan:
    code: str
    name: str
    slot: int  # within its county
    latitude: float
    longitude: float
    county: CountyPlan = DEMO_COUNTY

    @property
    def profile(self) -> Profile:
        return DEMO_PROFILE if self.code == DEMO_TOWNSHIP_CODE else COUNTY_PROFILE

    @property
    def short_code(self) -> str:
        """What tells the township's generated usernames apart: its 3 digits in the demo county, 7 elsewhere."""
        return self.code[6:9] if self.county == DEMO_COUNTY else self.code[2:9]


def township_plans(scale: str) -> list[TownshipPlan]:
    """The townships a scale loads: 临涧镇 alone, the demo county's twenty, or twenty in each of twelve counties."""
    plans = [_plan(DEMO_COUNTY, slot, code, name) for slot, (code, name) in enumerate(TOWNSHIP_NAMES)]
    if scale == "township":
        return [plan for plan in plans if plan.code == DEMO_TOWNSHIP_CODE]
    if scale == "province":
        plans += [plan for county in PROVINCE_COUNTIES[1:] for plan in _generated_townships(county)]
    return plans


def _generated_townships(county: CountyPlan) -> list[TownshipPlan]:
    """Twenty townships: the county seat's subdistrict, then towns with plausible names."""
    rng = random.Random(f"townships-{county.code}")  # noqa: S311 -- repeatable demo data, not secrets
    names = [county.name.removesuffix("县") + "街道"]
    while len(names) < SLOTS:
        name = rng.choice(NAME_PREFIXES) + rng.choice(NAME_STEMS) + "镇"
        if name not in names:
            names.append(name)
    codes = [f"{county.region}001000", *(f"{county.region}{100 + slot}000" for slot in range(1, SLOTS))]
    return [_plan(county, slot, code, name) for slot, (code, name) in enumerate(zip(codes, names, strict=True))]


def _plan(county: CountyPlan, slot: int, code: str, name: str) -> TownshipPlan:
    if code == DEMO_TOWNSHIP_CODE:
        return TownshipPlan(code, name, slot, 35.30, 117.80)
    angle = 2 * math.pi * slot / SLOTS
    ring = 0.08 if code[6:9] == "001" else 0.20  # the county seat's subdistrict sits in the middle
    latitude, longitude = county.latitude + ring * math.sin(angle), county.longitude + ring * math.cos(angle)
    return TownshipPlan(code, name, slot, latitude, longitude, county)


def village_rows(plan: TownshipPlan, township_id: int, rng: random.Random) -> list[dict[str, Any]]:
    """The township's villages (without ids): code, key level, population and position."""
    profile = plan.profile
    rows = []
    for number, (name, key_level, is_pilot) in enumerate(_village_names(plan, rng), start=1):
        low, high = profile.key_population if key_level else profile.ordinary_population
        rows.append(
            {
                "township": township_id,
                "name": name,
                "code": f"{plan.code[:9]}{number:03d}",
                "key_level": key_level,
                "is_pilot": is_pilot,
                "population": rng.randint(low, high),
                "latitude": round(plan.latitude + rng.uniform(-0.07, 0.07), 5),
                "longitude": round(plan.longitude + rng.uniform(-0.08, 0.08), 5),
            }
        )
    return rows


def _village_names(plan: TownshipPlan, rng: random.Random) -> list[tuple[str, str, bool]]:
    if plan.code == DEMO_TOWNSHIP_CODE:
        key = [(name, level, False) for name, level in KEY_VILLAGES]
        return [*key, (PILOT_VILLAGE, "provincial", True), *[(name, "", False) for name in ORDINARY_VILLAGES]]
    names: list[str] = []
    while len(names) < plan.profile.villages:
        name = rng.choice(NAME_PREFIXES) + rng.choice(NAME_STEMS) + "村"
        if name not in names:
            names.append(name)
    key_count = round(len(names) * plan.profile.key_share)
    levels = ["provincial" if rng.random() < 0.4 else "municipal" for _ in range(key_count)]
    return [(name, levels[i] if i < key_count else "", False) for i, name in enumerate(names)]


def group_rows(village: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """3-8 村民小组 named 一组, 二组, ..."""
    return [{"village": village["id"], "name": f"{numeral}组"} for numeral in GROUP_NUMERALS[: rng.randint(3, 8)]]


def household_count(village: dict[str, Any], rng: random.Random, profile: Profile) -> int:
    low, high = profile.key_incidence if village["key_level"] else profile.ordinary_incidence
    return max(1, round(int(village["population"]) * rng.uniform(low, high) / MEAN_HOUSEHOLD_SIZE))
