"""Reading households: the scoped search, the household page and the choices of the forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.querystring import QueryString

from server import policy, privacy
from server.accounts.sessions import CurrentUser
from server.clock import LOCAL_TODAY_SQL
from server.database import fetch_query, fetch_rows
from server.households.history import HISTORY_LIMIT
from server.households.register import in_register_sql
from server.households.sql_text import Sql
from server.households.tables import Household, Member
from server.pairing.queries import RESPONSIBLE_CADRE, RESPONSIBLE_CADRES_FROM
from server.places.tables import Village, VillageGroup
from server.policy.registry import MONITORING_LINE, MONITORING_MARGIN_PERCENT, POVERTY_LINE, Rule
from server.scope import WHOLE_TOWNSHIP, household_scope_sql, village_scope, village_scope_sql
from server.visits import queries as visit_queries

PAGE_SIZE = 30
MIN_DIGITS = 4  # digits typed are the end of an ID number or a phone number from 4 on

# Orders of the register a person may ask for (the column headers of the desk table), by name; each ends with the
# household code so that pages never overlap. Without one, exact matches come first, then the code. The village's
# code is read for each household of the scope: joined to the villages for it, the generic plan walked every village
# of the database in code order against the township's households (10 ms of the database on the county copy, 1.5 as
# a subquery; `zs` by village 3.8 -> 1.3 there, 4.0 -> 1.0 on the township).
ORDERS = {
    "code": "h.code",
    "head": "(SELECT m.pinyin FROM member m WHERE m.household = h.id AND m.relation = 'head' LIMIT 1), h.code",
    "village": "(SELECT vo.code FROM village vo WHERE vo.id = h.village), h.code",
    "members": "h.member_count, h.code",
    "status": "h.status, h.code",
}


@dataclass(frozen=True)
class SearchResult:
    rows: list[dict[str, Any]]
    total: int
    page: int
    has_more: bool
    villages: list[tuple[int, str]] = field(default_factory=list)  # the village filter's choices, when asked for

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_terms(q: str) -> list[str]:
    """What a person typed, as terms that must all match: 薛 永霞, xue yong xia, 双河 zs, 张 1234."""
    return q.strip()[:40].split()[:4]


def member_term(term: str) -> Sql:
    """The condition on member `m` for one term: ID or phone tail, pinyin (full or initials), or part of the name."""
    if term.isascii() and term.isdigit():
        if len(term) < MIN_DIGITS:
            return Sql("FALSE")
        return Sql("(m.id_number LIKE {} OR m.phone LIKE {})", f"%{term}", f"%{term}")
    condition = Sql("m.name LIKE {}", f"%{_like_escape(term)}%")
    if term.isascii() and term.isalpha():
        letters = term.lower()
        condition = Sql("({} OR m.pinyin LIKE {} OR m.initials LIKE {})", condition, f"%{letters}%", f"{letters}%")
    return condition


def household_term(term: str) -> Sql:
    """The condition on household `h` for one term: its village's name, or its phone's tail."""
    if term.isascii() and term.isdigit():
        if len(term) < MIN_DIGITS:
            return Sql("FALSE")
        return Sql("h.phone LIKE {}", f"%{term}")
    return village_term(term)


def village_term(term: str, alias: str = "h") -> Sql:
    """The condition on a row `alias` with a `village` column: its village's name holds the term. The villages whose
    name matches are found once (PostgreSQL keeps them in a hash): the name compared once a village, not once a
    household (`zs` and `王` 0.1-0.15 ms less of the database on a township)."""
    return Sql(f"{alias}.village IN (SELECT id FROM village WHERE name LIKE {{}})", f"%{_like_escape(term)}%")


def keys_term(term: str) -> Sql:
    """`member_term` on the household's search keys `k` (household_search_keys: its members' names, pinyin, initials
    and numbers, each value between newlines): some member matches the term. A term never holds a newline."""
    if term.isascii() and term.isdigit():
        if len(term) < MIN_DIGITS:
            return Sql("FALSE")
        return Sql("strpos(k.numbers, {}) > 0", f"{term}\n")
    condition = Sql("strpos(k.names, {}) > 0", term)
    if term.isascii() and term.isalpha():
        letters = term.lower()
        condition = Sql(
            "({} OR strpos(k.pinyins, {}) > 0 OR strpos(k.initials, {}) > 0)", condition, letters, f"\n{letters}"
        )
    return condition


def _all(conditions: list[Sql | QueryString], joiner: str = " AND ") -> Sql:
    """The conditions joined, in parentheses: `m.household = h.id AND {}` must not read as `(… AND a) OR b`."""
    if not conditions:
        return Sql("TRUE")
    return Sql("(" + joiner.join("{}" for _ in conditions) + ")", *conditions)


# The search keys `k` of household `h` (one row, or none for a household that never had a member: every key then
# NULL, so a condition on them is never true).
KEYS = "LEFT JOIN household_search_keys k ON k.household = h.id"


def scoped_keys(user: CurrentUser) -> Sql:
    """KEYS, reading only the keys of the user's scope (for a township, through the index of the keys' villages):
    joined to the township's households, the county's keys were read whole."""
    return Sql(f"{KEYS} AND {{}}", household_scope_sql(user, "k", "household"))


def exact_match(q: str) -> Sql:
    """A member whose whole name, pinyin, initials, ID number or phone is what was typed (spaces left out), from the
    search keys `k` of household `h`; or the household's phone."""
    whole = "".join(q.split())
    if not whole:
        return Sql("FALSE")
    return Sql("{} OR h.phone = {}", exact_keys(whole), whole)


def exact_keys(whole: str) -> Sql:
    """`exact_match`'s part on the search keys `k`: a member whose whole name, pinyin, initials or number is `whole`."""
    letters = whole.lower()
    return Sql(
        "strpos(k.names, {}) > 0 OR strpos(k.pinyins, {}) > 0 OR strpos(k.initials, {}) > 0"
        " OR strpos(k.numbers, {}) > 0",
        f"\n{whole}\n", f"\n{letters}\n", f"\n{letters}\n", f"\n{whole}\n",
    )  # fmt: skip


# The households in scope (through the village index: a township is a few thousand of a county's 50,000) and each
# term matched on the household's search keys (one row per household, those of the scope read through their
# villages' index: no probe of each household's members, never a scan of the county's 150,000 members or of all its
# keys); then the total (a count over the matches, no sort) and the page (a top-N sort of the matches: a window's
# position sorted all of them first); the display joins (group, head, the member that matched) run for the page only,
# which is put in the same order again by the sort keys the page carries out (`sort_0`…: every order ends with the
# unique code), not by the order's expressions again (the default order's exact match read the keys a second time;
# with the members count read from `household.member_count`, kept by triggers, not counted: `zs` and `王` 1.10 ->
# 1.03 ms of the database on a township). The page's households come as rows (asyncpg reads them in about half the
# client CPU it took for the same values as an array of anonymous records: 0.23 -> 0.18 ms a search), with the
# village choices, when asked, on a row of their own.
# How the scope is planned (`_scope_fence`): for a township's search, with its terms (the keys' matches come first:
# the ID tail 1.3-1.6 -> 1.0 ms of the database, `王` 1.9-2.0 -> 1.6-1.7; at county scale 2.8 -> 2.0); for its plain
# register alone, read first (`OFFSET 0`: a subquery PostgreSQL neither merges into the rest nor writes out as a
# materialized CTE does: 1.0-1.5 -> 1.0-1.2 ms, county 1.9-2.3 -> 1.7-1.9; unfenced, its custom plans at county scale
# took 37-48 ms); for a cadre's few households, read first and materialized as before (unfenced or `OFFSET 0`, 0.1-0.3
# ms slower). The page's LIMIT is written in: as a parameter, the generic plan's estimate of it made PostgreSQL plan
# the unfenced search anew at every run.
_SEARCH = """
WITH scoped AS %(materialized)s(%(scoped)s
), page AS (
    SELECT h.id, count(*) OVER () AS total, %(sort_keys)s
    FROM scoped h%(villages_joined)s
    {}
    WHERE {}
    ORDER BY %(order)s
    LIMIT %(limit)s OFFSET {}
)
SELECT * FROM (
    SELECT p.id, h.code, p.total, h.status, h.main_cause, h.monitoring_type, v.name AS village_name,
           g.name AS group_name, head.name AS head_name, matched.name AS matched_name,
           matched.id_number AS matched_id_number, matched.phone AS matched_phone, h.phone AS household_phone,
           h.member_count AS members_count, NULL AS villages, %(page_sort_keys)s
    FROM page p
    JOIN household h ON h.id = p.id
    JOIN village v ON v.id = h.village
    LEFT JOIN village_group g ON g.id = h."group"
    LEFT JOIN member head ON head.household = h.id AND head.relation = 'head'
    LEFT JOIN LATERAL (
        SELECT m.name, m.id_number, m.phone FROM member m WHERE m.household = h.id AND {}
        ORDER BY m.relation = 'head' DESC, m.id LIMIT 1
    ) matched ON TRUE%(villages)s
) found
ORDER BY %(page_order)s
"""
# The roles whose search plans its terms with the scope (a township's households); a cadre's few are read first.
SEARCHED_WITH_SCOPE = WHOLE_TOWNSHIP
# `scoped`: the households of the scope (its condition and the fence, `_scope_fence`).
SCOPE = """
    SELECT h.id, h.code, h.village, h.status, h.phone, h.member_count FROM household h WHERE {}%(fence)s"""
# `scoped` for a township's search whose terms hold no digits (names, pinyin, initials, village names): the households
# whose search keys match every term (each term on the keys or on the keys' village, the household's: kept so by the
# keys' triggers), read from the keys of the scope's villages, and the households without keys (no member) whose
# village matches every term; then each of those households read by its id (`OFFSET 0`: a probe each, which the
# generic plan, that rates each `strpos` a third of the rows, would otherwise have turned into a hash of the
# township's households), with the register's condition. It carries the keys' exact match (`exact`) out for the
# default order. Before, every household of the township was hashed and joined to its keys, then the terms matched
# (the page's statement 0.8-0.9 of its ~1.0 ms); a phone's tail is the household's, so a term of digits keeps that way.
KEYS_FIRST = f"""
    SELECT h.*, f.exact FROM (
        SELECT k.household AS id, ({{}}) AS exact FROM household_search_keys k WHERE {{}}
        UNION ALL
        SELECT h.id, FALSE FROM household h
        WHERE {{}} AND NOT EXISTS (SELECT FROM household_search_keys k WHERE k.household = h.id)
    ) f, LATERAL (
        SELECT h.id, h.code, h.village, h.status, h.phone, h.member_count FROM household h
        WHERE h.id = f.id AND {in_register_sql("h")} OFFSET 0
    ) h"""
# The user's villages (id, name) for the register's village filter, in the same statement (a statement fewer): a row
# of its own beside the page's households, its `id` NULL (even when no household matches).
VILLAGE_CHOICES = """
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           ARRAY(SELECT (v.id, v.name) FROM village v WHERE {} ORDER BY v.code), %(no_sort_keys)s"""


async def search(
    user: CurrentUser,
    q: str = "",
    village_id: int | None = None,
    status: str = "",
    page: int = 1,
    order: str = "",
    *,
    villages: bool = False,
) -> SearchResult:
    """One page of the households in the user's scope that match every term, and with `villages` the user's villages
    (id, name) for the filter; one query whatever the page holds."""
    page = max(page, 1)
    sql, args = search_statement(user, q, village_id, status, page, order, villages=villages).compile_string()
    found = await fetch_rows(sql, *args)
    rows = [dict(record) for record in found if record["id"] is not None]
    total = int(rows[0]["total"]) if rows else 0
    terms = search_terms(q)
    digits = tuple(t for t in terms if t.isascii() and t.isdigit() and len(t) >= MIN_DIGITS)
    shown = [_search_row(row, digits) for row in rows[:PAGE_SIZE]]
    choices = [(choice[0], choice[1]) for record in found if record["id"] is None for choice in record["villages"]]
    return SearchResult(rows=shown, total=total, page=page, has_more=len(rows) > PAGE_SIZE, villages=choices)


def search_statement(
    user: CurrentUser, q: str, village_id: int | None, status: str, page: int, order: str, *, villages: bool = False
) -> Sql:
    """The statement of `search` (one more household than a page: whether there is a next one)."""
    terms = search_terms(q)
    keys_first = user.role in SEARCHED_WITH_SCOPE and terms and not any(t.isascii() and t.isdigit() for t in terms)
    materialized, fence = _scope_fence(user, terms)
    if keys_first:
        scoped = _found_by_keys(user, terms, village_id, q)
        matching = _all([Sql("h.status = {}", status)] if status else [])
    else:
        scope, matching = _conditions(user, terms, village_id, status)
        scoped = Sql(SCOPE.replace("%(fence)s", fence), scope)
    descending = order.startswith("-")
    by = ORDERS.get(order.lstrip("-"))
    if by is None:
        parts = ["CASE WHEN {} THEN 0 ELSE 1 END", "h.code"]
        whole = "".join(q.split())
        exact = Sql("h.exact OR h.phone = {}", whole) if keys_first else exact_match(q)
        order_args: list[Any] = [exact]
    else:
        parts = by.split(", ")
        order_args = []
    direction = " DESC" if descending and by is not None else ""
    sort_keys = ", ".join(f"{part} AS sort_{n}" for n, part in enumerate(parts))
    sql = _SEARCH.replace("%(sort_keys)s", sort_keys)
    sql = sql.replace("%(order)s", ", ".join(f"sort_{n}{direction}" for n in range(len(parts))))
    sql = sql.replace("%(page_sort_keys)s", ", ".join(f"p.sort_{n}" for n in range(len(parts))))
    sql = sql.replace("%(page_order)s", ", ".join(f"sort_{n}{direction}" for n in range(len(parts))))
    sql = sql.replace("%(villages)s", VILLAGE_CHOICES if villages else "")
    # The page joins the villages for a search: at county scale the village index then drives the reading of the
    # scope (its searches 0.15-0.25 ms slower without); the register alone does without (0.70 -> 0.65 ms of the
    # database on a township, 1.17 -> 0.97 on the county copy's township).
    joined = terms and not keys_first
    sql = sql.replace("%(villages_joined)s", "\n    JOIN village v ON v.id = h.village" if joined else "")
    sql = sql.replace("%(no_sort_keys)s", ", ".join("NULL" for _ in parts))
    sql = sql.replace("%(materialized)s", materialized).replace("%(scoped)s", "{}")
    sql = sql.replace("%(limit)s", str(PAGE_SIZE + 1))
    keys = scoped_keys(user) if joined else Sql("")
    shown_member = _all([member_term(t) for t in terms], " OR ") if terms else Sql("FALSE")
    choices = [village_scope_sql(user, "v")] if villages else []
    offset = (page - 1) * PAGE_SIZE
    return Sql(sql, scoped, *order_args, keys, matching, offset, shown_member, *choices)


def _found_by_keys(user: CurrentUser, terms: list[str], village_id: int | None, q: str) -> Sql:
    """`KEYS_FIRST` for these terms (none of digits) and the village filter: the keys' exact match for the default
    order, the conditions on the keys, and those on the households without keys."""
    village = [Sql(f"{alias}.village = {{}}", village_id) for alias in ("k", "h")] if village_id else []
    keys: list[Sql | QueryString] = [household_scope_sql(user, "k", "household"), *village[:1]]
    keys += [Sql("({} OR {})", keys_term(t), village_term(t, "k")) for t in terms]
    households: list[Sql | QueryString] = [household_scope_sql(user, "h"), *village[1:]]
    households += [village_term(t) for t in terms]
    return Sql(KEYS_FIRST, exact_keys("".join(q.split())), _all(keys), _all(households))


def _scope_fence(user: CurrentUser, terms: list[str]) -> tuple[str, str]:
    """How `_SEARCH`'s scope is planned (see there): the words before and after its subquery."""
    if user.role not in SEARCHED_WITH_SCOPE:
        return "MATERIALIZED ", ""  # a cadre's few households read first and kept
    return ("", "") if terms else ("", "\n    OFFSET 0")


def _conditions(user: CurrentUser, terms: list[str], village_id: int | None, status: str) -> tuple[Sql, Sql]:
    """The scope (with the village filter) of `scoped`, and the status filter and the terms' condition on `h` and its
    keys `k`. The status is matched after the scope is read: in the plain register's fenced scope, PostgreSQL's generic
    plan read it through the status index, all of a county's 14,000 households of that status once a village (7-8 ms
    of the database on the county copy for 300 households)."""
    scope: list[Sql | QueryString] = [household_scope_sql(user, "h"), Sql(in_register_sql("h"))]
    if village_id:
        scope.append(Sql("h.village = {}", village_id))
    matching: list[Sql | QueryString] = [Sql("h.status = {}", status)] if status else []
    matching += [Sql("({} OR {})", keys_term(t), household_term(t)) for t in terms]
    return _all(scope), _all(matching)


async def matching_ids(user: CurrentUser, q: str = "", village_id: int | None = None, status: str = "") -> list[int]:
    """Every household the register shows for these filters (for the export of exactly that list)."""
    scope, matching = _conditions(user, search_terms(q), village_id, status)
    statement = Sql(
        "SELECT h.id FROM household h {} WHERE {} AND {} ORDER BY h.code", scoped_keys(user), scope, matching
    )
    rows = await Household.raw("{}", statement.query())
    return [row["id"] for row in rows]


def _search_row(row: dict[str, Any], digits: tuple[str, ...]) -> dict[str, Any]:
    """Full ID and phone numbers never leave this module: the one that matched a typed tail is shown masked (`digits`:
    the tails typed, none when no term is one)."""
    number, phone = row.pop("matched_id_number") or "", row.pop("matched_phone") or ""
    household_phone = row.pop("household_phone") or ""
    by_id = number.endswith(digits)  # str.endswith takes a tuple: any of them (none: False)
    if not phone.endswith(digits):
        phone = household_phone
    by_phone = phone.endswith(digits)
    row["matched_id"] = privacy.mask_id_number(number) if by_id else ""
    row["matched_phone"] = privacy.mask_phone(phone) if by_phone and not by_id else ""
    return row


# The lines of the household's income year (or this year), else of the latest year before it that has them: each
# year is looked up back to the first that any place has a poverty line for. The values those rules can take in the
# household's township are read once (`held`, a few rows) and each year picks from them, instead of a `policy_value`
# call per year and rule (five small reads each: 0.6 ms of the page's 0.7 ms of database time).
_YEAR_END = "make_date(y.year, 12, 31)"
_FIRST_LINE_YEAR = (
    f"(SELECT extract(year FROM min(p.effective_from))::int FROM policy_value p WHERE p.rule = '{POVERTY_LINE.key}')"
)
_ITS_TOWNSHIP = "SELECT v.township FROM household h JOIN village v ON v.id = h.village WHERE h.id = {}"
_LINES: list[Rule[Any]] = [POVERTY_LINE, MONITORING_LINE, MONITORING_MARGIN_PERCENT]
_HOUSEHOLD = f"""
WITH held AS MATERIALIZED ({policy.held_values_sql(_LINES, _ITS_TOWNSHIP)})
SELECT h.*, v.name AS village_name, v.township AS township, g.name AS group_name,
       {policy.held_sql(MONITORING_MARGIN_PERCENT, "held", "v.township", LOCAL_TODAY_SQL)}
         AS monitoring_margin_percent,
       ps.year AS standard_year, ps.poverty_line, ps.monitoring_line%(members)s
FROM household h
JOIN village v ON v.id = h.village
LEFT JOIN village_group g ON g.id = h."group"
LEFT JOIN LATERAL (
    SELECT y.year, {policy.held_sql(POVERTY_LINE, "held", "v.township", _YEAR_END)} AS poverty_line,
           {policy.held_sql(MONITORING_LINE, "held", "v.township", _YEAR_END)} AS monitoring_line
    FROM generate_series(COALESCE(h.income_year, extract(year FROM now())::int), {_FIRST_LINE_YEAR}, -1) y(year)
    WHERE {policy.held_sql(POVERTY_LINE, "held", "v.township", _YEAR_END)} IS NOT NULL
    ORDER BY y.year DESC LIMIT 1
) ps ON TRUE
WHERE h.id = {{}} AND {{}}
"""


# Its members as `members_of` orders them, as rows of the member table (asyncpg reads them with their types).
MEMBERS = (
    ",\n       ARRAY(SELECT m FROM member m WHERE m.household = h.id ORDER BY m.relation = 'head' DESC, m.id)"
    " AS member_rows"
)


# Its last visit (time and cadre) and the due date of its next open follow-up (the visits area's columns).
VISITS = (
    f",\n       {visit_queries.LAST_VISITED_AT_SQL} AS last_visited_at,"
    f" {visit_queries.LAST_VISIT_CADRE_SQL} AS last_visit_cadre_name,"
    f" {visit_queries.NEXT_FOLLOW_UP_SQL} AS next_follow_up_due_on"
)


# Its responsible cadres as `pairing.queries.responsible_cadres` reads them (first, then second), and the latest
# entries of its history (as `history.history_of` takes them), as records named by CADRE and HISTORY: asyncpg reads
# the values of a record with their types, as it reads columns.
CADRE = tuple(RESPONSIBLE_CADRE)
HISTORY = ("at", "action", "detail", "actor_name", "actor_label")
CADRES_AND_HISTORY = f""",
       ARRAY(SELECT ({", ".join(RESPONSIBLE_CADRE.values())})
             FROM {RESPONSIBLE_CADRES_FROM} WHERE p.household = h.id AND p.ended_on IS NULL
             ORDER BY p.rank) AS cadre_records,
       ARRAY(SELECT (e.at, e.action, e.detail, u.display_name, e.actor_label)
             FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor
             WHERE e.target_type = 'household' AND e.target_id = h.id::text
             ORDER BY e.at DESC, e.id DESC LIMIT {HISTORY_LIMIT}) AS history_records"""


async def household_in_scope(user: CurrentUser, household_id: int, *, for_page: bool = False) -> dict[str, Any] | None:
    """The household with its village, group and the poverty standard of its income year; None out of scope.
    `for_page`: also, in the same statement, what the household page shows besides: its "members" (as `members_of`
    reads them), `last_visited_at`, `last_visit_cadre_name`, `next_follow_up_due_on`, its responsible "cadres" (as
    `responsible_cadres` reads them) and its "history" rows (as `history.history_of` takes them)."""
    sql = _HOUSEHOLD.replace("%(members)s", MEMBERS + VISITS + CADRES_AND_HISTORY if for_page else "")
    rows = await fetch_query(QueryString(sql, household_id, household_id, household_scope_sql(user, "h")))
    if not rows:
        return None
    household: dict[str, Any] = dict(rows[0])
    if for_page:
        household["members"] = [dict(member) for member in household.pop("member_rows")]
        household["cadres"] = [dict(zip(CADRE, cadre, strict=True)) for cadre in household.pop("cadre_records")]
        household["history"] = [dict(zip(HISTORY, entry, strict=True)) for entry in household.pop("history_records")]
    return household


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
    """The user's villages for a filter or a form (raw SQL: every household list reads them)."""
    rows: list[dict[str, Any]] = await Village.raw(
        "SELECT v.id, v.name, v.closed_on FROM village v WHERE {} ORDER BY v.code", village_scope_sql(user, "v")
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
