"""The register's rows as the list shows them (templates/households/_rows.html), written here once per row.

A row has seven cells and up to four notes under the head's name: as a template, a row was some 25 pieces and a dozen
lookups and escapes, about 25 µs (0.76 ms of a page of 30). Here each row is one f-string of plain strings (0.24 ms a
page): every value from the database is escaped once (the head's name and the code, shown twice, escaped once each;
the village and its group, shown as one text, escaped as one); the catalog messages are taken once per page as the
template took them (trusted markup), a message's `%(name)s` filled with the value escaped, as `templating.filled`
fills it. The cells carry no `data-label`: the register is a compact card on a phone (`table--compact`), whose cells
show their values in one grey line without labels (static/css/app.css), so the labels were 4 KB a page never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from server import codes
from server.i18n import N_, current_locale, translations


def household_rows(rows: list[dict[str, Any]]) -> Markup:
    """The `<tr>`s of the register's rows (`queries.search`'s), each followed by a newline."""
    catalog = translations(current_locale.get())

    def message(text: str) -> str:
        """A message of the catalog, as a template writes it (not escaped: our own text)."""
        return catalog.gettext(text)

    tick, member, people = message(N_("Tick %(name)s")), message(N_("Member: %(name)s")), message(N_("%(n)s people"))
    id_label, phone_label = message(N_("ID")), message(N_("Phone"))
    monitoring_types, causes = Escaped(codes.MONITORING_TYPE.labels()), Escaped(codes.POVERTY_CAUSE.labels())
    statuses = StatusTags(codes.POVERTY_STATUS.labels())
    shown = []
    for row in rows:
        head_name, code = row["head_name"], escape(row["code"])
        head = escape(head_name) if head_name else None
        notes = ""
        if row["monitoring_type"]:
            notes += f' <span class="tag tag--orange">{monitoring_types[row["monitoring_type"]]}</span>'
        if row["matched_id"]:
            notes += f'<br><span class="muted">{id_label} {escape(row["matched_id"])}</span>'
        if row["matched_phone"]:
            notes += f'<br><span class="muted">{phone_label} {escape(row["matched_phone"])}</span>'
        matched_name = row["matched_name"]
        if matched_name and matched_name != head_name:
            notes += f'<br><span class="muted">{member % {"name": escape(matched_name)}}</span>'
        household_id = row["id"]
        shown.append(
            "<tr>\n"
            f'  <td class="col-check only-desk"><input class="check" type="checkbox" name="household"'
            f' value="{household_id}" form="bulk-cards"'
            f' aria-label="{tick % {"name": head or code}}"></td>\n'
            f'  <td class="card-title"><a class="name" href="/households/{household_id}"'
            f' data-pane="household-pane">{head or "—"}</a>{notes}</td>\n'
            f'  <td class="nowrap-desk">{escape(row["village_name"] + (row["group_name"] or ""))}</td>\n'
            f'  <td class="num">{people % {"n": row["members_count"]}}</td>\n'
            f'  <td class="col-aside">{causes[row["main_cause"]]}</td>\n'
            f"  <td>{statuses[row['status']]}</td>\n"
            f'  <td class="nowrap-desk"><span class="nowrap">{code}</span></td>\n'
            "</tr>\n"
        )
    return Markup("".join(shown))  # noqa: S704 -- every value above is escaped, the messages are our catalog's


class Escaped(dict[str, str]):
    """A code list's labels (`CodeList.labels()`), each escaped once a page, when a row first shows it: a page of 30
    rows shows a handful of causes and statuses, which were escaped once a row (60-90 escapes a page)."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        super().__init__()
        self.labels = labels

    def __missing__(self, code: str) -> str:
        shown = self[code] = escape(self.labels[code])
        return shown


class StatusTags(Escaped):
    """The status cell's tag for each status: its colour and its label escaped, once a page."""

    def __missing__(self, code: str) -> str:
        tag = codes.POVERTY_STATUS_TAGS.get(code, "tag--grey")
        shown = self[code] = f'<span class="tag {tag}">{escape(self.labels[code])}</span>'
        return shown
