"""Policy numbers are data: every number of the rules, owned by the office that sets it, read by date.

A rule is a number the policy sets — the poverty line of a year, the 3.5% return-to-poverty cap, the 5-day notice, a
leader's 3 households — never a constant in code or a fixed number in a template.

The parts:
- `registry.py` lists every rule once (`Rule`): its key, label, unit, limits, default with the source and year of
  that default, and the level that owns it (province, city, county, township). Yearly rules (the lines) hold one value
  per calendar year; the others hold from the day a value takes effect until the next one.
- `tables.py`: `PolicyValue` rows, each with the place it belongs to (a province or city, a county, a township), the
  day it takes effect, its source text and who recorded it. Rows are never changed or deleted (a trigger refuses):
  a change is a new row, so a figure of an earlier day is computed with the numbers that held that day.
- The lookup is one SQL function, `policy_value_id` (migrations/bangfu_2026_12_04t19_00_10_000000.py): the nearest
  place on the chain township → county → city → province that recorded a value, then the latest value that took
  effect on or before the day. No value anywhere: the registry default.
- `recording.py`: who records what (the township admin its township's rules, the county office every rule owned by
  the county or above — there are no city or province accounts), the order two rules must keep (a monitoring line
  not below the poverty line), and the audit event, in one transaction. `controller.py`: the /policy pages.

Reading a rule (any area):

    from server import policy
    from server.policy.registry import MONITORING_NOTICE_DAYS, LEADER_QUOTA, CADRE_QUOTA

    days = await policy.value(MONITORING_NOTICE_DAYS, township_id, on=case_found_on)   # an int
    held = await policy.values([LEADER_QUOTA, CADRE_QUOTA], township_ids)            # one query for many
    held.get(LEADER_QUOTA, township_id)
    f"... make_interval(days => {policy.sql(UNVISITED_ALERT_DAYS, 't.id')}) ..."      # inside a raw query

Pass the day the figure is about (a case's found day, a year's last day, a visit's day), not today, wherever the
figure describes the past: that is what keeps earlier figures as they were. `policy.county_value` reads a county's.
A template that states a rule gets its value from the handler's context; it never writes the number itself.

Adding a rule: append a `Rule` to `registry.py` (a new key, its label as an English msgid translated in the .po
catalogs, unit, limits, default, source, year, owner, area) and to `RULES`; add an `Order` when it must keep an order
with another rule. No migration is needed: values are rows, and the /policy pages list every rule of the registry.
Never rename a key that has values recorded; never change a default that figures already used without recording the
old one as a value where it held.
"""

from server.policy.queries import (
    converted_sql,
    county_sql,
    county_value,
    county_values,
    held_sql,
    held_values_sql,
    in_township,
    sql,
    stored_sql,
    value,
    values,
)
from server.policy.registry import number_text

__all__ = [
    "converted_sql",
    "county_sql",
    "county_value",
    "county_values",
    "held_sql",
    "held_values_sql",
    "in_township",
    "number_text",
    "sql",
    "stored_sql",
    "value",
    "values",
]
