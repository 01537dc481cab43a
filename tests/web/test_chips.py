"""The filter chips (`chip`, `chip_select`) and a select's options (`options`), written in Python: the same HTML the
templates wrote."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from server.web.templating import build_environment

# The macros as templates/_macros.html had them before they became server.web.widgets.chip and chip_select.
MACROS = (
    "{% macro old_chip(name, value, text, current) -%}\n"
    '<label class="chip"><input type="radio" name="{{ name }}" value="{{ value }}"'
    "{{ ' checked' if (current or '')|string == value|string }}><span>{{ text }}</span></label>\n"
    "{%- endmacro %}\n"
    "{% macro old_select(name, label, choices, value, blank) -%}\n"
    '<label class="chip chip--select"><span class="sr-only">{{ label }}</span>'
    '<select class="chip-select{{ \' is-set\' if value }}" name="{{ name }}">\n'
    '  <option value="">{{ blank }}</option>\n'
    "  {% set chosen = (value or '')|string %}\n"
    "  {% for code, text in choices %}<option value=\"{{ code }}\"{{ ' selected' if code|string == chosen }}>"
    "{{ text }}</option>{% endfor %}\n"
    "</select></label>\n"
    "{%- endmacro %}"
)
IMPORT = '{% from "_macros.html" import chip, chip_select %}'


@pytest.mark.parametrize(
    ("name", "value", "text", "current"),
    [
        ("status", "", "All statuses", ""),
        ("status", "", "All statuses", "not_out"),
        ("status", "not_out", "未脱贫", "not_out"),
        ("status", "not_out", "未脱贫", None),
        ("role", "cadre", Markup("<b>Cadre</b>"), "admin"),
        ("village", 7, 'A "village" & <b>', 7),
        ("village", 7, "Seven", "7"),
        ('a"b', "<x>", "<y>", "<x>"),
    ],
)
def test_a_chip_is_the_macro_it_replaced(name: str, value: Any, text: str, current: Any) -> None:
    template = build_environment().from_string(
        IMPORT + MACROS + "{{ old_chip(name, value, text, current) }}|{{ chip(name, value, text, current) }}"
    )
    old, new = template.render(name=name, value=value, text=text, current=current).split("|")
    assert new == old


@pytest.mark.parametrize(
    ("choices", "value"),
    [
        ([], None),
        ([(1, "双河村"), (2, "南庞庄"), (3, "<b> & \"'")], None),
        ([(1, "双河村"), (2, "南庞庄")], 2),
        ([(1, "双河村"), (2, "南庞庄")], "2"),
        ([(1, "双河村"), (12, "十二")], 1),
        ([("township", Markup("<i>镇</i>")), ("x", "y")], "x"),
        ([(1, "One")], 99),
        ([(1, "One")], ""),
    ],
)
def test_a_select_chip_is_the_macro_it_replaced(choices: list[tuple[Any, str]], value: Any) -> None:
    call = (
        "{{ old_select('village', label, choices, value, blank) }}"
        "|{{ chip_select('village', label, choices, value, blank) }}"
    )
    template = build_environment().from_string(IMPORT + MACROS + call)
    old, new = template.render(label='Vil"lage', choices=choices, value=value, blank="All <villages>").split("|")
    assert new == old


@pytest.mark.parametrize(
    ("choices", "value"),
    [
        ([], ""),
        ([("login", "登录"), ("export", "导出")], ""),
        ([("login", "登录"), ("export", "导出")], "export"),
        ([("a&b", "<b> & \"'"), ("x", Markup("<i>y</i>"))], "a&b"),
        ([("login", "登录")], "gone"),
    ],
)
def test_a_selects_options_are_the_loop_they_replaced(choices: list[tuple[str, str]], value: str) -> None:
    """The audit trail's filters wrote their options with this loop (templates/audit/search.html)."""
    loop = (
        '{% for code, label in choices %}<option value="{{ code }}"{% if code == value %} selected{% endif %}>'
        "{{ label }}</option>{% endfor %}"
    )
    template = build_environment().from_string(loop + "|{{ options(choices, value) }}")
    old, new = template.render(choices=choices, value=value).split("|")
    assert new == old
