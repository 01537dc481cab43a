"""The register's rows as the list shows them (templates/households/_rows.html), written here once per row.

A row has seven cells, each with its label for the phone's cards, and up to four notes under the head's name: as a
template, a row was some 25 pieces and a dozen lookups and escapes, about 25 µs (0.76 ms of a page of 30). Here each
row is one f-string of plain strings (0.24 ms a page, 0.08 since the page's texts are escaped in one call): every
value from the database is escaped once; the labels and catalog messages are taken once per page as the template
took them (trusted markup), a message's `%(name)s` filled with the value escaped, as `templating.filled` fills it.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from markupsafe import Markup, escape

from server import codes
from server.i18n import N_, current_locale, translations

_APART = "\0"  # between the texts escaped together: PostgreSQL's text never holds it


def household_rows(rows: list[dict[str, Any]]) -> Markup:
    """The `<tr>`s of the register's rows (`queries.search`'s), each followed by a newline."""
    catalog = translations(current_locale.get())

    def message(text: str) -> str:
        """A message of the catalog, as a template writes it (not escaped: our own text)."""
        return catalog.gettext(text)

    head, village, people = message(N_("Head of household")), message(N_("Village")), message(N_("People"))
    cause, status, number = message(N_("Main cause")), message(N_("Poverty status")), message(N_("Number"))
    tick, member = message(N_("Tick %(name)s")), message(N_("Member: %(name)s"))
    id_label, phone_label = message(N_("ID")), message(N_("Phone"))
    monitoring_types, causes = codes.MONITORING_TYPE.labels(), codes.POVERTY_CAUSE.labels()
    statuses, status_tags = codes.POVERTY_STATUS.labels(), codes.POVERTY_STATUS_TAGS
    # Every text of the page escaped in one call (escaping goes character by character, so the texts joined by a
    # character it leaves alone and that no text holds, NUL, split back the same): markupsafe's escape of each of
    # the ten texts of a row was half the rows' time.
    texts: list[str] = []
    for row in rows:
        monitoring_type = row["monitoring_type"]
        texts += (
            row["head_name"] or "", row["code"], row["village_name"], row["group_name"] or "",
            row["matched_name"] or "", row["matched_id"], row["matched_phone"],
            monitoring_types[monitoring_type] if monitoring_type else "", causes[row["main_cause"]],
            statuses[row["status"]],
        )  # fmt: skip
    escaped = iter(str(escape(_APART.join(texts))).split(_APART))
    shown = []
    for row in rows:
        head_name, code, village_name, group_name, matched_name, matched_id, matched_phone = islice(escaped, 7)
        monitoring_type, main_cause, poverty_status = islice(escaped, 3)
        notes = ""
        if monitoring_type:
            notes += f' <span class="tag tag--orange">{monitoring_type}</span>'
        if matched_id:
            notes += f'<br><span class="muted">{id_label} {matched_id}</span>'
        if matched_phone:
            notes += f'<br><span class="muted">{phone_label} {matched_phone}</span>'
        if matched_name and row["matched_name"] != row["head_name"]:
            notes += f'<br><span class="muted">{member % {"name": matched_name}}</span>'
        household_id = row["id"]
        shown.append(
            "<tr>\n"
            f'  <td class="col-check only-desk"><input class="check" type="checkbox" name="household"'
            f' value="{household_id}" form="bulk-cards"'
            f' aria-label="{tick % {"name": head_name or code}}"></td>\n'
            f'  <td class="card-title" data-label="{head}"><a class="name" href="/households/{household_id}"'
            f' data-pane="household-pane">{head_name or "—"}</a>{notes}</td>\n'
            f'  <td class="nowrap-desk" data-label="{village}">{village_name}{group_name}</td>\n'
            f'  <td class="num" data-label="{people}">{row["members_count"]}</td>\n'
            f'  <td class="col-aside" data-label="{cause}">{main_cause}</td>\n'
            f'  <td data-label="{status}"><span class="tag {status_tags.get(row["status"], "tag--grey")}">'
            f"{poverty_status}</span></td>\n"
            f'  <td class="nowrap-desk" data-label="{number}">{code}</td>\n'
            "</tr>\n"
        )
    return Markup("".join(shown))  # noqa: S704 -- every value above is escaped, the messages are our catalog's
