"""The identification rules as numbers, with the source plan's defaults; each township may change its own.

The defaults below are the only place these numbers are written in code. A township's own values live in its
`identification_settings` row (created with these defaults), which the township admin edits on the settings page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    survey_team_min: int = 2  # 入户调查组: each village 2-5 people ...
    survey_team_max: int = 5
    survey_team_min_large: int = 3  # ... and at least 3 in a village of over 1000 people
    representatives_min: int = 20  # 民主评议: at least 20 representatives in a village under 1000 people ...
    representatives_min_large: int = 30  # ... and at least 30 at 1000 or more
    notice_days: int = 7  # 公示: usually 7 days, counting the first and the last day
    key_incidence_percent: int = 50  # scale guidance: about 50% incidence in key poor villages ...
    other_incidence_percent: int = 5  # ... and about 5% elsewhere (a guide, never a cap)

    def survey_team_minimum(self, population: int) -> int:
        return self.survey_team_min_large if population > LARGE_VILLAGE else self.survey_team_min

    def representatives_minimum(self, population: int) -> int:
        return self.representatives_min_large if population >= LARGE_VILLAGE else self.representatives_min

    def incidence_percent(self, key_level: str) -> int:
        return self.key_incidence_percent if key_level else self.other_incidence_percent


# The source's dividing line between small and large villages (people). For the survey team the source says
# "1000人以上" (over 1000); for the representatives the brief reads "1000 or more": hence > and >= above.
LARGE_VILLAGE = 1000

DEFAULT_RULES = Rules()
RULE_FIELDS = tuple(Rules.__dataclass_fields__)
