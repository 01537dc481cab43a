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
