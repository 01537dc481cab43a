"""The visit list's cards (`/visits`, templates/visits/index.html) and the measures of a visit as one line of text,
written here once per visit: as a macro, a card was some thirty pieces, lookups and escapes and a macro call for its
measures, about 27 µs (0.8 ms of a list of 30). Each value from the database is escaped once; the catalog's messages
are trusted markup, as a template takes them, a message's `%(name)s` filled with the value escaped.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from server import codes
from server.clock import local_date, local_time
from server.i18n import N_, current_locale, translations
from server.visits.codes import FOLLOW_UP_REASON, VISIT_KIND

NOTE_LENGTH = 80  # a longer note is cut at a word, as jinja2's `truncate(80)` cuts it (5 characters of leeway)
NOTE_LEEWAY = 5
NOTE_END = "..."


def _message(text: str) -> str:
    """A message of the catalog in the request's language, as a template writes it (not escaped: our own text)."""
    return translations(current_locale.get()).gettext(text)


def short_note(note: str) -> str:
    """`note|truncate(80)` of jinja2 (not escaped)."""
    if len(note) <= NOTE_LENGTH + NOTE_LEEWAY:
        return note
    return note[: NOTE_LENGTH - len(NOTE_END)].rsplit(" ", 1)[0] + NOTE_END


def measures_text(measures: list[dict[str, Any]]) -> Markup:
    """'教育扶持 1400.00元(note); 产业奖补 …': each measure's type, its amount in yuan and its note."""
    yuan, types = _message(N_("yuan")), codes.MEASURE_TYPE
    parts = []
    for measure in measures:
        text = str(escape(types.label(measure["type"])))
        if measure["amount"] is not None:
            text += f" {'{:.2f}'.format(measure['amount'])}{yuan}"
        if measure["note"]:
            text += f"({escape(measure['note'])})"
        parts.append(text)
    return Markup("; ".join(parts))  # noqa: S704 -- every value is escaped


class _EscapedOnce(dict[str, str]):
    """Texts escaped once for a whole list: the cadre's name, the villages and the kinds repeat from card to card
    (five escapes a card, each a Markup made, were half of a cadre's list of 30)."""

    def __missing__(self, text: str) -> str:
        value = self[text] = str(escape(text))
        return value


def visit_cells(visits: list[dict[str, Any]]) -> Markup:
    """The cards of the visit list: the kind, household and village, time and cadre, photos (and those still to
    come), the distance from the household (leaders), the note cut at 80 characters and the measures."""
    kinds = VISIT_KIND.labels()
    photos_text, coming_text = _message(N_("%(n)s photos")), _message(N_("%(n)s photos still to come"))
    distance_text = _message(N_("%(d)s from the household"))
    escaped = _EscapedOnce()
    cards = []
    for visit in visits:
        facts = ""
        if visit["photos"]:
            facts += f" · {photos_text % {'n': len(visit['photos'])}}"
        if visit["missing_photos"]:
            facts += f' <span class="tag tag--orange">{coming_text % {"n": visit["missing_photos"]}}</span>'
        if visit.get("distance"):
            facts += f' · <span class="nowrap" data-distance>{distance_text % {"d": escape(visit["distance"])}}</span>'
        notes = ""
        if visit["note"]:
            notes += f'<div class="cell__desc visit-cell__note">{escape(short_note(visit["note"]))}</div>'
        if visit["measures"]:
            notes += f'<div class="cell__desc">{measures_text(visit["measures"])}</div>'
        cards.append(
            f'<a class="cell visit-cell" href="/visits/{visit["id"]}">\n'
            '  <div class="cell__body">\n'
            '    <div class="cell__title">\n'
            f'      <span class="tag tag--green">{escaped[kinds[visit["kind"]]]}</span>\n'
            f'{escape(visit["head"] or "")} <span class="muted">{escaped[visit["village_name"]]}</span>    </div>\n'
            f'    <div class="cell__desc">{local_time(visit["visited_at"])} · {escaped[visit["cadre_name"]]}'
            f"{facts}    </div>\n"
            f"{notes}  </div>\n"
            "</a>"
        )
    return Markup("".join(cards))  # noqa: S704 -- every value is escaped, the messages are our catalog's


def follow_up_cells(follow_ups: list[dict[str, Any]]) -> Markup:
    """The cards of the cadre's due follow-ups (`queries.due_follow_ups`'s, on the visit list and /follow-ups,
    templates/visits/_follow_up_rows.html): the household's head (else its code) and village, the reason and note, and
    the due day, overdue ones marked. As the template's loop, a card was a dozen lookups, escapes and calls (9 µs)."""
    reasons, overdue_text = FOLLOW_UP_REASON.labels(), _message(N_("Overdue"))
    escaped = _EscapedOnce()
    cards = []
    for row in follow_ups:
        overdue = row["overdue"]
        note = f" · {escape(row['note'])}" if row["note"] else ""
        cards.append(
            f'  <a class="cell{" cell--warn" if overdue else ""}" href="/households/{row["household"]}/visits/new">\n'
            '    <div class="cell__body">\n'
            f'      <div class="cell__title">{escape(row["head"] or row["code"])}'
            f' <span class="muted">{escaped[row["village_name"]]}</span></div>\n'
            f'      <div class="cell__desc">{escaped[reasons[row["reason"]]]}{note}</div>\n'
            "    </div>\n"
            f'    <div class="cell__ft{" text-warn" if overdue else ""}">{f"{overdue_text} " if overdue else ""}'
            f"{local_date(row['due_on'])}</div>\n"
            "  </a>\n"
        )
    return Markup("".join(cards))  # noqa: S704 -- every value is escaped, the messages are our catalog's


def overdue_village_rows(villages: list[dict[str, Any]]) -> Markup:
    """The rows of the leaders' overdue page (`pages.village_follow_up_overview`'s villages): each village's
    households, and its households with an overdue follow-up and not visited, each a link to the households behind
    it with a sentence for screen readers (a template row was 20 µs, 0.5 ms of a township's 26 villages)."""
    village_label, households_label = _message(N_("Village")), _message(N_("Households"))
    overdue_label, unvisited_label = _message(N_("Overdue")), _message(N_("Not visited"))
    overdue_text = _message(N_("%(village)s: %(n)s follow-ups overdue"))
    unvisited_text = _message(N_("%(village)s: %(n)s not visited"))
    rows = []
    for village in villages:
        # The name as a plain str: an f-string copies it as it is, a Markup through its __format__.
        name, overdue, unvisited = str(escape(village["name"])), village["overdue"], village["unvisited"]
        warn = ' class="is-warn"' if overdue or unvisited else ""
        overdue_warn, unvisited_warn = " text-warn" if overdue else "", " text-warn" if unvisited else ""
        rows.append(
            f'      <tr{warn}><td class="card-title" data-label="{village_label}">{name}</td>'
            f'<td class="num" data-label="{households_label}">{village["households"]}</td>\n'
            f'        <td class="num" data-label="{overdue_label}"><a class="figure{overdue_warn}"'
            f' href="/coverage/overdue?village={village["id"]}">{overdue}'
            f'<span class="sr-only"> {overdue_text % {"village": name, "n": overdue}}</span></a></td>\n'
            f'        <td class="num" data-label="{unvisited_label}"><a class="figure{unvisited_warn}"'
            f' href="/coverage/unvisited?village={village["id"]}">{unvisited}'
            f'<span class="sr-only"> {unvisited_text % {"village": name, "n": unvisited}}</span></a></td></tr>\n'
        )
    return Markup("".join(rows))  # noqa: S704 -- every value is escaped, the messages are our catalog's
