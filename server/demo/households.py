"""Demo household records: status, causes, housing, land and income that agree with their members."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from server.demo.context import Context
from server.demo.people import AS_OF, weighted
from server.households import id_numbers

INCOME_YEAR = 2025
CENT = Decimal("0.01")
STATUS_WEIGHTS = {"not_out": 30, "out_supported": 55, "out_unsupported": 12, "returned": 3}
MONITORING_SHARE = 0.05
MONITORING_WEIGHTS = {"unstable": 45, "marginal": 40, "sudden": 15}
IDENTIFIED_YEAR_WEIGHTS = {"2014": 70, "2015": 15, "2016": 8, "2017": 5, "2018": 2}
# Per-capita net income (yuan, INCOME_YEAR) by situation: some households sit near or under the lines.
PER_CAPITA = {
    "not_out": (2600, 6500),
    "returned": (3000, 6800),
    "monitored": (5200, 8200),
    "out_supported": (6800, 14000),
    "out_unsupported": (9000, 20000),
}
OTHER_CAUSES = {
    "lack_skills": 25,
    "lack_funds": 25,
    "lack_land": 10,
    "lack_water": 5,
    "poor_transport": 5,
    "low_motivation": 8,
    "disaster": 4,
    "other": 4,
}
STRUCTURES = {"brick_concrete": 55, "brick_wood": 30, "earth_wood": 12, "other": 3}
BANK_CARD_PREFIXES = {
    "平邑农商银行": "623190",
    "中国邮政储蓄银行": "621799",
    "中国农业银行": "622848",
    "中国工商银行": "622202",
}


def household_row(
    ctx: Context, members: list[dict[str, Any]], village: dict[str, Any], number: int, group: dict[str, Any]
) -> dict[str, Any]:
    """The household (without id) of `members`, the village's `number`th, living in `group`."""
    rng = ctx.rng
    status, monitoring_type, identified_year = _status(rng)
    main_cause, secondary_causes = _causes(rng, members)
    attribute = _attribute(rng, members)
    situation = "monitored" if monitoring_type else status
    return {
        "code": f"{village['code']}-{number:04d}",
        "village": village["id"],
        "group": group["id"],
        "phone": members[0]["phone"],
        "address": f"{ctx.plan.county.name}{ctx.plan.name}{village['name']}{group['name']}{rng.randint(1, 180)}号",
        "attribute": attribute,
        "main_cause": main_cause,
        "secondary_causes": secondary_causes,
        "status": status,
        "monitoring_type": monitoring_type,
        "identified_year": identified_year,
        **_housing(rng, status),
        **_land(rng, len(members), main_cause),
        **_income(rng, members, rng.uniform(*PER_CAPITA[situation]), attribute),
        **_bank(rng),
        "latitude": round(village["latitude"] + rng.gauss(0, 0.003), 6),
        "longitude": round(village["longitude"] + rng.gauss(0, 0.003), 6),
    }


def _status(rng: random.Random) -> tuple[str, str | None, int | None]:
    """Poverty status, monitoring type and identification year; marginal and sudden cases are not registered poor."""
    if rng.random() < MONITORING_SHARE:
        kind = weighted(rng, MONITORING_WEIGHTS)
        if kind == "unstable":
            return "out_supported", kind, int(weighted(rng, IDENTIFIED_YEAR_WEIGHTS))
        return "none", kind, None
    return weighted(rng, STATUS_WEIGHTS), None, int(weighted(rng, IDENTIFIED_YEAR_WEIGHTS))


def _causes(rng: random.Random, members: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Main and secondary causes of poverty, led by what the members' health, schooling and work show."""
    likely: dict[str, int] = {}
    if any(m["health"] in ("chronic", "serious") for m in members):
        likely["illness"] = 60
    if any(m["health"] == "disabled" for m in members):
        likely["disability"] = 50
    if any(m["schooling"] in ("senior", "vocational", "college") for m in members):
        likely["schooling"] = 25
    if not any(m["labour_skill"] in ("normal", "skilled") for m in members):
        likely["lack_labour"] = 40
    main = weighted(rng, {**OTHER_CAUSES, **likely})
    pool = [cause for cause in {**likely, **OTHER_CAUSES} if cause not in (main, "other")]
    return main, sorted(rng.sample(pool, k=min(len(pool), rng.choice((0, 0, 1, 1, 2)))))


def _attribute(rng: random.Random, members: list[dict[str, Any]]) -> str:
    head_age = id_numbers.age(members[0]["id_number"], AS_OF)
    if len(members) == 1 and head_age >= 60 and rng.random() < 0.4:
        return "tekun"  # 特困供养: alone, old, without support
    no_labour = not any(m["labour_skill"] in ("normal", "skilled") for m in members)
    return "dibao" if rng.random() < (0.5 if no_labour else 0.15) else "general"


def _housing(rng: random.Random, status: str) -> dict[str, Any]:
    structure = weighted(rng, STRUCTURES)
    risk = (0.25, 0.35) if structure == "earth_wood" else (0.02, 0.03)
    if status != "not_out":  # 安全住房 is a condition of leaving poverty: few remain
        risk = (risk[0] / 4, risk[1] / 4)
    roll = rng.random()
    grade = "D" if roll < risk[0] * 0.3 else "C" if roll < risk[1] else ""
    return {
        "housing_area": Decimal(rng.randint(80, 300)) / 2,
        "housing_structure": structure,
        "dilapidated_grade": grade,
        "safe_water": rng.random() < 0.97,
    }


def _land(rng: random.Random, size: int, main_cause: str) -> dict[str, Decimal]:
    """Mu of land: about one cultivated mu a person in these hills; orchards of yellow peach and honeysuckle."""
    per_person = rng.uniform(0.2, 0.5) if main_cause == "lack_land" else rng.uniform(0.6, 1.6)
    cultivated = per_person * size
    irrigated_share = rng.uniform(0, 0.1) if main_cause == "lack_water" else rng.uniform(0, 0.7)

    def mu(value: float) -> Decimal:
        return Decimal(str(round(value, 1))).quantize(CENT)

    return {
        "cultivated_mu": mu(cultivated),
        "irrigated_mu": mu(cultivated * irrigated_share),
        "forest_mu": mu(rng.uniform(0.5, 6)) if rng.random() < 0.25 else mu(0),
        "orchard_mu": mu(rng.uniform(0.5, 4)) if rng.random() < 0.35 else mu(0),
        "water_surface_mu": mu(rng.uniform(0.5, 3)) if rng.random() < 0.02 else mu(0),
        "pasture_mu": mu(rng.uniform(1, 5)) if rng.random() < 0.01 else mu(0),
    }


def _income(rng: random.Random, members: list[dict[str, Any]], per_capita: float, attribute: str) -> dict[str, Any]:
    """Income parts whose net total (wages + business + property + transfers − costs) is per_capita × size."""
    total = per_capita * len(members)
    workers = [m for m in members if m["labour_skill"] in ("normal", "skilled", "weak")]
    elderly = sum(id_numbers.age(m["id_number"], AS_OF) >= 60 for m in members)
    wage = rng.uniform(0.25, 0.6) + (0.15 if any(m["months_away"] for m in members) else 0) if workers else 0
    transfer = rng.uniform(0.08, 0.2) + (0.3 if attribute != "general" else 0) + 0.05 * elderly
    estate = rng.uniform(0, 0.06)
    if wage + transfer + estate > 0.95:  # leave at least 5% to farming
        scale = 0.95 / (wage + transfer + estate)
        wage, transfer, estate = wage * scale, transfer * scale, estate * scale
    business_net = total * (1 - wage - transfer - estate)
    cost = business_net / (1 - rng.uniform(0.25, 0.45)) - business_net

    def yuan(value: float) -> Decimal:
        return Decimal(round(value)).quantize(CENT)

    return {
        "income_year": INCOME_YEAR,
        "wage_income": yuan(total * wage),
        "business_income": yuan(business_net + cost),
        "property_income": yuan(total * estate),
        "transfer_income": yuan(total * transfer),
        "production_cost": yuan(cost),
    }


def _bank(rng: random.Random) -> dict[str, str]:
    if rng.random() < 0.15:
        return {"bank_name": "", "bank_account": ""}
    bank = rng.choice(list(BANK_CARD_PREFIXES))
    digits = "".join(rng.choice("0123456789") for _ in range(13))
    return {"bank_name": bank, "bank_account": BANK_CARD_PREFIXES[bank] + digits}
