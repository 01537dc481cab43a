"""What the monitoring pages read: the year's line, risks to check (computed, never stored), open cases. No HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from server import policy
from server.accounts.sessions import CurrentUser
from server.database import fetch_query
from server.households import id_numbers
from server.households.register import in_register_sql
from server.households.tables import Household, Member
from server.monitoring import rate
from server.monitoring.rate import Rate
from server.monitoring.workflow import State
from server.plans import delivered
from server.plans.delivered import DeliveredMeasure
from server.policy.registry import (
    IDENTIFY_TARGET_DAYS,
    MEASURE_TARGET_DAYS,
    MONITORING_LINE,
    MONITORING_MARGIN_PERCENT,
    MONITORING_NOTICE_DAYS,
    WORKING_AGE_MAX,
    WORKING_AGE_MIN,
    Rule,
)
from server.scope import NOTHING, household_scope_sql

# The household's head: one at most (the unique index member_one_head_per_household), so a probe of that index, with
# no sort of its one row and no LIMIT (each probe of the overview's 69 and the risk list's 30 sorted its row).
HEAD = "(SELECT m.name FROM member m WHERE m.household = h.id AND m.relation = 'head')"
# Registered poor households not yet out (and those that returned) are helped as poor households; monitoring
# watches the lifted households and the households that were never poor (DOMAIN.md §3: the three types).
WATCHED_STATUSES = ("out_supported", "out_unsupported", "none")
ABLE_SKILLS = ("normal", "skilled")
LOCAL_DAY = "(({col}) AT TIME ZONE 'Asia/Shanghai')::date"


@dataclass(frozen=True)
class Line:
    """The monitoring line of a year and the township's "near" margin; `line` is None when the year has none."""

    year: int
    line: Decimal | None
    margin_percent: int


async def monitoring_line(year: int, township_id: int | None) -> Line:
    """The year's monitoring line as the township holds it, and its "near" margin at the end of that year."""
    held = await policy.values([MONITORING_LINE, MONITORING_MARGIN_PERCENT], [township_id], date(year, 12, 31))
    return Line(
        year=year,
        line=held.get(MONITORING_LINE, township_id),
        margin_percent=held.get(MONITORING_MARGIN_PERCENT, township_id),
    )


# Households to check, judged and ordered here, with the year's monitoring line and the township's "near" margin
# (in force at the end of the year) that judge them: the page shows the line from the same statement. Flagged: a
# sudden hardship on a visit since the last clearing (its latest hardship visit, when that is after the clearing),
# or a per-capita net income under the line or under the "near" limit, unless that income was already judged when
# the risk was last cleared. Hardships first (newest first), then incomes under, then near the line (lowest first).
# `total`: how many, whatever the limit. The line's two values are read once (`held`) and converted as Python
# converts them (`policy.converted_sql`), so that the figures judged are the ones the page states. Only the
# households that could be flagged (an income under the "near" limit, or a hardship visit at all) are joined with
# their last clearing and latest hardship visit; those two are read once each for the households in scope and
# hash-joined (probing per household cost more than the rest of the statement). Each household's per-capita income is
# the column PostgreSQL keeps with the row (`per_capita_income`, generated: working it out in the filter and again for
# each candidate was a third of the statement); `watched` is materialized so that the judgements, filters and sort
# keys read it once.
# The watched households are read by their scope's villages from their own partial index (`household_watched`,
# migration monitoring 2026-12-07T10:00), which holds every column read of them here: a column of `h` added to
# `watched` belongs in that index too, or the judgement reads the households' wide rows again.
# (Filtering in a subquery that names the income kept PostgreSQL from the households' village index: a scan of the
# county's 50,000 households, 34 ms.) The line comes even when no household is to be checked (the risks are joined
# to it), in `position` order. `{}` after the head: more columns (the overview's open cases and rate, `overview`).
_PER_CAPITA = "h.per_capita_income"
_RISKS = f"""
WITH held AS MATERIALIZED (
  SELECT {policy.stored_sql(MONITORING_LINE, "{}", "{}::date")} AS line,
         {policy.stored_sql(MONITORING_MARGIN_PERCENT, "{}", "{}::date")} AS margin_percent
), line AS MATERIALIZED (
  SELECT l.line, l.margin_percent, l.line * (1 + l.margin_percent::numeric / 100) AS near
  FROM (SELECT {policy.converted_sql(MONITORING_LINE, "held.line")} AS line,
               {policy.converted_sql(MONITORING_MARGIN_PERCENT, "held.margin_percent")} AS margin_percent
        FROM held) l
), hardships AS MATERIALIZED (
  SELECT DISTINCT ON (vi.household) vi.household, vi.id, vi.visited_at, vi.hardship FROM visit vi
  WHERE vi.hardship IS NOT NULL AND vi.household IN (SELECT s.id FROM household s WHERE {{}})
  ORDER BY vi.household, vi.visited_at DESC
), watched AS MATERIALIZED (
  SELECT h.id, h.code, h.status, h.income_year, vl.id AS village_id, vl.name AS village_name,
         hv.id AS hardship_visit, hv.visited_at AS hardship_at, hv.hardship, lc.cleared_income,
         {_PER_CAPITA} AS per_capita
  FROM household h
  JOIN village vl ON vl.id = h.village
  LEFT JOIN (
      SELECT DISTINCT ON (rc.household) rc.household, rc.cleared_on, rc.cleared_income FROM risk_case rc
      WHERE rc.state = 'cleared' AND rc.household IN (SELECT s.id FROM household s WHERE {{}})
      ORDER BY rc.household, rc.cleared_on DESC, rc.id DESC
  ) lc ON lc.household = h.id
  LEFT JOIN hardships hv
    ON hv.household = h.id AND (lc.cleared_on IS NULL OR {LOCAL_DAY.format(col="hv.visited_at")} > lc.cleared_on)
  WHERE {{}} AND h.status IN ({", ".join(f"'{status}'" for status in WATCHED_STATUSES)}) AND {in_register_sql("h")}
    AND ({_PER_CAPITA} < (SELECT near FROM line) OR h.id IN (SELECT household FROM hardships))
    AND NOT EXISTS (SELECT 1 FROM risk_case rc WHERE rc.household = h.id AND rc.state <> 'cleared')
), judged AS (
  SELECT w.*, CASE WHEN w.hardship_visit IS NOT NULL THEN 'hardship' END AS hardship_flag,
         CASE WHEN w.per_capita IS NULL OR l.line IS NULL OR w.per_capita = w.cleared_income THEN NULL
              WHEN w.per_capita < l.line THEN 'income_below'
              WHEN w.per_capita < l.near THEN 'income_near' END AS income_flag
  FROM watched w CROSS JOIN line l
), ranked AS MATERIALIZED (
  SELECT j.id, j.code, j.status, j.income_year, j.village_id, j.village_name, j.hardship_visit, j.hardship_at,
         j.hardship, j.per_capita,
         array_remove(ARRAY[j.hardship_flag, j.income_flag], NULL) AS flags,
         coalesce(j.hardship_flag, j.income_flag) AS source,
         row_number() OVER (
             ORDER BY CASE coalesce(j.hardship_flag, j.income_flag) WHEN 'hardship' THEN 0 WHEN 'income_below' THEN 1
                      ELSE 2 END, j.hardship_at DESC, coalesce(j.per_capita, 0), j.code COLLATE "C"
         ) AS position
  FROM judged j WHERE j.hardship_flag IS NOT NULL OR j.income_flag IS NOT NULL
)
SELECT l.line, l.margin_percent, (SELECT count(*) FROM ranked) AS total, r.*, {HEAD.replace("h.id", "r.id")} AS head{{}}
FROM line l LEFT JOIN ranked r ON {{}}
ORDER BY r.position
"""


@dataclass(frozen=True)
class Risks:
    """The year's line, the `limit` households to check after the first `offset` (all without a limit), and how many
    there are in all."""

    line: Line
    rows: list[dict[str, Any]]
    total: int


async def risks_to_check(user: CurrentUser, year: int, limit: int | None = None, offset: int = 0) -> Risks:
    """Households to check: a sudden hardship on a visit since the last clearing, income under or near the line of
    `year` (as the user's township holds it at the year's end), with that line.

    An income already judged when a risk was cleared (the same per-capita figure) is not flagged again.
    """
    return _risks(year, await fetch_query(_risks_query(user, year, limit, offset, QueryString(""))))


def _risks_query(user: CurrentUser, year: int, limit: int | None, offset: int, more: QueryString) -> QueryString:
    scope, households = household_scope_sql(user, "h"), household_scope_sql(user, "s")
    township, year_end = user.township_id or NOTHING, date(year, 12, 31)
    # The statuses and the rows' positions are written into the statement, not passed: with them as arguments
    # PostgreSQL planned every run anew (a custom plan, 2-3 ms of planning) instead of keeping the prepared
    # statement's plan. (A page is one text: the first, which nearly every request asks for, is always the same.)
    window = f"r.position > {int(offset)} AND r.position <= {int(offset + limit)}" if limit is not None else "true"
    shown = QueryString(window)
    return QueryString(_RISKS, township, year_end, township, year_end, households, households, scope, more, shown)


def _risks(year: int, rows: list[Any]) -> Risks:
    line = Line(year, rows[0]["line"], rows[0]["margin_percent"])
    return Risks(line, [row for row in rows if row["id"] is not None], int(rows[0]["total"]))


@dataclass(frozen=True)
class OpenCases:
    """A window of the open cases in scope (the longest open first) with their clocks, and how many there are."""

    rows: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class Overview:
    """The overview's figures: the first risks to check with their line and count, the first open cases with their
    count, the rate."""

    risks: Risks
    cases: OpenCases
    township_rate: Rate


async def overview(user: CurrentUser, year: int, limit: int, case_limit: int, today: date) -> Overview:
    """The first `limit` risks to check (as `risks_to_check`), the first `case_limit` open cases (as `open_cases`)
    and the township's return-to-poverty rate on `today` (as the rate page gives the township's), in one statement.

    The cases, their count and the rate are more columns of the risks' first row (a record each case), each read
    once (an InitPlan): each statement of its own cost the worker about 0.13 ms and the database its own round.
    The rate is a figure that could come from the hot standby, but the risks and the cases must not (an admin who
    records a risk comes back to this page); the primary's figure is never behind, and one statement fewer costs
    less than the rate's 0.2-0.3 ms of counting a standby would take over.
    """
    first = "coalesce(r.position, 0) <= 1"  # the first risk's row, or the line's alone when there is none
    more = QueryString(
        f",\n  CASE WHEN {first} THEN ARRAY({{}}) END AS open_cases,\n  CASE WHEN {first} THEN ({{}}) END AS"
        f" open_case_count,\n  CASE WHEN {first} THEN ({{}}) END AS rate",
        *_open_cases_parts(user, case_limit, 0),
        rate.township_rate_query(user, today),
    )
    rows = await fetch_query(_risks_query(user, year, limit, 0, more))
    cases = _open_cases(rows[0]["open_cases"], rows[0]["open_case_count"], today)
    township_rate = await rate.township_rate_of(user, today, rows[0]["rate"])
    return Overview(_risks(year, rows), cases, township_rate)


async def open_cases(user: CurrentUser, limit: int, offset: int, today: date) -> OpenCases:
    """The open cases in scope after the first `offset` (`limit` of them), the longest open first, with their clocks
    on `today`, and how many there are."""
    records, count = _open_cases_parts(user, limit, offset)
    rows = await fetch_query(QueryString("SELECT ARRAY({}) AS open_cases, ({}) AS open_case_count", records, count))
    return _open_cases(rows[0]["open_cases"], rows[0]["open_case_count"], today)


def _open_cases(records: list[Any], count: int, today: date) -> OpenCases:
    return OpenCases([with_clocks(dict(zip(OPEN_CASE_FIELDS, case, strict=True)), today) for case in records], count)


def _cases(columns: str, rules: tuple[tuple[Rule[Any], str], ...]) -> str:
    """Risk cases in scope matching a condition (their `columns`), the longest open first (the statement's third `{}`:
    a window of them, `_WINDOW`, or nothing), with the household's head, their first measure since found and `rules`
    (a rule and its column) in force on the day each was found. The values those rules can take in the cases'
    townships are read once, not looked up per case. The first measure is the first day on or after the day found
    that the household received one (`delivered_day`, kept from the ledger by the database): an index probe per case
    (reading the ledger's four parts for the cases' households was every visit of theirs, in every year). Each case
    is joined to its household on the village too (the case keeps its household's: migration monitoring
    2026-12-07T05:00), so that the scope's villages lead to their open cases by the index of those: at county scale
    a township's cases were its 1,000 households hashed against the county's 2,588 open cases (3.0 → 0.4 ms). The
    household's code and head, the first measure and the rules are read for the cases in the window only (with the
    code read beside the cases, the township demo's overview read all 1,000 households for its ten: 0.58 → 0.45 ms)."""
    in_force = "".join(
        f", {policy.held_sql(rule, 'held', 'c.township', 'c.found_on')} AS {column}" for rule, column in rules
    )
    return f"""
WITH cases AS MATERIALIZED (
    SELECT {columns}, vl.name AS village_name, vl.township
    FROM risk_case rc
    JOIN household h ON h.id = rc.household AND h.village = rc.village
    JOIN village vl ON vl.id = h.village
    WHERE {{}} AND {{}}{{}}
), held AS MATERIALIZED ({policy.held_values_sql([rule for rule, _ in rules], "SELECT township FROM cases")}
)
SELECT c.*, (SELECT hc.code FROM household hc WHERE hc.id = c.household) AS code,
       {HEAD.replace("h.id", "c.household")} AS head, (SELECT min(d.delivered_on) FROM delivered_day d
             WHERE d.household = c.household AND d.delivered_on >= c.found_on) AS first_measure_on{in_force}
FROM cases c
ORDER BY c.found_on, c.id
"""


_TARGETS = ((IDENTIFY_TARGET_DAYS, "identify_target_days"), (MEASURE_TARGET_DAYS, "measure_target_days"))
# The list of open cases reads what its rows and clocks show (and the statistics count), and leaves out the notice's
# days: only the page of a case, with its forms, needs all of it. The overview reads each as a record (a tuple) of
# `OPEN_CASE_FIELDS`.
_OPEN_CASE_COLUMNS = ("id", "household", "state", "source", "found_on", "confirmed_on", "cleared_on", "monitoring_type")
_OPEN_CASES = _cases(", ".join(f"rc.{column}" for column in _OPEN_CASE_COLUMNS), _TARGETS)
OPEN_CASE_FIELDS = (
    *_OPEN_CASE_COLUMNS,
    *("code", "head", "village_name", "township", "first_measure_on"),
    *(column for _, column in _TARGETS),
)
_OPEN_CASE_RECORDS = f"""SELECT ROW({", ".join(f"oc.{field}" for field in OPEN_CASE_FIELDS)}) FROM ({_OPEN_CASES}) oc
ORDER BY oc.found_on, oc.id"""
_CASE = _cases("rc.*", (*_TARGETS, (MONITORING_NOTICE_DAYS, "notice_min_days")))


# A window of the cases in their order (the cases without one are put in order once, by the statement's own ORDER BY).
_WINDOW = "\n    ORDER BY rc.found_on, rc.id LIMIT {limit} OFFSET {offset}"
# How many cases are open in scope (the count of `_OPEN_CASE_RECORDS` without a window).
_OPEN_CASE_COUNT = """SELECT count(*) FROM risk_case rc
JOIN household h ON h.id = rc.household AND h.village = rc.village
WHERE {} AND rc.state <> 'cleared'"""


def _open_cases_parts(user: CurrentUser, limit: int, offset: int) -> tuple[QueryString, QueryString]:
    """The open cases in scope after the first `offset` (`limit` of them), a record each (`OPEN_CASE_FIELDS`), the
    longest open first; and how many there are in all."""
    scope = household_scope_sql(user, "h")
    # Written into the statement as the risks' window is: its first page is always the same text, one plan.
    window = QueryString(_WINDOW.format(limit=int(limit), offset=int(offset)))
    records = QueryString(_OPEN_CASE_RECORDS, scope, QueryString("rc.state <> 'cleared'"), window)
    return records, QueryString(_OPEN_CASE_COUNT, scope)


async def case_in_scope(user: CurrentUser, case_id: int) -> dict[str, Any] | None:
    rows = await Household.raw(
        _CASE, household_scope_sql(user, "h"), QueryString("rc.id = {}", case_id), QueryString("")
    )
    return rows[0] if rows else None


def with_clocks(case: dict[str, Any], today: date) -> dict[str, Any]:
    """Days since the risk was found, and whether the targets (confirmation, first measure) in force on the day it
    was found are exceeded."""
    end = case["cleared_on"] or today
    confirm_days = ((case["confirmed_on"] or today) - case["found_on"]).days
    measure_day = case["first_measure_on"]
    measure_days = ((measure_day or today) - case["found_on"]).days
    return {
        **case,
        "days": (end - case["found_on"]).days,
        "confirm_days": confirm_days,
        "confirm_late": confirm_days > case["identify_target_days"],
        "measure_days": measure_days,
        "measure_late": measure_days > case["measure_target_days"],
        "open": case["state"] != State.CLEARED,
    }


async def case_measures(case: dict[str, Any]) -> list[DeliveredMeasure]:
    """Every measure delivered since the risk was found (until it was cleared), wherever it was recorded."""
    return await delivered.for_household(case["household"], case["found_on"], case["cleared_on"])


async def able_to_work(household_id: int, township_id: int | None, today: date) -> int:
    """Members with ordinary or skilled labour of working age (the county's rule; age from the ID number, which
    stays here)."""
    members = await Member.select(Member.id_number, Member.labour_skill).where(Member.household == household_id)
    ages = await policy.values([WORKING_AGE_MIN, WORKING_AGE_MAX], [township_id], today)
    youngest, oldest = ages.get(WORKING_AGE_MIN, township_id), ages.get(WORKING_AGE_MAX, township_id)
    able = 0
    for member in members:
        if member["labour_skill"] in ABLE_SKILLS and id_numbers.validate(member["id_number"]) is None:
            able += youngest <= id_numbers.age(member["id_number"], today) <= oldest
    return able


async def township_of_household(household_id: int) -> int | None:
    rows = await Household.raw(
        "SELECT v.township FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}", household_id
    )
    return rows[0]["township"] if rows else None


async def household_income(household_id: int) -> Decimal | None:
    """The household's per-capita net income, as PostgreSQL keeps it with the row (`per_capita_income`)."""
    rows = await Household.raw("SELECT h.per_capita_income FROM household h WHERE h.id = {}", household_id)
    return rows[0]["per_capita_income"] if rows else None
