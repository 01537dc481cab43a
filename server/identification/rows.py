"""The identification overview's village cells (templates/identification/index.html), written in Python once per
village.

Each village's cell has its applications by step (a tag each), a sentence of its registered people against the scale
guidance and a bar labelled with another: as template code, two macro calls, two sentences and a dozen lookups a
village were three quarters of the page's render. Here each label is translated once per page, each village's name
escaped once, and the numbers need no escaping; the HTML is the template's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from server.i18n import N_, current_locale, translations
from server.identification.queries import VillageOverview
from server.identification.workflow import STATE_LABELS, State

KEY_VILLAGE = N_("Key village")
NO_APPLICATIONS = N_("No applications")
REGISTERED = N_("Registered %(people)s of %(population)s people (%(percent)s%%, guide about %(guide)s%%)")
BAR_LABEL = N_("%(percent)s%% of the population registered; guide about %(guide)s%%")
# A step's tag colour (the macro `state_tag` of templates/identification/_identification_macros.html).
COLOURS = {State.REGISTERED: "green", State.STRUCK_OUT: "grey", State.NOTICED: "orange", State.APPROVED: "green"}


def village_cells(villages: Iterable[VillageOverview]) -> Markup:
    """The `<li>`s of the villages in their order (`villages_overview`'s: counts by step, guidance)."""
    gettext = translations(current_locale.get()).gettext
    tags = {
        state: f'<span class="tag{" tag--" + COLOURS[state] if state in COLOURS else ""}">{gettext(label)}</span>'
        for state, label in STATE_LABELS.items()
    }
    key_tag = f' <span class="tag tag--orange">{gettext(KEY_VILLAGE)}</span>'
    none, registered, bar_label = gettext(NO_APPLICATIONS), gettext(REGISTERED), gettext(BAR_LABEL)
    cells = []
    for v in villages:
        g = v.guidance
        figures = {"people": g.people, "population": g.population, "percent": g.percent, "guide": g.guide_percent}
        counts = "".join(f"{tags[state]} {n} " for state, n in v.counts) if v.counts else none
        badge = f'<span class="cell__ft"><span class="badge">{v.open}</span></span>' if v.open else ""
        cells.append(
            "  <li>\n"
            f'    <a class="cell" href="/identification/villages/{v.id}">\n'
            '      <div class="cell__body">\n'
            f'        <div class="cell__title">{escape(v.name)}{key_tag if v.key_level else ""}</div>\n'
            f'        <div class="cell__desc">\n{counts}        </div>\n'
            f'        <div class="cell__desc">{registered % figures}</div>\n'
            '        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img"\n'
            f'     aria-label="{bar_label % figures}">\n'
            '  <rect class="bar__track" x="0" y="0" width="100" height="10"/>\n'
            f'  <rect class="bar__fill{" bar__fill--warn" if g.over else ""}" x="0" y="0" width="{g.bar_width}"'
            ' height="10"/>\n</svg>\n'
            "      </div>\n"
            f"{badge}    </a>\n"
            "  </li>\n"
        )
    return Markup("".join(cells))  # noqa: S704 -- the catalog's text, every name escaped, the rest numbers
