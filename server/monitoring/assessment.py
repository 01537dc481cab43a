"""The annual assessment (考核) of each cadre, computed from what was recorded: nothing is typed for it.

Outcomes first (DOMAIN.md §8): households helped, follow-ups kept, measures, jobs kept, incomes, risks cleared.
No score, no rank, no check-in counts. One batch of queries serves one cadre's sheet or a whole county's workbook.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from piccolo.querystring import QueryString

from server import policy
from server.clock import TIMEZONE
from server.database import concurrently, fetch_query
from server.households.pinyin import initials
from server.households.tables import Household
from server.jobs.placements import CHECK_RULES
from server.policy.queries import Values
from server.policy.registry import MONITORING_LINE
from server.standby import from_standby

CADRE_ROLES = ["cadre", "leader"]  # leaders pair with households too (DOMAIN.md §4)
OVERLAPS = "p.started_on <= {} AND (p.ended_on IS NULL OR p.ended_on >= {})"


@dataclass
class Assessment:
    cadre: dict[str, Any]
    year: int
    households: int = 0  # helped during the year
    new_pairings: int = 0  # pairings made during the year
    pairings: list[dict[str, Any]] = field(default_factory=list)  # listed on one cadre's sheet only, not in workbooks
    visits: int = 0
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0
    measures: list[dict[str, Any]] = field(default_factory=list)  # type, count, amount
    jobs: dict[int, tuple[int, int]] = field(default_factory=dict)  # check 2 or 3 → (still working, checked)
    check_months: tuple[int, ...] = ()  # after how many months each placement check came, the rule at year end
    above_line: int | None = None  # None: no monitoring line for the year
    risks_cleared: list[dict[str, Any]] = field(default_factory=list)

    @property
    def measure_count(self) -> int:
        return sum(m["count"] for m in self.measures)

    @property
    def measure_amount(self) -> Decimal:
        return sum((m["amount"] for m in self.measures), Decimal(0))

    def kept(self, check: int) -> tuple[int, int]:
        """Jobs still held at a placement's `check`-th check (2: after 3 months, 3: after 6, by default)."""
        return self.jobs.get(check, (0, 0))


def sort_key(name: str) -> tuple[str, str]:
    """Alphabetical by pinyin initials (a Chinese name's usual roster order), then by the characters."""
    return initials(name), name


async def cadres_of(township_ids: list[int], cadre_id: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Household.raw(
        "SELECT u.id, u.display_name, u.title, u.role, u.township, t.name AS township_name FROM app_user u"
        " JOIN township t ON t.id = u.township WHERE u.role = ANY({}) AND u.township = ANY({})"
        " AND ({}::int IS NULL OR u.id = {}::int)",
        CADRE_ROLES,
        township_ids,
        cadre_id,
        cadre_id,
    )
    return sorted(rows, key=lambda row: (row["township_name"], *sort_key(row["display_name"])))


@from_standby
async def assess(township_ids: list[int], year: int, cadre_id: int | None = None) -> list[Assessment]:
    """The assessments of the cadres of `township_ids` (or of one cadre), alphabetically, in eight statements."""
    cadres = await cadres_of(township_ids, cadre_id)
    result = {row["id"]: Assessment(cadre=row, year=year) for row in cadres}
    ids = list(result) or [-1]
    first, last = date(year, 1, 1), date(year, 12, 31)
    start, end = datetime(year, 1, 1, tzinfo=TIMEZONE), datetime(year + 1, 1, 1, tzinfo=TIMEZONE)
    # The rules at the year's end, read first: the incomes' statement needs the lines, and would otherwise wait for a
    # connection twice.
    held = await policy.values([MONITORING_LINE, *CHECK_RULES], {row["township"] for row in cadres}, last)
    _check_months(result, held)
    lines = _lines(result, held)
    await concurrently(  # each fills its own fields; a county's year is seconds of database work, spread over cores
        _measures(result, ids, start, end),  # the longest first: the pool's connections finish closer together
        _pairings(result, ids, first, last, lines) if cadre_id else _pairing_counts(result, ids, first, last, lines),
        _visits(result, ids, start, end),
        _follow_ups(result, ids, first, last),
        _jobs(result, ids, first, last),
        _risks(result, ids, first, last),
    )
    return list(result.values())


async def _counts(sql: str, *args: Any) -> list[asyncpg.Record]:
    """A statement's rows as asyncpg reads them, for the counts: a county's are 60,000 rows (the measures' 34,000 by
    cadre and type), which Piccolo's `raw` copied each into a dict, about 0.1 s of the worker's CPU, on the cores the
    database's statements run on meanwhile."""
    return await fetch_query(QueryString(sql, *args))


# The pairings' households with the monitoring line of their township for the year: a household outside the cadres'
# townships, or in a township without a line, has none (never above it). The incomes were a statement of their own,
# reading the same pairings again.
_PAIRED = (
    " FROM pairing p JOIN household h ON h.id = p.household JOIN village v ON v.id = h.village"
    " LEFT JOIN unnest({}::int[], {}::numeric[]) l(township, line) ON l.township = v.township"
)
_ABOVE_LINE = "h.per_capita_income > l.line"  # the column PostgreSQL keeps with the row


def _lines(result: dict[int, Assessment], held: Values) -> dict[int, Decimal | None]:
    """The monitoring line of each cadre's township at the year's end (None: no line for the year)."""
    return {
        township: held.get(MONITORING_LINE, township) for township in {i.cadre["township"] for i in result.values()}
    }


def _line_args(lines: dict[int, Decimal | None]) -> tuple[list[int], list[Decimal]]:
    lined = [township for township, line in lines.items() if line is not None]
    return lined, [line for township, line in lines.items() if line is not None]


def _set_above_line(result: dict[int, Assessment], lines: dict[int, Decimal | None], above: dict[int, int]) -> None:
    """Households helped whose per-capita net income is above the year's line in their township (None: the cadre's
    township has no line for the year)."""
    for cadre, item in result.items():
        if lines[item.cadre["township"]] is not None:
            item.above_line = above.get(cadre, 0)


async def _pairing_counts(
    result: dict[int, Assessment], ids: list[int], first: date, last: date, lines: dict[int, Decimal | None]
) -> None:
    """The households each cadre helped during the year, the pairings made in it, and the households above the
    line (a county: 54,000 pairings counted in the database instead of read, with their heads, by the worker)."""
    rows = await _counts(
        "SELECT p.cadre, count(DISTINCT p.household) AS households, count(*) FILTER (WHERE p.started_on >= {}) AS new,"
        f" count(DISTINCT p.household) FILTER (WHERE {_ABOVE_LINE}) AS above{_PAIRED}"
        f" WHERE p.cadre = ANY({{}}) AND {OVERLAPS} GROUP BY p.cadre",
        first,
        *_line_args(lines),
        ids,
        last,
        first,
    )
    for row in rows:
        item = result[row["cadre"]]
        item.households, item.new_pairings = int(row["households"]), int(row["new"])
    _set_above_line(result, lines, {row["cadre"]: int(row["above"]) for row in rows})


async def _pairings(
    result: dict[int, Assessment], ids: list[int], first: date, last: date, lines: dict[int, Decimal | None]
) -> None:
    """The same counts from the pairings themselves, listed with their heads for one cadre's sheet."""
    rows = await Household.raw(
        # A household has one head at most (unique index member_one_head_per_household): joined, not looked up
        # once per pairing (48,000 of them in a county's year).
        "SELECT p.cadre, p.household, p.started_on, p.ended_on, h.code, hm.name AS head,"
        f" ({_ABOVE_LINE}) IS TRUE AS above_line{_PAIRED}"
        " LEFT JOIN member hm ON hm.household = h.id AND hm.relation = 'head'"
        f" WHERE p.cadre = ANY({{}}) AND {OVERLAPS}"
        " ORDER BY p.started_on, p.id",
        *_line_args(lines),
        ids,
        last,
        first,
    )
    for row in rows:
        result[row["cadre"]].pairings.append(row)
    for item in result.values():
        item.households = len({p["household"] for p in item.pairings})
        item.new_pairings = sum(1 for p in item.pairings if p["started_on"] >= first)
    above = {cadre: len({p["household"] for p in item.pairings if p["above_line"]}) for cadre, item in result.items()}
    _set_above_line(result, lines, above)


async def _visits(result: dict[int, Assessment], ids: list[int], start: datetime, end: datetime) -> None:
    rows = await _counts(
        # Counted by cadre only: no sheet or workbook shows them by kind (a county: 5,900 rows instead of 21,700, and
        # 380-500 -> 160 ms under load; a township's cadres read the (cadre, visited_at) index alone).
        "SELECT cadre, count(*) AS n FROM visit WHERE cadre = ANY({}) AND visited_at >= {} AND visited_at < {}"
        " GROUP BY cadre",
        ids,
        start,
        end,
    )
    for row in rows:
        result[row["cadre"]].visits = int(row["n"])


async def _follow_ups(result: dict[int, Assessment], ids: list[int], first: date, last: date) -> None:
    """Follow-ups due in the year: answered by a visit of the cadre on or before the due date, or later; and those
    still open past their date. One statement of two parts, each read through its own index."""
    rows = await _counts(
        # The closing visit's cadre and local day, kept on the follow-up by triggers (migrations/visits, 2026-12-06):
        # the visit may be of any year, and joining it read every yearly partition of visits.
        "SELECT closing_visit_cadre AS cadre, count(*) FILTER (WHERE closing_visit_day <= due_on) AS on_time,"
        " count(*) FILTER (WHERE closing_visit_day > due_on) AS late, NULL AS overdue FROM follow_up"
        " WHERE due_on BETWEEN {} AND {} AND closing_visit_cadre = ANY({}) GROUP BY closing_visit_cadre"
        " UNION ALL SELECT f.cadre, NULL, NULL, count(*) FROM follow_up f WHERE f.closed_at IS NULL"
        " AND f.cadre = ANY({}) AND f.due_on BETWEEN {} AND {} AND f.due_on < {} GROUP BY f.cadre",
        first,
        last,
        ids,
        ids,
        first,
        last,
        datetime.now(TIMEZONE).date(),
    )
    for row in rows:
        item = result[row["cadre"]]
        if row["overdue"] is None:
            item.on_time, item.late = int(row["on_time"]), int(row["late"])
        else:
            item.overdue_open = int(row["overdue"])


async def _measures(result: dict[int, Assessment], ids: list[int], start: datetime, end: datetime) -> None:
    rows = await _counts(
        # Every delivered measure the cadre recorded (visits, referrals that became placements, enrolments attended).
        # The measures of visits are read by their visit's cadre and time, kept on each by triggers (migrations/visits,
        # 2026-12-07) and indexed: the year's range of visited_at is the same days (Asia/Shanghai) as the ledger
        # view's local day, which no index serves; the view gives the other sources.
        "SELECT cadre, type, count(*) AS n, coalesce(sum(amount), 0) AS amount FROM ("
        " SELECT m.cadre, m.type::text AS type, m.amount FROM visit_measure m"
        " WHERE m.cadre = ANY({}) AND m.visited_at >= {} AND m.visited_at < {}"
        " UNION ALL SELECT cadre, type, amount FROM delivered_measure"
        " WHERE source <> 'visit' AND cadre = ANY({}) AND delivered_on >= {} AND delivered_on < {}"
        ") d GROUP BY cadre, type ORDER BY cadre, type",
        ids,
        start,
        end,
        ids,
        start.astimezone(TIMEZONE).date(),
        end.astimezone(TIMEZONE).date(),
    )
    for row in rows:
        result[row["cadre"]].measures.append({"type": row["type"], "count": int(row["n"]), "amount": row["amount"]})


# A placement's checks numbered in order (1, 2, 3), whatever months the rule of their day named.
_NUMBERED_CHECKS = (
    "(SELECT c.*, row_number() OVER (PARTITION BY c.placement ORDER BY c.months) AS n FROM placement_check c"
    " WHERE c.placement IN (SELECT placement FROM placement_check WHERE due_on BETWEEN {} AND {}))"
)


async def _jobs(result: dict[int, Assessment], ids: list[int], first: date, last: date) -> None:
    """Second and third placement checks due in the year, for members of the households the cadre helped."""
    rows = await _counts(
        "SELECT p.cadre, c.n, count(DISTINCT c.id) FILTER (WHERE c.still_working) AS kept,"
        " count(DISTINCT c.id) FILTER (WHERE c.still_working IS NOT NULL) AS checked"
        f" FROM {_NUMBERED_CHECKS} c JOIN placement pl ON pl.id = c.placement JOIN referral r ON r.id = pl.referral"
        f" JOIN member m ON m.id = r.member JOIN pairing p ON p.household = m.household AND {OVERLAPS}"
        " WHERE c.n IN (2, 3) AND c.due_on BETWEEN {} AND {} AND p.cadre = ANY({}) GROUP BY p.cadre, c.n",
        first,
        last,
        last,
        first,
        first,
        last,
        ids,
    )
    for row in rows:
        result[row["cadre"]].jobs[int(row["n"])] = (int(row["kept"]), int(row["checked"]))


def _check_months(result: dict[int, Assessment], held: Values) -> None:
    """The placement check months at the year's end in each cadre's township (for the headings)."""
    townships = {item.cadre["township"] for item in result.values()}
    months = {township: tuple(held.get(rule, township) for rule in CHECK_RULES) for township in townships}
    for item in result.values():
        item.check_months = months[item.cadre["township"]]


async def _risks(result: dict[int, Assessment], ids: list[int], first: date, last: date) -> None:
    rows = await Household.raw(
        "SELECT DISTINCT p.cadre, rc.id, rc.household, rc.cleared_on, h.code FROM risk_case rc"
        f" JOIN household h ON h.id = rc.household JOIN pairing p ON p.household = rc.household AND {OVERLAPS}"
        " WHERE rc.state = 'cleared' AND rc.cleared_on BETWEEN {} AND {} AND p.cadre = ANY({})"
        " ORDER BY rc.cleared_on, rc.id",
        last,
        first,
        first,
        last,
        ids,
    )
    by_cadre: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_cadre[row["cadre"]].append(row)
    for cadre, cases in by_cadre.items():
        result[cadre].risks_cleared = cases
