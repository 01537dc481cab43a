"""The bars of a statistics chart are placed in Python as the template placed them."""

from __future__ import annotations

from jinja2 import Environment
from jinja2.filters import do_truncate

from server.statistics.tables import bar_chart


def test_bars_are_scaled_to_the_largest_value_and_long_names_cut_as_jinja_truncate_cut_them() -> None:
    names = ["短", "一二三四五六七八九", "一二三四五六七八九十一二三四", "一二三四五六七八九十一二三四五", "x" * 40]
    bars = bar_chart([(name, float(n + 1)) for n, name in enumerate(names)])
    assert [bar.label for bar in bars] == [do_truncate(Environment(), name, 9, True, "…") for name in names]
    assert bars[3].label == "一二三四五六七八…"
    assert [bar.width for bar in bars] == [40.0, 80.0, 120.0, 160.0, 200.0]
    assert [bar.top for bar in bars] == [0, 22, 44, 66, 88]
    assert bar_chart([("a", 2.5), ("b", 10.0)])[0].value == "2.5"
    assert bar_chart([("a", 2.0)])[0].value == "2"
    assert bar_chart([("a", 1 / 3), ("b", 1.0)])[0].value == "0.33"
    assert bar_chart([("a", 0.0)]) == []
    assert bar_chart([]) == []
