"""Every number of the rules, in one list: key, unit, default with its source and year, and the level that owns it.

Read server/policy/__init__.py first: it says how to add a rule and how to read one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any, Generic, TypeVar, cast

from server.codes import CodeList, TrailFields
from server.i18n import N_

T = TypeVar("T")


class Level(IntEnum):
    """The office that sets a number; higher levels set numbers for every place below them."""

    TOWNSHIP = 0
    COUNTY = 1
    CITY = 2
    PROVINCE = 3

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def office(self) -> str:
        return OFFICE_LABELS[self]


LEVEL_LABELS = {
    Level.TOWNSHIP: N_("Township"),
    Level.COUNTY: N_("County"),
    Level.CITY: N_("City"),
    Level.PROVINCE: N_("Province"),
}
# Who sets a rule of each level. There are no city or province accounts: the county office records their numbers.
OFFICE_LABELS = {
    Level.TOWNSHIP: N_("Township poverty office"),
    Level.COUNTY: N_("County poverty office"),
    Level.CITY: N_("The city, recorded by the county poverty office"),
    Level.PROVINCE: N_("The province, recorded by the county poverty office"),
}


class Unit(StrEnum):
    DAYS = "days"
    MONTHS = "months"
    AGE = "age"
    PERCENT = "percent"
    HOUSEHOLDS = "households"
    PEOPLE = "people"
    YUAN_PER_MONTH = "yuan_per_month"
    YUAN_PER_PERSON_YEAR = "yuan_per_person_year"

    @property
    def label(self) -> str:
        return UNIT_LABELS[self]


UNIT_LABELS = {
    Unit.DAYS: N_("days"),
    Unit.MONTHS: N_("months"),
    Unit.AGE: N_("years of age"),
    Unit.PERCENT: N_("%"),
    Unit.HOUSEHOLDS: N_("households"),
    Unit.PEOPLE: N_("people"),
    Unit.YUAN_PER_MONTH: N_("yuan per month"),
    Unit.YUAN_PER_PERSON_YEAR: N_("yuan per person per year"),
}

# Where the defaults come from (msgids). A default with no year says so rather than invent one.
SOURCE_PLAN = N_("The township's implementation plan (the source plan)")
MONITORING_GUIDANCE = N_("National guidance on monitoring and help against return to poverty")
LOCAL_PRACTICE = N_("Common practice of township poverty offices")
LABOUR_RULES = N_("Labour law and the register's definition of the labour force")
PROVINCE_LINE = N_("Set by the province each year")
BANGFU_START = N_("A starting value of Bangfu: record your own")

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


@dataclass(frozen=True)
class Rule(Generic[T]):
    """One number of the rules. `T` is what a reader gets: int, Decimal, or either or None for optional rules."""

    key: str  # stored with every value; never rename one that has values
    label: str  # msgid
    unit: Unit
    default: T  # used where no office has recorded a value
    owner: Level
    area: str  # msgid: the heading it is listed under
    source: str  # msgid: where the default comes from
    year: int | None  # the year of that source, when it states one
    low: Decimal
    high: Decimal
    decimals: int = 0
    yearly: bool = False  # one value per calendar year (the lines), instead of "from a date on"
    optional: bool = False  # may be recorded as "none" (e.g. no maximum)

    def __post_init__(self) -> None:
        assert KEY_PATTERN.match(self.key), self.key  # keys are written into SQL text (server/policy/queries.py)

    def convert(self, raw: Decimal | None) -> T:
        """A stored value as its readers use it."""
        if raw is None:
            return cast(T, None)
        return cast(T, int(raw) if self.decimals == 0 else raw.quantize(Decimal(1).scaleb(-self.decimals)))


def number_text(value: Any) -> str:
    """A value as people write it: 3.5, 60, 3322 or 3322.50; '—' for none."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Facts:
    """What rules of one kind share: who owns them, where they are listed, where their defaults come from."""

    owner: Level
    area: str
    source: str
    year: int | None = None


def whole(key: str, label: str, unit: Unit, default: int, low: int, high: int, facts: Facts) -> Rule[int]:
    return Rule(
        key, label, unit, default, facts.owner, facts.area, facts.source, facts.year, Decimal(low), Decimal(high)
    )


def optional_whole(key: str, label: str, unit: Unit, low: int, high: int, facts: Facts) -> Rule[int | None]:
    f = facts
    return Rule(key, label, unit, None, f.owner, f.area, f.source, f.year, Decimal(low), Decimal(high), optional=True)


def yearly_amount(key: str, label: str, facts: Facts, optional: bool = False) -> Rule[Decimal | None]:
    f, unit, high = facts, Unit.YUAN_PER_PERSON_YEAR, Decimal(1_000_000)
    return Rule(key, label, unit, None, f.owner, f.area, f.source, f.year, Decimal(1), high, 2, True, optional)


LINES = N_("Poverty and monitoring lines")
IDENTIFICATION = N_("Identification")
PAIRING = N_("Pairing")
VISITS = N_("Visits and follow-ups")
MONITORING = N_("Monitoring and return to poverty")
JOBS = N_("Jobs")

# ---- poverty and monitoring lines: one value per year, set by the province; counties and townships read them ----
_line = Facts(Level.PROVINCE, LINES, PROVINCE_LINE)
POVERTY_LINE = yearly_amount("poverty_line", N_("Poverty line at that year's prices"), _line)
POVERTY_LINE_CONSTANT = yearly_amount(
    "poverty_line_constant", N_("Poverty line at constant prices"), _line, optional=True
)
MONITORING_LINE = yearly_amount(
    "monitoring_line", N_("Monitoring line"), Facts(Level.PROVINCE, LINES, PROVINCE_LINE, 2021)
)

# ---- identification (精准识别): the township's implementation plan ----
_plan = Facts(Level.TOWNSHIP, IDENTIFICATION, SOURCE_PLAN)
KEY_INCIDENCE_PERCENT = whole(
    "key_incidence_percent", N_("Scale guidance in key poor villages"), Unit.PERCENT, 50, 1, 100, _plan
)
OTHER_INCIDENCE_PERCENT = whole(
    "other_incidence_percent", N_("Scale guidance in other villages"), Unit.PERCENT, 5, 1, 100, _plan
)
LARGE_VILLAGE = whole("large_village", N_("A village counts as large from"), Unit.PEOPLE, 1000, 100, 100_000, _plan)
SURVEY_TEAM_MIN = whole("survey_team_min", N_("Survey team: fewest members"), Unit.PEOPLE, 2, 1, 50, _plan)
SURVEY_TEAM_MAX = whole("survey_team_max", N_("Survey team: most members"), Unit.PEOPLE, 5, 1, 50, _plan)
SURVEY_TEAM_MIN_LARGE = whole(
    "survey_team_min_large", N_("Survey team: fewest members in a large village"), Unit.PEOPLE, 3, 1, 50, _plan
)
REPRESENTATIVES_MIN = whole(
    "representatives_min", N_("Representatives present: fewest in a small village"), Unit.PEOPLE, 20, 1, 500, _plan
)
REPRESENTATIVES_MIN_LARGE = whole(
    "representatives_min_large",
    N_("Representatives present: fewest in a large village"),
    Unit.PEOPLE,
    30,
    1,
    500,
    _plan,
)
IDENTIFICATION_NOTICE_DAYS = whole(
    "notice_days", N_("Village notice of the list: fewest days"), Unit.DAYS, 7, 1, 60, _plan
)

# ---- pairing (结对帮扶): the township's plan ----
_pairing = Facts(Level.TOWNSHIP, PAIRING, SOURCE_PLAN)
LEADER_QUOTA = whole(
    "leader_quota", N_("Households each leader pairs with, at least"), Unit.HOUSEHOLDS, 3, 1, 50, _pairing
)
CADRE_QUOTA = whole(
    "cadre_quota", N_("Households each cadre pairs with, at least"), Unit.HOUSEHOLDS, 1, 1, 50, _pairing
)
QUOTA_MAXIMUM = optional_whole(
    "quota_maximum",
    N_("Households per cadre, at most"),
    Unit.HOUSEHOLDS,
    1,
    100,
    Facts(Level.TOWNSHIP, PAIRING, BANGFU_START),
)

# ---- visits and follow-ups (走访, 回访): local norms, visit every 1-2 months, monitored households monthly ----
_visits = Facts(Level.TOWNSHIP, VISITS, LOCAL_PRACTICE)
UNVISITED_ALERT_DAYS = whole(
    "unvisited_alert_days", N_("A household counts as not visited after"), Unit.DAYS, 60, 1, 365, _visits
)
FOLLOW_UP_DAYS = whole("follow_up_days", N_("Next visit due after"), Unit.DAYS, 60, 1, 365, _visits)
MONITORED_FOLLOW_UP_DAYS = whole(
    "monitored_follow_up_days", N_("Next visit of a monitored household due after"), Unit.DAYS, 30, 1, 365, _visits
)
MEASURE_CHECK_DAYS = whole(
    "measure_check_days", N_("A measure that paid money is checked after"), Unit.DAYS, 30, 1, 365, _visits
)

# ---- monitoring (防返贫监测) and the return-to-poverty rate ----
_guidance = Facts(Level.COUNTY, MONITORING, MONITORING_GUIDANCE, 2021)
MONITORING_NOTICE_DAYS = whole(
    "monitoring_notice_days", N_("Village notice of a risk: fewest days"), Unit.DAYS, 5, 1, 60, _guidance
)
IDENTIFY_TARGET_DAYS = whole("identify_target_days", N_("A risk is confirmed within"), Unit.DAYS, 15, 1, 365, _guidance)
MEASURE_TARGET_DAYS = whole(
    "measure_target_days", N_("A risk gets its first measure within"), Unit.DAYS, 15, 1, 365, _guidance
)
MONITORING_MARGIN_PERCENT = whole(
    "monitoring_margin_percent",
    N_("Near the monitoring line: within this much above it"),
    Unit.PERCENT,
    10,
    0,
    100,
    Facts(Level.TOWNSHIP, MONITORING, BANGFU_START),
)
RETURN_RATE_CAP_PERCENT: Rule[Decimal] = Rule(
    "return_rate_cap_percent",
    N_("Return-to-poverty rate, at most"),
    Unit.PERCENT,
    Decimal("3.5"),
    Level.COUNTY,
    MONITORING,
    SOURCE_PLAN,
    None,
    low=Decimal("0.1"),
    high=Decimal(100),
    decimals=1,
)

# ---- jobs: working ages, placement checks, the minimum wage ----
_labour = Facts(Level.COUNTY, JOBS, LABOUR_RULES)
_checks = Facts(Level.COUNTY, JOBS, LOCAL_PRACTICE)
WORKING_AGE_MIN = whole("working_age_min", N_("Working age from"), Unit.AGE, 16, 14, 30, _labour)
WORKING_AGE_MAX = whole("working_age_max", N_("Working age up to"), Unit.AGE, 60, 40, 80, _labour)
FIRST_CHECK_MONTHS = whole("placement_check_1", N_("First check of a placement after"), Unit.MONTHS, 1, 1, 36, _checks)
SECOND_CHECK_MONTHS = whole(
    "placement_check_2", N_("Second check of a placement after"), Unit.MONTHS, 3, 1, 36, _checks
)
THIRD_CHECK_MONTHS = whole("placement_check_3", N_("Third check of a placement after"), Unit.MONTHS, 6, 1, 36, _checks)
MINIMUM_MONTHLY_WAGE = whole(
    "minimum_monthly_wage",
    N_("Minimum monthly wage of job posts"),
    Unit.YUAN_PER_MONTH,
    1900,
    0,
    100_000,
    Facts(Level.COUNTY, JOBS, BANGFU_START),
)

RULES: tuple[Rule[Any], ...] = (
    POVERTY_LINE,
    POVERTY_LINE_CONSTANT,
    MONITORING_LINE,
    KEY_INCIDENCE_PERCENT,
    OTHER_INCIDENCE_PERCENT,
    LARGE_VILLAGE,
    SURVEY_TEAM_MIN,
    SURVEY_TEAM_MAX,
    SURVEY_TEAM_MIN_LARGE,
    REPRESENTATIVES_MIN,
    REPRESENTATIVES_MIN_LARGE,
    IDENTIFICATION_NOTICE_DAYS,
    LEADER_QUOTA,
    CADRE_QUOTA,
    QUOTA_MAXIMUM,
    UNVISITED_ALERT_DAYS,
    FOLLOW_UP_DAYS,
    MONITORED_FOLLOW_UP_DAYS,
    MEASURE_CHECK_DAYS,
    MONITORING_NOTICE_DAYS,
    IDENTIFY_TARGET_DAYS,
    MEASURE_TARGET_DAYS,
    MONITORING_MARGIN_PERCENT,
    RETURN_RATE_CAP_PERCENT,
    WORKING_AGE_MIN,
    WORKING_AGE_MAX,
    FIRST_CHECK_MONTHS,
    SECOND_CHECK_MONTHS,
    THIRD_CHECK_MONTHS,
    MINIMUM_MONTHLY_WAGE,
)
BY_KEY: dict[str, Rule[Any]] = {rule.key: rule for rule in RULES}
assert len(BY_KEY) == len(RULES), "two rules share a key"

# Its events in the audit trail (server.policy.recording) as the audit page reads them: the rule and its values.
TRAIL = TrailFields(
    actions=("policy_value_recorded",),
    labels={
        "rule": N_("Rule"),
        **{rule.key: rule.label for rule in RULES},
        "effective_from": N_("Takes effect on"),
        "source": N_("Source"),
    },
    codes={"rule": CodeList(*((rule.key, rule.label) for rule in RULES))},
)


@dataclass(frozen=True)
class Order:
    """Two rules whose values must keep an order wherever they hold: `lower` <= `higher` (or < when `strict`)."""

    lower: Rule[Any]
    higher: Rule[Any]
    message: str  # msgid, shown on the field of the rule being recorded
    strict: bool = False


ORDERS: tuple[Order, ...] = (
    Order(POVERTY_LINE, MONITORING_LINE, N_("The monitoring line cannot be below the poverty line.")),
    Order(LEADER_QUOTA, QUOTA_MAXIMUM, N_("The maximum cannot be below the leaders' or cadres' minimum.")),
    Order(CADRE_QUOTA, QUOTA_MAXIMUM, N_("The maximum cannot be below the leaders' or cadres' minimum.")),
    Order(
        MONITORED_FOLLOW_UP_DAYS,
        FOLLOW_UP_DAYS,
        N_("Monitored households are visited at least as often as others."),
    ),
    Order(SURVEY_TEAM_MIN, SURVEY_TEAM_MAX, N_("The largest team cannot be smaller than the smallest.")),
    Order(SURVEY_TEAM_MIN_LARGE, SURVEY_TEAM_MAX, N_("The largest team cannot be smaller than the smallest.")),
    Order(
        REPRESENTATIVES_MIN,
        REPRESENTATIVES_MIN_LARGE,
        N_("A large village cannot need fewer representatives than a small one."),
    ),
    Order(WORKING_AGE_MIN, WORKING_AGE_MAX, N_("The working age must end after it starts."), strict=True),
    Order(
        FIRST_CHECK_MONTHS,
        SECOND_CHECK_MONTHS,
        N_("Each check of a placement comes after the one before."),
        strict=True,
    ),
    Order(
        SECOND_CHECK_MONTHS,
        THIRD_CHECK_MONTHS,
        N_("Each check of a placement comes after the one before."),
        strict=True,
    ),
)
AREAS = (LINES, IDENTIFICATION, PAIRING, VISITS, MONITORING, JOBS)
