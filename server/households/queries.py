"""Reading households: the scoped search, the household page and the choices of the forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.querystring import QueryString

from server import policy, privacy
from server.accounts.sessions import CurrentUser
from server.households.register import in_register_sql
from server.households.tables import Household, Member
from server.places.tables import Village, VillageGroup
from server.policy.registry import MONITORING_LINE, MONITORING_MARGIN_PERCENT, POVERTY_LINE
from server.scope import household_scope_sql, village_scope

PAGE_SIZE = 30
ID_SUFFIX_LENGTHS = range(4, 19)  # a digits-only query of 4 or more digits is the end of an ID number


@dataclass(frozen=True)
class SearchResult:
    rows: list[dict[str, Any]]
    total: int
    page: int
    has_more: bool


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_range(prefix: str) -> tuple[str, str]:
    """[low, high) of the strings starting with `prefix`, compared byte-wise (COLLATE "C")."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def member_match(q: str) -> QueryString | None:
    """The condition on member `m` that `q` asks for: ID suffix, or name substring / pinyin initials prefix."""
    if not q:
        return None
    if q.isascii() and q.isdigit():
        if len(q) not in ID_SUFFIX_LENGTHS:
            return QueryString("FALSE")
        low, high = _prefix_range(q[::-1])
        return QueryString(
            """(reverse(m.id_number) COLLATE "C") >= {} AND (reverse(m.id_number) COLLATE "C") < {}""", low, high
        )
    condition = QueryString("m.name LIKE {}", f"%{_like_escape(q)}%")
    if q.isascii() and q.isalpha():
        low, high = _prefix_range(q.lower())
        condition = QueryString(
            """({} OR ((m.initials COLLATE "C") >= {} AND (m.initials COLLATE "C") < {}))""", condition, low, high
        )
    return condition


# The households in scope come first (through the village index: a township is a few thousand of a county's
# 50,000); then their members that match (a LATERAL ... LIMIT 1 probes member_household per household, never a
# scan of the county's 150,000 members); then order and total; the display joins (group, head, members count,
# the member that matched) run for the page only.
_SEARCH = """
WITH scoped AS MATERIALIZED (
    SELECT h.id, h.code, h.village FROM household h WHERE {}
), matched_members AS MATERIALIZED (
    SELECT s.id FROM scoped s
    CROSS JOIN LATERAL (SELECT 1 FROM member m WHERE m.household = s.id AND {} LIMIT 1) hit
), page AS (
    SELECT h.id, h.code, count(*) OVER () AS total
    FROM scoped h
    JOIN village v ON v.id = h.village
    WHERE {}
    ORDER BY h.code
    LIMIT {} OFFSET {}
)
SELECT p.*, h.status, h.main_cause, h.monitoring_type, v.name AS village_name, g.name AS group_name,
       head.name AS head_name, matched.name AS matched_name, matched.id_number AS matched_id_number,
       (SELECT count(*) FROM member c WHERE c.household = h.id) AS members_count
FROM page p
JOIN household h ON h.id = p.id
JOIN village v ON v.id = h.village
LEFT JOIN village_group g ON g.id = h."group"
LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'
LEFT JOIN LATERAL (
    SELECT m.name, m.id_number FROM member m WHERE m.household = h.id AND {}
    ORDER BY m.relation = 'head' DESC, m.id LIMIT 1
) matched ON TRUE
ORDER BY p.code
"""


async def search(
    user: CurrentUser, q: str = "", village_id: int | None = None, status: str = "", page: int = 1
) -> SearchResult:
    """One page of the households in the user's scope that match; one query whatever the page holds."""
    q = q.strip()[:40]
    page = max(page, 1)
    match = member_match(q)
    scope = [household_scope_sql(user, "h"), QueryString(in_register_sql("h"))]
    if village_id:
        scope.append(QueryString("h.village = {}", village_id))
    if status:
        scope.append(QueryString("h.status = {}", status))
    matching = QueryString("TRUE")
    if match is not None:
        by_village = q.isascii() and q.isdigit()
        village_match = QueryString("FALSE") if by_village else QueryString("v.name LIKE {}", f"%{_like_escape(q)}%")
        matching = QueryString("(h.id IN (SELECT id FROM matched_members) OR {})", village_match)
    where = QueryString(" AND ".join("{}" for _ in scope), *scope)
    offset = (page - 1) * PAGE_SIZE
    member_match_or_none = match or QueryString("FALSE")
    rows = await Household.raw(
        _SEARCH, where, member_match_or_none, matching, PAGE_SIZE + 1, offset, member_match_or_none
    )
    total = int(rows[0]["total"]) if rows else 0
    by_id = q.isascii() and q.isdigit()
    shown = [_search_row(row, by_id) for row in rows[:PAGE_SIZE]]
    return SearchResult(rows=shown, total=total, page=page, has_more=len(rows) > PAGE_SIZE)


def _search_row(row: dict[str, Any], by_id: bool) -> dict[str, Any]:
    """The full ID number never leaves this module: the matched one is shown masked, and only for an ID search."""
    number = row.pop("matched_id_number")
    return {**row, "matched_id": privacy.mask_id_number(number) if by_id else ""}


# The lines of the household's income year (or this year), else of the latest year before it that has them.
_YEAR_END = "make_date(y.year, 12, 31)"
_HOUSEHOLD = f"""
SELECT h.*, v.name AS village_name, v.township AS township, g.name AS group_name,
       {policy.sql(MONITORING_MARGIN_PERCENT, "v.township")} AS monitoring_margin_percent,
       ps.year AS standard_year, ps.poverty_line, ps.monitoring_line
FROM household h
JOIN village v ON v.id = h.village
LEFT JOIN village_group g ON g.id = h."group"
LEFT JOIN LATERAL (
    SELECT y.year, {policy.sql(POVERTY_LINE, "v.township", _YEAR_END)} AS poverty_line,
           {policy.sql(MONITORING_LINE, "v.township", _YEAR_END)} AS monitoring_line
    FROM generate_series(COALESCE(h.income_year, extract(year FROM now())::int), 2000, -1) y(year)
    WHERE {policy.sql(POVERTY_LINE, "v.township", _YEAR_END)} IS NOT NULL
    ORDER BY y.year DESC LIMIT 1
) ps ON TRUE
WHERE h.id = {{}} AND {{}}
"""


async def household_in_scope(user: CurrentUser, household_id: int) -> dict[str, Any] | None:
    """The household with its village, group and the poverty standard of its income year; None out of scope."""
    rows = await Household.raw(_HOUSEHOLD, household_id, household_scope_sql(user, "h"))
    return rows[0] if rows else None


async def members_of(household_id: int) -> list[dict[str, Any]]:
    """The head first, then the others in the order they were added."""
    rows: list[dict[str, Any]] = await Member.raw(
        "SELECT * FROM member WHERE household = {} ORDER BY relation = 'head' DESC, id", household_id
    )
    return rows


async def member_in_scope(user: CurrentUser, member_id: int) -> dict[str, Any] | None:
    rows = await Member.raw(
        "SELECT m.* FROM member m JOIN household h ON h.id = m.household WHERE m.id = {} AND {}",
        member_id,
        household_scope_sql(user, "h"),
    )
    return rows[0] if rows else None


async def village_choices(user: CurrentUser) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await (
        Village.select(Village.id, Village.name).where(village_scope(user)).order_by(Village.code)
    )
    return rows


async def group_choices(user: CurrentUser) -> list[dict[str, Any]]:
    """Every group of the user's villages, with its village, for the household form."""
    return await (
        VillageGroup.select(VillageGroup.id, VillageGroup.name, VillageGroup.village)
        .where(VillageGroup.village.is_in(Village.select(Village.id).where(village_scope(user))))
        .order_by(VillageGroup.village)
        .order_by(VillageGroup.id)
    )
