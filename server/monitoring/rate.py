"""The return-to-poverty rate (返贫率) per village and for the township, per township and for the county, and the
households behind each number (for the township's own staff only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.policy.registry import RETURN_RATE_CAP_PERCENT
from server.scope import household_scope_sql
from server.standby import from_standby

LIFTED = ("out_supported", "out_unsupported", "returned")  # every household that was once lifted out
RETURNED = "returned"


@dataclass(frozen=True)
class Rate:
    """A rate against the cap in force for its place on the figure's day (a policy value, 3.5% by default).

    Its figures are worked out once, when it is made: a page's cell, bar and tag read them about ten times. (As
    `cached_property`s, each first read took that descriptor's lock in Python 3.11: half of the rate lines' time.)"""

    id: int | None  # the village, None for the township
    name: str
    lifted: int
    returned: int
    cap: Decimal = RETURN_RATE_CAP_PERCENT.default
    lifted_people: int = 0  # the same two counts in people (members of those households), as the policy counts too
    returned_people: int = 0
    percent: Decimal | None = field(init=False)
    people_percent: Decimal | None = field(init=False)
    over_cap: bool = field(init=False)
    bar_width: Decimal = field(init=False)  # the rate on a 0..100 scale where 100 is twice the cap (in the middle)

    def __post_init__(self) -> None:
        # (a frozen dataclass's own figures, set once here)
        percent = _percent(self.returned, self.lifted)
        object.__setattr__(self, "percent", percent)
        object.__setattr__(self, "people_percent", _percent(self.returned_people, self.lifted_people))
        object.__setattr__(self, "over_cap", percent is not None and percent > self.cap)
        object.__setattr__(self, "bar_width", min(_FULL, (percent or _NONE) * 50 / self.cap).quantize(_TENTH))


_FULL, _NONE, _TENTH, _HUNDREDTH = Decimal(100), Decimal(0), Decimal("0.1"), Decimal("0.01")


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


CAP_MARK = 50  # where the cap sits on the bar: the bar's full width is twice the cap

# From the township, so that its name and cap come even without villages; only the households ever lifted out are
# counted (and their members): the others count in no figure here. The statuses are written into the statement (as
# arguments, PostgreSQL planned every run anew instead of keeping the prepared statement's plan). The cap is looked
# up once, with the township (OFFSET 0 keeps it there: in the groups' select list it was a `policy_value` call per
# village). Each village's households are counted from the index of the lifted households (`household_lifted`), village
# by village, as the county's figures are: joined to the villages, the township demo's 679 lifted households were read
# from `household`'s wide rows (0.60-0.65 → 0.20-0.30 ms of backend CPU). Grouped by village (the rate page), or the
# township's figures alone (the overview: one row to read instead of a row a village).
_LIFTED_SQL = ", ".join(f"'{status}'" for status in LIFTED)


def _village_counts(condition: str = "") -> str:
    """Each village `vl`'s lifted households counted (`h`), the households matching `condition` too."""
    return f"""LEFT JOIN LATERAL (
    SELECT count(*) AS lifted, count(*) FILTER (WHERE h.status = '{RETURNED}') AS returned,
           sum(h.member_count) AS lifted_people,
           sum(h.member_count) FILTER (WHERE h.status = '{RETURNED}') AS returned_people
    FROM household h WHERE h.village = vl.id AND h.status IN ({_LIFTED_SQL}){condition}
) h ON TRUE"""


_SUMS = """coalesce(sum(h.lifted), 0) AS lifted, coalesce(sum(h.returned), 0) AS returned,
       coalesce(sum(h.lifted_people), 0) AS lifted_people, coalesce(sum(h.returned_people), 0) AS returned_people"""


def _township_rates(by_village: bool) -> str:
    village, villages = ("vl.id, vl.name, vl.code, ", ", vl.id, vl.name, vl.code") if by_village else ("", "")
    return f"""
SELECT t.township_name, t.cap, {village}
       {_SUMS}
FROM (
    SELECT t.id, c.name || ' ' || t.name AS township_name,
           {policy.sql(RETURN_RATE_CAP_PERCENT, "t.id", "{}::date")} AS cap
    FROM township t JOIN county c ON c.id = t.county WHERE t.id = {{}} OFFSET 0
) t
LEFT JOIN village vl ON vl.township = t.id
{_village_counts(" AND {}")}
GROUP BY t.id, t.township_name, t.cap{villages}
"""


_RATES, _TOWNSHIP_RATE = _township_rates(by_village=True), _township_rates(by_village=False)
_COUNT_FIELDS = ("lifted", "returned", "lifted_people", "returned_people")
# The rates a record each (a statement reads them with more: the rate page with the years, `yearly.rate_page`), the
# villages in their own order (no ranking).
_RATE_FIELDS = ("township_name", "cap", "id", "name", *_COUNT_FIELDS)
_RATE_RECORDS = f"SELECT ROW({', '.join(f'r.{name}' for name in _RATE_FIELDS)}) FROM ({_RATES}) r ORDER BY r.code"


def return_rates_query(user: CurrentUser, on: date) -> QueryString:
    """The township's rate (named with its county) and each village's against the cap in force on `on`, as records
    for `return_rates_of`: one a village (one without a village for a township without any; none for no township)."""
    return QueryString(_RATE_RECORDS, on, user.township_id or -1, household_scope_sql(user, "h"))


async def return_rates_of(user: CurrentUser, on: date, records: list[tuple[Any, ...]]) -> tuple[Rate, list[Rate]]:
    """The township's rate and each village's from `return_rates_query`'s records."""
    if not records:  # no such township
        return _whole_and_parts("", [], {}, await policy.value(RETURN_RATE_CAP_PERCENT, user.township_id or -1, on))
    rows = [dict(zip(_RATE_FIELDS, record, strict=True)) for record in records]
    cap = RETURN_RATE_CAP_PERCENT.convert(rows[0]["cap"])
    villages = [row for row in rows if row["id"] is not None]
    return _whole_and_parts(rows[0]["township_name"], villages, {row["id"]: cap for row in villages}, cap)


_TOWNSHIP_RATE_FIELDS = ("township_name", "cap", *_COUNT_FIELDS)
_TOWNSHIP_RATE_RECORD = (
    f"SELECT ROW({', '.join(f'tr.{name}' for name in _TOWNSHIP_RATE_FIELDS)}) FROM ({_TOWNSHIP_RATE}) tr"
)


def township_rate_query(user: CurrentUser, on: date) -> QueryString:
    """The township's rate alone, as `return_rates_query` gives it (its figures counted over the township at once), as a
    record of `_TOWNSHIP_RATE_FIELDS` (none for no such township), for a statement that reads it with more (the
    overview: `queries.overview`)."""
    return QueryString(_TOWNSHIP_RATE_RECORD, on, user.township_id or -1, household_scope_sql(user, "h"))


async def township_rate_of(user: CurrentUser, on: date, record: tuple[Any, ...] | None) -> Rate:
    """The township's `Rate` from `township_rate_query`'s record."""
    if record is None:  # no such township
        return Rate(None, "", 0, 0, await policy.value(RETURN_RATE_CAP_PERCENT, user.township_id or -1, on))
    row = dict(zip(_TOWNSHIP_RATE_FIELDS, record, strict=True))
    return Rate(
        None,
        row["township_name"],
        int(row["lifted"]),
        int(row["returned"]),
        RETURN_RATE_CAP_PERCENT.convert(row["cap"]),
        int(row["lifted_people"]),
        int(row["returned_people"]),
    )


# Only the households ever lifted out are read (and their members counted): the others count in no figure here. The
# statuses are written into the statement, as for a township's. Each township's cap is looked up once, with the
# township (OFFSET 0), the county's once for the statement (a subquery that refers to no row). Each village's
# households are counted from the index of the lifted households (`household_lifted`, by village, with their status
# and member count: migration monitoring_2026_12_06t09_30_00), village by village: joined to the villages, the
# county demo's 34,530 lifted households were read from `household`'s wide rows (46-48 → 6 ms of backend CPU).
_COUNTY_RATES = f"""
SELECT t.id, t.name, t.cap, (SELECT {policy.county_sql(RETURN_RATE_CAP_PERCENT, "{}", "{}::date")}) AS county_cap,
       {_SUMS}
FROM (
    SELECT t.id, t.name, t.code, {policy.sql(RETURN_RATE_CAP_PERCENT, "t.id", "{}::date")} AS cap
    FROM township t WHERE t.county = {{}} OFFSET 0
) t
LEFT JOIN village vl ON vl.township = t.id
{_village_counts()}
GROUP BY t.id, t.name, t.code, t.cap ORDER BY t.code
"""


@from_standby
async def county_return_rates(county_id: int | None, county_name: str, on: date) -> tuple[Rate, list[Rate]]:
    """The county's rate and each township's (figures only, for the county office), each against its cap on `on`,
    in one query."""
    county = county_id or -1
    rows = await Household.raw(_COUNTY_RATES, county, on, on, county)
    if not rows:  # a county without townships
        return _whole_and_parts(county_name, [], {}, await policy.county_value(RETURN_RATE_CAP_PERCENT, county, on))
    caps = {row["id"]: RETURN_RATE_CAP_PERCENT.convert(row["cap"]) for row in rows}
    return _whole_and_parts(county_name, rows, caps, RETURN_RATE_CAP_PERCENT.convert(rows[0]["county_cap"]))


def _whole_and_parts(
    name: str, rows: list[dict[str, Any]], caps: dict[int, Decimal], whole_cap: Decimal
) -> tuple[Rate, list[Rate]]:
    parts = [
        Rate(
            row["id"],
            row["name"],
            int(row["lifted"]),
            int(row["returned"]),
            caps[row["id"]],
            int(row["lifted_people"]),
            int(row["returned_people"]),
        )
        for row in rows
    ]
    whole = Rate(
        None,
        name,
        sum(p.lifted for p in parts),
        sum(p.returned for p in parts),
        whole_cap,
        sum(p.lifted_people for p in parts),
        sum(p.returned_people for p in parts),
    )
    return whole, parts


_BEHIND = """
SELECT h.id, h.code, h.status, h.monitoring_type, vl.name AS village_name,
       (SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head' ORDER BY m.id LIMIT 1) AS head
FROM household h JOIN village vl ON vl.id = h.village
WHERE {} AND h.status = ANY({}) AND ({}::int IS NULL OR h.village = {}::int)
ORDER BY vl.code, h.code
"""


async def households_behind(user: CurrentUser, which: str, village_id: int | None) -> list[dict[str, Any]]:
    """The households counted in a number: `which` is 'returned' or 'lifted'; a village's, or the township's."""
    statuses = [RETURNED] if which == "returned" else list(LIFTED)
    rows: list[dict[str, Any]] = await Household.raw(
        _BEHIND, household_scope_sql(user, "h"), statuses, village_id, village_id
    )
    return rows
