"""The sorting column header (`sort_th`), written in Python: the same HTML the template macro wrote."""

from __future__ import annotations

from typing import Any

import pytest

from server.web.templating import build_environment

# The macro as templates/_macros.html had it before it became server.web.widgets.sort_th.
MACRO = (
    '{% macro old_th(label, key, order, url, params, cls="") -%}\n'
    "{% set current = order.lstrip('-') == key %}\n"
    "{% set next = '-' ~ key if current and not order.startswith('-') else key %}\n"
    '<th scope="col"{% if cls %} class="{{ cls }}"{% endif %}{% if current %}'
    " aria-sort=\"{{ 'descending' if order.startswith('-') else 'ascending' }}\"{% endif %}>"
    '<a class="sort" href="{{ url }}?{{ dict(params, sort=next, page=1)|urlencode }}">{{ label }}</a></th>\n'
    "{%- endmacro %}"
)
CALL = "{{ old_th(label, key, order, url, params, cls) }}|{{ sort_th(label, key, order, url, params, cls) }}"


@pytest.mark.parametrize(
    ("label", "key", "order", "params", "cls"),
    [
        ("Village", "village", "", {}, ""),
        ("Village", "village", "village", {}, "num"),
        ("Coverage", "percent", "-percent", {}, "num"),
        ("Not visited in 60 days", "un visited&<x>", "", {}, "num"),
        ("Village", "village", "-village", {"q": "王 & <b>", "page": 3}, ""),
        ("Coverage", "percent", "-unvisited", {"status": "poor", "sort": "x"}, "num"),
        ('<Days> & "late"', "late", "late", {"village": 7}, 'a"b'),
    ],
)
def test_the_sorting_header_is_the_macro_it_replaced(
    label: str, key: str, order: str, params: dict[str, Any], cls: str
) -> None:
    template = build_environment().from_string('{% from "_macros.html" import sort_th %}' + MACRO + CALL)
    old, new = template.render(
        label=label, key=key, order=order, url='/households?x="1"', params=params, cls=cls
    ).split("|")
    assert new == old


def test_the_urlencode_filter_writes_what_jinja2s_writes() -> None:
    """server.web.widgets.urlencode (every template's `urlencode`, and the headers') quotes a dict's always-safe
    texts and numbers at once and hands anything else to jinja2's url_quote: the same text for every value."""
    from jinja2.filters import do_urlencode

    from server.web.widgets import urlencode

    values: list[Any] = ["", "zs", "ZS", "王", "王 zs", "a+b", "a&b=c", "%", "%20", "/x", "~._-", " ", "\u00a0", "é"]
    values += ["<b>", "'", '"', "#", "?", "1234", 0, 7, -3, 10_000, 2.5, True, False, None, b"ab", ("a", "b")]
    for key in ("q", "village", "sort", "page", "a b", "王", 1):
        for value in values:
            assert urlencode({key: value, "page": 2}) == do_urlencode({key: value, "page": 2}), (key, value)
    for other in ("王 zs", [("q", "a b"), ("page", 1)], 12, {"q": "zs"}.items()):
        assert urlencode(other) == do_urlencode(other), other
