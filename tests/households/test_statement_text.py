"""The register's search statement is composed as text (`sql_text.Sql`): nested parts and the scope's QueryString give
the statement and values piccolo's QueryString gives for the same composition; a malformed template is refused."""

from __future__ import annotations

import pytest
from piccolo.querystring import QueryString

from server.households.sql_text import Sql


def test_nested_parts_compile_to_the_statement_and_values_piccolo_gives() -> None:
    scope = QueryString("h.village IN (SELECT id FROM village WHERE township = {})", 7)
    term = Sql("(m.name LIKE {} OR m.initials LIKE {})", "%王%", "w%")
    composed = Sql("SELECT h.id FROM household h WHERE {} AND {} AND h.status = {}", scope, term, "not_out")
    nested = QueryString(
        "SELECT h.id FROM household h WHERE {} AND {} AND h.status = {}",
        scope,
        QueryString("(m.name LIKE {} OR m.initials LIKE {})", "%王%", "w%"),
        "not_out",
    )
    assert composed.compile_string() == nested.compile_string()
    assert composed.compile_string()[1] == [7, "%王%", "w%", "not_out"]
    assert composed.query().compile_string() == nested.compile_string()


def test_a_template_whose_placeholders_and_values_differ_or_that_escapes_braces_is_refused() -> None:
    with pytest.raises(ValueError, match="placeholders"):
        Sql("h.id = {} AND h.code = {}", 1)
    with pytest.raises(ValueError, match="escaped braces"):
        Sql("SELECT '{{}}'::int[] WHERE h.id = {}", 1)
