"""The coverage page's village rows (templates/pairing/coverage.html), written in Python once per row.

Each row has seven cells, four sentences for screen readers and a bar: as template code that was about 1 ms a page of
26 villages (a few dozen lookups, escapes and markup objects a row). Here each label is translated once per page,
each village's name escaped once, and the numbers need no escaping; the HTML is the template's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from server.i18n import N_, current_locale, translations
from server.numbers import whole_percent
from server.pairing.coverage import VillageFigures
from server.web.templating import filled
from server.web.widgets import percent_bar

# The cells' labels (a phone shows each cell as a card line under its label) and the sentences a screen reader says
# after each figure; the column of the unvisited figure is labelled with the township's alert days, as its header is.
LABELS = {
    "village": N_("Village"),
    "covered": N_("Covered"),
    "coverage": N_("Coverage"),
    "overdue": N_("Follow-ups overdue"),
    "plan": N_("Plan items overdue"),
    "cadres": N_("Cadres based here meeting quota"),
    "key": N_("Key village"),
}
UNVISITED_LABEL = N_("Not visited in %(n)s days")
SENTENCES = {
    "covered": N_("%(village)s: %(n)s not covered"),
    "unvisited": N_("%(village)s: %(n)s not visited"),
    "overdue": N_("%(village)s: %(n)s follow-ups overdue"),
    "plan": N_("%(village)s: %(n)s plan items overdue"),
}


# A figure's class and its row's: warned when it is not zero.
WARN, WARN_ROW = ("", " text-warn"), ("", ' class="is-warn"')


def village_rows(villages: Iterable[VillageFigures], alert_days: int) -> Markup:
    """The `<tr>`s of the villages in their order (with their plan items overdue); `alert_days`: the township's days
    after which a household counts as not visited (in a column's label). Labels and names are plain `str` here (an
    f-string copies a `str` as it is, a `Markup` through its `__format__`: a fifth of the rows' time)."""
    gettext = translations(current_locale.get()).gettext
    label = {key: gettext(message) for key, message in LABELS.items()}
    covered_said, unvisited_said, overdue_said, plan_said = (gettext(SENTENCES[key]) for key in SENTENCES)
    unvisited_label = str(filled(gettext(UNVISITED_LABEL), {"n": alert_days}))
    key_tag = f' <span class="tag tag--orange">{label["key"]}</span>'
    rows = []
    for v in villages:
        name = str(escape(v.name))
        covered, households, unvisited, overdue, plan = v.covered, v.households, v.unvisited, v.overdue, v.plan_overdue
        uncovered, percent = households - covered, whole_percent(covered, households)
        rows.append(
            f'  <tr data-village="{name}"{WARN_ROW[uncovered > 0]}>\n'
            f'    <td class="card-title" data-label="{label["village"]}">{name}{key_tag if v.key_level else ""}</td>\n'
            f'    <td class="num" data-label="{label["covered"]}">'
            f'<a class="figure village-covered{WARN[uncovered > 0]}" href="/coverage/uncovered?village={v.id}">'
            f'{covered}/{households}<span class="sr-only">'
            f" {covered_said % {'village': name, 'n': uncovered}}</span></a></td>\n"
            f'    <td class="num" data-label="{label["coverage"]}"><span class="village-percent">{percent}%</span>'
            f"{percent_bar(percent)}</td>\n"
            f'    <td class="num" data-label="{unvisited_label}"><a class="figure{WARN[unvisited > 0]}"'
            f' href="/coverage/unvisited?village={v.id}">{unvisited}<span class="sr-only">'
            f" {unvisited_said % {'village': name, 'n': unvisited}}</span></a></td>\n"
            f'    <td class="num" data-label="{label["overdue"]}"><a class="figure{WARN[overdue > 0]}"'
            f' href="/coverage/overdue?village={v.id}">{overdue}<span class="sr-only">'
            f" {overdue_said % {'village': name, 'n': overdue}}</span></a></td>\n"
            f'    <td class="num" data-label="{label["plan"]}"><a class="figure{WARN[plan > 0]}"'
            f' href="/plans/due?village={v.id}" data-plan-overdue-village>{plan}<span class="sr-only">'
            f" {plan_said % {'village': name, 'n': plan}}</span></a></td>\n"
            f'    <td class="num" data-label="{label["cadres"]}">'
            f"{v.leaders_meeting + v.members_meeting}/{v.leaders + v.members}</td>\n"
            "  </tr>\n"
        )
    return Markup("".join(rows))  # noqa: S704 -- the catalog's text, every name escaped, the rest numbers
