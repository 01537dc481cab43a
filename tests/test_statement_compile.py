"""A statement built as nested QueryStrings is sent as the very text and values piccolo's own compile gives
(`piccolo_conf.compiled`, which parses each template once, for every statement the engine runs): nested parts, a
trailing or leading placeholder, a column as an argument, the monitoring overview's whole statement; an escaped brace
is one brace of the text."""

from __future__ import annotations

from datetime import date

from piccolo.querystring import QueryString

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.households.tables import Household
from server.monitoring import queries, rate
from server.piccolo_conf import compiled
from server.places.tables import Village


def test_nested_parts_and_columns_compile_as_piccolo_compiles_them() -> None:
    scope = QueryString("h.village IN (SELECT id FROM village WHERE township = {})", 7)
    statement = QueryString(
        "SELECT h.id FROM household h WHERE {} AND {} = {} AND h.status = ANY({})",
        scope,
        Household.code,
        "A-1",
        QueryString("{}::text[]", ["not_out", "lifted"]),
    )
    for query in (statement, scope, QueryString("{}", 1), QueryString("{} tail", QueryString("")), QueryString("")):
        assert compiled(query) == query.compile_string()
        assert compiled(query) == query.compile_string()  # the second time from the parsed templates kept
    sql, values = compiled(statement)
    assert '"household"."code" = $2' in sql
    assert "ANY($3::text[])" in sql
    assert values == [7, "A-1", ["not_out", "lifted"]]


def test_an_escaped_brace_is_a_brace_of_the_statement_not_a_placeholder() -> None:
    statement = QueryString("SELECT '{{1,2}}'::int[] @> ARRAY[{}]", QueryString("{}::int", 2))
    assert compiled(statement) == ("SELECT '{1,2}'::int[] @> ARRAY[$1::int]", [2])


async def test_the_engine_runs_the_orm_s_statements_and_raw_ones_as_compiled(township: dict[str, int]) -> None:
    # (the fixture's places were saved by the ORM, as these are read)
    found = await Village.select(Village.name).where(Village.township == township["township"])
    assert found == [{"name": "双河村"}]
    # piccolo's own compile wrote this statement with the text before the escaped brace as a placeholder's
    rows = await Household.raw("SELECT '{{1,2}}'::int[] AS pair, {}::int + {}::int AS sum", 3, 4)
    assert rows == [{"pair": [1, 2], "sum": 7}]


def test_the_monitoring_overview_statement_compiles_as_piccolo_compiles_it() -> None:
    leader = CurrentUser(
        id=1, username="l", display_name="l", role=Role.LEADER, township_id=3, village_id=None, employer_id=None,
        locale="zh_CN", session_key="k",
    )  # fmt: skip
    today = date(2026, 12, 7)
    more = QueryString("{} {} {}", *queries._open_cases_parts(leader, 10, 0), rate.township_rate_query(leader, today))
    statement = queries._risks_query(leader, 2026, 10, 0, more)
    assert compiled(statement) == statement.compile_string()
