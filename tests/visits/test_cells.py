"""The visit list's cards and a visit's measures written in Python (server/visits/cells.py): as the templates wrote
them (jinja2's `truncate(80)`, `"%.2f"|format`), every value escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment

from server.visits.cells import measures_text, overdue_village_rows, short_note, visit_cells


def test_a_note_is_cut_as_jinja2_truncate_cuts_it() -> None:
    environment = Environment()
    truncate = environment.filters["truncate"]
    notes = ["", "短", "查看住房" * 21, "查看住房" * 22, "a " * 40, "a " * 43, "word " * 30, "x" * 85, "x" * 86]
    for note in notes + [note + " tail" for note in notes]:
        assert short_note(note) == truncate(environment, note, 80), note


def test_measures_are_one_line_with_every_value_escaped() -> None:
    measures = [
        {"type": "education", "amount": Decimal("1400"), "note": None},
        {"type": "<i>", "amount": None, "note": '<b>"&'},
        {"type": "industry", "amount": Decimal("0.5"), "note": "x"},
    ]
    text = str(measures_text(measures))
    assert text.startswith("教育扶持 1400.00元; &lt;i&gt;(&lt;b&gt;&#34;&amp;); ")
    assert text.endswith(" 0.50元(x)")
    assert str(measures_text([])) == ""


def _visit(**fields: Any) -> dict[str, Any]:
    visit = {
        "id": 93, "kind": "home", "head": "陈勇", "village_name": "双河村", "cadre_name": "刘晓燕", "note": "",
        "visited_at": datetime(2026, 12, 2, 6, 45, tzinfo=UTC), "photos": [], "missing_photos": 0, "measures": [],
    }  # fmt: skip
    return {**visit, **fields}


def test_a_card_escapes_its_values_and_shows_what_it_has() -> None:
    plain = str(visit_cells([_visit()]))
    assert plain.startswith('<a class="cell visit-cell" href="/visits/93">')
    assert plain.endswith("</a>")
    assert "2026-12-02 14:45 · 刘晓燕    </div>" in plain
    assert "visit-cell__note" not in plain
    hostile = '<b>"&'
    card = str(visit_cells([_visit(head=hostile, village_name=hostile, cadre_name=hostile, note=hostile,
                                   distance=hostile, photos=[{}, {}], missing_photos=1)]))  # fmt: skip
    assert "<b>" not in card
    assert card.count("&lt;b&gt;&#34;&amp;") == 5
    assert " · 2 张照片" in card


def test_the_overdue_rows_escape_the_village_and_warn_where_a_figure_is_not_zero() -> None:
    villages = [{"id": 7, "name": "<i>村", "households": 71, "overdue": 16, "unvisited": 0},
                {"id": 8, "name": "石岭村", "households": 3, "overdue": 0, "unvisited": 0}]  # fmt: skip
    first, second = str(overdue_village_rows(villages)).splitlines(keepends=True)[::3][:2]
    assert first.startswith('      <tr class="is-warn"><td class="card-title" data-label="村">&lt;i&gt;村</td>')
    assert second.startswith('      <tr><td class="card-title" data-label="村">石岭村</td>')
    html = str(overdue_village_rows(villages))
    assert "<i>" not in html
    assert '"figure text-warn" href="/coverage/overdue?village=7">16<span class="sr-only"> &lt;i&gt;村：16 户' in html
    assert '"figure" href="/coverage/unvisited?village=7">0<span class="sr-only"> &lt;i&gt;村：0 户未走访' in html
