"""The visit list's cards and a visit's measures written in Python (server/visits/cells.py): as the templates wrote
them (jinja2's `truncate(80)`, `"%.2f"|format`), every value escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment

from server.i18n import current_locale
from server.visits.cells import follow_up_cells, measures_text, overdue_village_rows, short_note, visit_cells
from server.visits.codes import FOLLOW_UP_REASON
from server.web.templating import build_environment


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


# The loop of templates/visits/_follow_up_rows.html before server.visits.cells.follow_up_cells wrote its cards.
FOLLOW_UP_LOOP = """{% for row in follow_ups %}
  <a class="cell{{ ' cell--warn' if row.overdue }}" href="/households/{{ row.household }}/visits/new">
    <div class="cell__body">
      <div class="cell__title">{{ row.head or row.code }} <span class="muted">{{ row.village_name }}</span></div>
      <div class="cell__desc">{{ follow_up_reasons.label(row.reason) }}{% if row.note %} · {{ row.note }}{% endif %}\
</div>
    </div>
    <div class="cell__ft{{ ' text-warn' if row.overdue }}">\
{% if row.overdue %}{{ _("Overdue") }} {% endif %}{{ row.due_on|local_date }}</div>
  </a>
  {% endfor %}
"""


def test_the_follow_up_cards_are_the_template_loop_they_replaced() -> None:
    hostile = "<b>\"&'"
    rows = [
        {"id": 1, "household": 55, "due_on": date(2026, 11, 6), "reason": "schedule", "note": "", "overdue": True,
         "code": "371326105001-0055", "head": "易红霞", "village_name": "双河村"},
        {"id": 2, "household": 7, "due_on": date(2026, 12, 12), "reason": "placement", "note": hostile,
         "overdue": False, "code": hostile, "head": None, "village_name": hostile},
        {"id": 3, "household": 8, "due_on": date(2027, 1, 1), "reason": "unknown<", "note": "3个月回访",
         "overdue": True, "code": "c", "head": hostile, "village_name": "双河村"},
        {"id": 4, "household": 9, "due_on": date(2026, 12, 8), "reason": "measure", "note": None, "overdue": False,
         "code": "d", "head": "", "village_name": ""},
    ]  # fmt: skip
    template = build_environment().from_string(FOLLOW_UP_LOOP)
    for locale in ("zh_CN", "en"):
        token = current_locale.set(locale)
        try:
            expected = template.render(follow_ups=rows, follow_up_reasons=FOLLOW_UP_REASON)
            assert str(follow_up_cells(rows)) == expected, locale
            assert "<b>" not in expected
        finally:
            current_locale.reset(token)  # the next tests read the default language
    assert str(follow_up_cells([])) == ""
