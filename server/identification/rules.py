"""The identification rules as one typed value, read from the policy values of the township (server/policy).

The numbers and their defaults (the source plan's) live in server/policy/registry.py; the township admin changes them
on the rules pages (/policy), each from a stated day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server import policy
from server.policy.registry import (
    IDENTIFICATION_NOTICE_DAYS,
    KEY_INCIDENCE_PERCENT,
    LARGE_VILLAGE,
    OTHER_INCIDENCE_PERCENT,
    REPRESENTATIVES_MIN,
    REPRESENTATIVES_MIN_LARGE,
    SURVEY_TEAM_MAX,
    SURVEY_TEAM_MIN,
    SURVEY_TEAM_MIN_LARGE,
)


@dataclass(frozen=True)
class Rules:
    survey_team_min: int = SURVEY_TEAM_MIN.default  # 入户调查组: each village 2-5 people ...
    survey_team_max: int = SURVEY_TEAM_MAX.default
    survey_team_min_large: int = SURVEY_TEAM_MIN_LARGE.default  # ... and at least 3 in a village of over 1000 people
    representatives_min: int = REPRESENTATIVES_MIN.default  # 民主评议: at least 20 in a village under 1000 people ...
    representatives_min_large: int = REPRESENTATIVES_MIN_LARGE.default  # ... and at least 30 at 1000 or more
    notice_days: int = IDENTIFICATION_NOTICE_DAYS.default  # 公示: counting the first and the last day
    key_incidence_percent: int = KEY_INCIDENCE_PERCENT.default  # scale guidance in key poor villages ...
    other_incidence_percent: int = OTHER_INCIDENCE_PERCENT.default  # ... and elsewhere (a guide, never a cap)
    large_village: int = LARGE_VILLAGE.default  # people: the dividing line between small and large villages

    # For the survey team the source says "1000人以上" (over 1000); for the representatives the brief reads
    # "1000 or more": hence > and >= below.
    def survey_team_minimum(self, population: int) -> int:
        return self.survey_team_min_large if population > self.large_village else self.survey_team_min

    def representatives_minimum(self, population: int) -> int:
        return self.representatives_min_large if population >= self.large_village else self.representatives_min

    def incidence_percent(self, key_level: str) -> int:
        return self.key_incidence_percent if key_level else self.other_incidence_percent


DEFAULT_RULES = Rules()
POLICY_RULES = {
    "survey_team_min": SURVEY_TEAM_MIN,
    "survey_team_max": SURVEY_TEAM_MAX,
    "survey_team_min_large": SURVEY_TEAM_MIN_LARGE,
    "representatives_min": REPRESENTATIVES_MIN,
    "representatives_min_large": REPRESENTATIVES_MIN_LARGE,
    "notice_days": IDENTIFICATION_NOTICE_DAYS,
    "key_incidence_percent": KEY_INCIDENCE_PERCENT,
    "other_incidence_percent": OTHER_INCIDENCE_PERCENT,
    "large_village": LARGE_VILLAGE,
}


async def township_rules(township_id: int | None, on: date | None = None) -> Rules:
    """The township's identification rules in force on `on` (today by default): one query."""
    held = await policy.values(list(POLICY_RULES.values()), [township_id], on)
    return Rules(**{name: held.get(rule, township_id) for name, rule in POLICY_RULES.items()})
