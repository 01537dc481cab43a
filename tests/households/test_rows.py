"""The register's rows written in Python (server/households/rows.py): every value escaped, the notes under the name."""

from __future__ import annotations

from typing import Any

from server.households.rows import household_rows
from server.i18n import current_locale


def _row(**fields: Any) -> dict[str, Any]:
    row = {
        "id": 7, "code": "371326105003-0021", "head_name": "张帅", "monitoring_type": None, "matched_id": "",
        "matched_phone": "", "matched_name": None, "village_name": "碌碌泉村", "group_name": "五组",
        "members_count": 3, "main_cause": "illness", "status": "not_out",
    }  # fmt: skip
    return {**row, **fields}


def test_every_value_is_escaped() -> None:
    hostile = '<b x="1">&\'</b>'
    escaped = "&lt;b x=&#34;1&#34;&gt;&amp;&#39;&lt;/b&gt;"
    fields = ("code", "head_name", "village_name", "group_name", "matched_id", "matched_phone", "main_cause", "status")
    row = _row(**dict.fromkeys(fields, hostile), monitoring_type=hostile, matched_name=hostile + "2")
    html = str(household_rows([row]))
    assert "<b x" not in html
    assert "</b>" not in html
    assert html.count(escaped) == 11  # tick, name, id, phone, member, village, group, cause, status, type, code
    assert f"勾选 {escaped}" in html
    assert f"成员：{escaped}2" in html


def test_the_notes_and_labels_of_a_row() -> None:
    plain = str(household_rows([_row()]))
    assert plain.startswith("<tr>\n")
    assert plain.endswith("</tr>\n")
    assert '<span class="tag tag--red">未脱贫</span>' in plain
    assert '<td class="num">3 人</td>' in plain, "a phone's card showed a bare 3 between the group and the cause"
    assert '<span class="nowrap">371326105003-0021</span>' in plain, "a phone broke the number at its hyphen"
    assert "<br>" not in plain
    assert "tag--orange" not in plain
    noted = str(household_rows([_row(monitoring_type="unstable", matched_id="3713***1234", matched_name="曾帅")]))
    assert '张帅</a> <span class="tag tag--orange">脱贫不稳定户</span><br>' in noted
    assert '<br><span class="muted">身份证 3713***1234</span><br>' in noted
    assert '<br><span class="muted">成员：曾帅</span></td>' in noted
    assert "成员" not in str(household_rows([_row(matched_name="张帅")]))  # the head matched: no member line
    nameless = str(household_rows([_row(head_name=None, status="none", main_cause=None)]))
    assert 'aria-label="勾选 371326105003-0021"' in nameless
    assert ">—</a>" in nameless
    assert '<span class="tag tag--grey">' in nameless
    token = current_locale.set("en")
    try:
        english = str(household_rows([_row()]))
    finally:
        current_locale.reset(token)
    assert "data-label" not in english  # a compact card shows no labels (the cells' values in one line)
    assert 'aria-label="Tick 张帅"' in english


def test_each_row_shows_its_own_cause_status_and_type_though_each_label_is_escaped_once_a_page() -> None:
    rows = [
        _row(main_cause="illness", status="not_out", monitoring_type="unstable"),
        _row(main_cause="disability", status="out_supported", monitoring_type=None),
        _row(main_cause="illness", status="not_out", monitoring_type="sudden"),
        _row(main_cause="disability", status="returned", monitoring_type="unstable"),
    ]
    cells = [
        (
            row.split('<td class="col-aside">')[1].split("</td>")[0],
            row.split("<td><span")[1].split("</td>")[0],
            row.count("tag--orange"),
        )
        for row in str(household_rows(rows)).split("</tr>\n")[:-1]
    ]
    assert cells == [
        ("因病", ' class="tag tag--red">未脱贫</span>', 1),
        ("因残", ' class="tag tag--green">已脱贫（享受政策）</span>', 0),
        ("因病", ' class="tag tag--red">未脱贫</span>', 1),
        ("因残", ' class="tag tag--red">返贫</span>', 1),
    ]
    html = str(household_rows(rows))
    assert html.count("脱贫不稳定户") == 2
    assert html.count("突发严重困难户") == 1
