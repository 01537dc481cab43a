"""Which households are in the register: every household but a family whose application is still being decided.

A new family's application (server/identification/applying.py) creates its household at once, with status 'none';
it joins the register when the identification's last step registers it, or stays out of it until struck out.
"""

from __future__ import annotations

from piccolo.columns.combination import WhereRaw

_APPLICANT = (
    "({a}.status = 'none' AND {a}.monitoring_type IS NULL AND EXISTS (SELECT 1 FROM identification_application ia"
    " WHERE ia.household = {a}.id AND ia.state NOT IN ('registered', 'struck_out')))"
)


def in_register_sql(alias: str = "h") -> str:
    """SQL on household `alias`: it is in the register (not an applicant waiting for the decision)."""
    return f"NOT {_APPLICANT.format(a=alias)}"


def in_register() -> WhereRaw:
    """The same rule as a Piccolo condition on Household."""
    return WhereRaw(in_register_sql('"household"'))
