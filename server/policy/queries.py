"""Reading the value of a rule in force for a place on a day (one SQL lookup, `policy_value_id`), and recording one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from server.clock import LOCAL_TODAY_SQL, today
from server.policy.places import Place
from server.policy.registry import BY_KEY, Level, Rule
from server.policy.tables import PolicyValue

T = TypeVar("T")
NOTHING = -1  # an id no row has


def _literal(rule: Rule[Any]) -> str:
    """The registry default as an SQL literal (a number from code, never user input)."""
    return "NULL::numeric" if rule.default is None else f"{Decimal(rule.default)}::numeric"


def sql(rule: Rule[Any], township: str, on: str = LOCAL_TODAY_SQL) -> str:
    """The value of `rule` in force in a township, as an SQL expression for raw queries.

    `township` and `on` are SQL expressions: a column (`"t.id"`), or `"{}"` for an argument of the query. Whole
    numbers come as integer, so they can go straight into `make_interval(days => ...)` or a comparison."""
    cast = "::int" if rule.decimals == 0 else ""
    return f"{stored_sql(rule, township, on)}{cast}"


def stored_sql(rule: Rule[Any], township: str, on: str = LOCAL_TODAY_SQL) -> str:
    """The same value as stored (numeric, as `values` reads it): for `converted_sql`."""
    yearly = "true" if rule.yearly else "false"
    return f"policy_value('{rule.key}', {township}, NULL, NULL, {on}, {yearly}, {_literal(rule)})"


def converted_sql(rule: Rule[Any], stored: str) -> str:
    """A stored value (`stored`, an SQL expression: a column, as it is repeated) as `Rule.convert` gives it to Python:
    a whole number cut to its integer part (`int()`), others rounded to the rule's decimals with halves to the even
    digit (Decimal's default context), so that a statement judges by the very figure a page states."""
    if rule.decimals == 0:
        return f"trunc({stored})::int"
    scaled, places = f"{stored} * {10**rule.decimals}", rule.decimals
    return (
        f"CASE WHEN abs(mod({scaled}, 1)) = 0.5 AND mod(trunc({scaled}), 2) = 0 THEN trunc({stored}, {places})"
        f" ELSE round({stored}, {places}) END"
    )


def county_sql(rule: Rule[Any], county: str, on: str = LOCAL_TODAY_SQL) -> str:
    """The same for a county (its own value, else its city's or province's), as `county_value` reads it."""
    cast = "::int" if rule.decimals == 0 else ""
    yearly = "true" if rule.yearly else "false"
    return f"policy_value('{rule.key}', NULL, {county}, NULL, {on}, {yearly}, {_literal(rule)}){cast}"


# The values of some rules that can hold in some townships, each with the place's rank on the chain township (0),
# county (1), city (2), province (3): what `policy_value_id` looks through, read once for a statement that needs a
# rule on many days (a row each) instead of a function call per row. `held_sql` picks from it as the function does.
_HELD = """
SELECT t.id AS township, v.id, v.rule, v.value, v.effective_from,
       CASE WHEN v.township IS NOT NULL THEN 0 WHEN v.county IS NOT NULL THEN 1 WHEN v.region = c.region THEN 2
            ELSE 3 END AS rank
FROM township t LEFT JOIN county c ON c.id = t.county LEFT JOIN region r ON r.id = c.region
JOIN policy_value v ON v.rule IN ({keys})
 AND (v.township = t.id OR v.county = t.county OR v.region = c.region OR v.region = r.parent)
WHERE t.id IN ({townships})"""


def held_values_sql(rules: Sequence[Rule[Any]], townships: str) -> str:
    """The values of `rules` recorded at the places of the townships `townships` (an SQL query of township ids) or
    above them: the body of a CTE for `held_sql`."""
    return _HELD.format(keys=", ".join(f"'{rule.key}'" for rule in rules), townships=townships)


def held_sql(rule: Rule[Any], held: str, township: str, on: str) -> str:
    """The value of `rule` in force in a township on a day, picked from `held` (a CTE of `held_values_sql`): the same
    value as `sql(rule, township, on)` (the nearest place first, then the latest to take effect by that day; no value:
    the registry default, while a value recorded empty stays empty, hence the one-element array)."""
    yearly = f" AND p.effective_from >= date_trunc('year', {on})::date" if rule.yearly else ""
    cast = "::int" if rule.decimals == 0 else ""
    return (
        f"(coalesce((SELECT ARRAY[p.value] FROM {held} p WHERE p.township = {township} AND p.rule = '{rule.key}'"
        f" AND p.effective_from <= {on}{yearly} ORDER BY p.rank, p.effective_from DESC, p.id DESC LIMIT 1),"
        f" ARRAY[{_literal(rule)}]))[1]{cast}"
    )


async def value(rule: Rule[T], township_id: int | None, on: date | None = None) -> T:
    """The value of `rule` in force in the township on `on` (today by default); a yearly rule: that day's year."""
    rows = await PolicyValue.raw(
        f"SELECT {sql(rule, '{}', '{}::date')} AS value", township_id or NOTHING, on or today()
    )
    return rule.convert(rows[0]["value"])


async def county_value(rule: Rule[T], county_id: int | None, on: date | None = None) -> T:
    """The same for a county (its own value, else its city's or province's): rules owned by the county or above."""
    rows = await PolicyValue.raw(
        "SELECT policy_value({}, NULL, {}, NULL, {}::date, {}, {}) AS value",
        rule.key,
        county_id or NOTHING,
        on or today(),
        rule.yearly,
        rule.default,
    )
    return rule.convert(rows[0]["value"])


async def county_values(rules: Sequence[Rule[Any]], county_id: int | None, on: date | None = None) -> list[Any]:
    """Each of `rules` in force in the county on `on`, in the order given, in one query."""
    rows = await PolicyValue.raw(
        "SELECT policy_value(r.key, NULL, {}, NULL, {}::date, r.yearly, r.fallback) AS value"
        " FROM unnest({}::text[], {}::bool[], {}::numeric[]) WITH ORDINALITY r(key, yearly, fallback, n) ORDER BY r.n",
        county_id or NOTHING,
        on or today(),
        [rule.key for rule in rules],
        [rule.yearly for rule in rules],
        [rule.default for rule in rules],
    )
    return [rule.convert(row["value"]) for rule, row in zip(rules, rows, strict=True)]


class Values:
    """Several rules for several townships, read at once: `values.get(LEADER_QUOTA, township_id)`."""

    def __init__(self, raw: dict[tuple[str, int], Decimal | None]) -> None:
        self._raw = raw

    def get(self, rule: Rule[T], township_id: int | None) -> T:
        key = (rule.key, township_id or NOTHING)
        return rule.convert(self._raw[key]) if key in self._raw else rule.default


async def values(rules: Sequence[Rule[Any]], township_ids: Iterable[int | None], on: date | None = None) -> Values:
    """Each of `rules` in force in each township on `on`, in one query (a page that states several rules)."""
    ids = list({township or NOTHING for township in township_ids})
    rows = await PolicyValue.raw(
        "SELECT r.key, t.id AS township,"
        " policy_value(r.key, t.id, NULL, NULL, {}::date, r.yearly, r.fallback) AS value FROM unnest({}::int[]) t(id)"
        " CROSS JOIN unnest({}::text[], {}::bool[], {}::numeric[]) r(key, yearly, fallback)",
        on or today(),
        ids,
        [rule.key for rule in rules],
        [rule.yearly for rule in rules],
        [rule.default for rule in rules],
    )
    return Values({(row["key"], row["township"]): row["value"] for row in rows})


@dataclass(frozen=True)
class InForce:
    """A rule as it holds at a place: its value, and where that value comes from (None: the registry default)."""

    rule: Rule[Any]
    value: Any
    since: date | None = None
    source: str = ""
    level: Level | None = None  # the level of the place that recorded it
    place_name: str = ""
    recorded_by: str = ""
    recorded_at: datetime | None = None

    @property
    def is_default(self) -> bool:
        return self.since is None


_IN_FORCE = """
SELECT d.day, r.key, v.value, v.effective_from, v.source, v.recorded_at, u.display_name AS recorded_by,
       CASE WHEN v.township IS NOT NULL THEN 0 WHEN v.county IS NOT NULL THEN 1
            WHEN rg.level = 'city' THEN 2 ELSE 3 END AS level,
       coalesce(t.name, c.name, rg.name) AS place_name
FROM unnest({}::date[]) d(day) CROSS JOIN unnest({}::text[], {}::bool[]) WITH ORDINALITY r(key, yearly, n)
LEFT JOIN policy_value v ON v.id = policy_value_id(r.key, {}, {}, {}, d.day, r.yearly)
LEFT JOIN township t ON t.id = v.township LEFT JOIN county c ON c.id = v.county LEFT JOIN region rg ON rg.id = v.region
LEFT JOIN app_user u ON u.id = v.recorded_by
ORDER BY d.day, r.n
"""


async def in_force(rules: Sequence[Rule[Any]], place: Place, on: date | None = None) -> list[InForce]:
    """Each rule as it holds at `place` on `on`, with its source: one query (the rules page)."""
    day = on or today()
    return (await in_force_on_days(rules, place, [day]))[day]


async def in_township(rules: Sequence[Rule[Any]], township_id: int | None, on: date | None = None) -> list[InForce]:
    """`in_force` for a township by its id (a page of another area that lists some rules with their source)."""
    return await in_force(rules, Place(Level.TOWNSHIP, township_id or NOTHING, ""), on)


async def in_force_on_days(rules: Sequence[Rule[Any]], place: Place, days: Sequence[date]) -> dict[date, list[InForce]]:
    """The same on several days at once (the lines of several years): one query."""
    rows = await PolicyValue.raw(
        _IN_FORCE, list(days), [r.key for r in rules], [r.yearly for r in rules], *place.lookup_args()
    )
    found: dict[date, list[InForce]] = {day: [] for day in days}
    for row in rows:
        found[row["day"]].append(_in_force(row))
    return found


def _in_force(row: dict[str, Any]) -> InForce:
    rule = BY_KEY[row["key"]]
    if row["effective_from"] is None:
        return InForce(rule, rule.default)
    return InForce(
        rule,
        rule.convert(row["value"]),
        since=row["effective_from"],
        source=row["source"],
        level=Level(row["level"]),
        place_name=row["place_name"] or "",
        recorded_by=row["recorded_by"] or "",
        recorded_at=row["recorded_at"],
    )


@dataclass(frozen=True)
class Recorded:
    """One value recorded at a place: a line of a rule's history."""

    id: int
    value: Any
    effective_from: date
    source: str
    recorded_by: str
    recorded_at: datetime


async def history(rule: Rule[Any], place: Place, limit: int = 100) -> list[Recorded]:
    """Every value recorded for `rule` at `place`, the latest to take effect first."""
    rows = await PolicyValue.raw(
        f"SELECT v.id, v.value, v.effective_from, v.source, v.recorded_at, coalesce(u.display_name, '') AS recorded_by"
        f" FROM policy_value v LEFT JOIN app_user u ON u.id = v.recorded_by"
        f" WHERE v.rule = {{}} AND v.{place.column} = {{}} ORDER BY v.effective_from DESC, v.id DESC LIMIT {{}}",
        rule.key,
        place.id,
        limit,
    )
    return [
        Recorded(
            row["id"],
            rule.convert(row["value"]),
            row["effective_from"],
            row["source"],
            row["recorded_by"],
            row["recorded_at"],
        )
        for row in rows
    ]


async def value_at(rule: Rule[T], place: Place, on: date) -> T:
    """The value in force at `place` itself (its own, else from the places above it) on `on`."""
    rows = await PolicyValue.raw(
        "SELECT policy_value({}, {}, {}, {}, {}::date, {}, {}) AS value",
        rule.key,
        *place.lookup_args(),
        on,
        rule.yearly,
        rule.default,
    )
    return rule.convert(rows[0]["value"])
