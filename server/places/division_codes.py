"""Statistical division codes (统计用区划代码): 12 digits, province 2, city 2, county 2, township 3, village 3.

A place's code starts with its parent's digits and fills its own part with something other than zeros; the parts
below it are zeros (平邑县 371326000000, 临涧镇 371326105000, 双河村 371326105001).
"""

from __future__ import annotations

import re

from server.i18n import N_, gettext

LEVELS = ("province", "city", "county", "township", "village")
# How many leading digits each level owns.
DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}

_TWELVE_DIGITS = re.compile(r"^[0-9]{12}$")


def code_problem(code: str, level: str, parent_code: str | None = None) -> str | None:
    """Why `code` is not a valid code of `level` under `parent_code` (a msgid), or None."""
    if not _TWELVE_DIGITS.match(code):
        return N_("A division code has exactly 12 digits.")
    own = DIGITS[level]
    above = DIGITS[LEVELS[LEVELS.index(level) - 1]] if level != "province" else 0
    if set(code[above:own]) == {"0"} or set(code[own:]) - {"0"}:
        return N_("This is not a code of this level: its own digits must not all be 0, the digits after them must.")
    if parent_code is not None and code[:above] != parent_code[:above]:
        # translated now: it carries the digits
        return gettext(
            N_("The code must start with the digits of the place it belongs to (%(prefix)s)."),
            prefix=parent_code[:above],
        )
    return None
