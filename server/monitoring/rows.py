"""The monitoring lists' rows (the risks to check, the open risk cases, rates' lines and bars) and a case's state tag,
written here once.

As a macro, a risk row was some twenty pieces, a dozen lookups and escapes and two formatted messages, about 15 µs
(1.8 ms of the risk list's 120 rows), a case row or a village's rate about as much. Here each row is one f-string:
every value from the database is escaped once; the catalog's messages are taken once per list, as a template takes
them (trusted markup), a message's `%(name)s` filled with the value escaped, as `templating.filled` fills it. The HTML
is the macros' own, byte for byte (templates/monitoring/risks.html, index.html and rate.html show them, and the
county's home its townships' rates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

from server.clock import local_date
from server.codes import POVERTY_STATUS
from server.i18n import N_, current_locale, translations
from server.monitoring.codes import RISK_SOURCE
from server.monitoring.rate import Rate
from server.visits.codes import HARDSHIP

# A case's state: its tag's colour and its label.
STATE_TAGS = {
    "found": ("tag--orange", N_("Risk found")),
    "noticed": ("tag--orange", N_("In village notice")),
    "monitored": ("tag--red", N_("Monitored")),
    "cleared": ("tag--green", N_("Risk cleared")),
}
BEFORE_CONFIRMATION = ("found", "noticed")


def _message(text: str) -> str:
    """A message of the catalog in the request's language, as a template writes it (not escaped: our own text)."""
    return translations(current_locale.get()).gettext(text)


def state_tag(state: str) -> Markup:
    """A case's state as a coloured tag (the case page's title, the open cases' rows)."""
    colour, label = STATE_TAGS[state]
    return Markup(f'<span class="tag {colour}">{_message(label)}</span>')  # noqa: S704 -- our catalog's text


def risk_rows(risks: list[dict[str, Any]], can_edit: bool, today: date, csrf_input: str) -> Markup:
    """The risks to check (`queries.risks_to_check`'s rows): the household and its village, a tag per flag, the
    hardship's visit, the per-capita income and its year, the status; with `can_edit`, the form recording the risk."""
    statuses, hardships = POVERTY_STATUS.labels(), HARDSHIP.labels()
    # (pybabel does not look inside f-strings: each message is taken before it is written into one)
    below_text, near_text = _message(N_("Under the line")), _message(N_("Near the line"))
    below = f'<span class="tag tag--red">{below_text}</span>\n'
    near = f'<span class="tag tag--orange">{near_text}</span>'
    visit_of, per_person = _message(N_("Visit of %(date)s")), _message(N_("%(amount)s yuan per person"))
    unknown, record = _message(N_("Income unknown")), _message(N_("Record the risk"))
    rows = []
    for risk in risks:
        household_id, hardship_day = risk["id"], local_date(risk["hardship_at"])
        tags = ""
        for flag in risk["flags"]:
            if flag == "hardship":
                tags += f'<span class="tag tag--red">{escape(hardships[risk["hardship"]])}</span>\n'
            else:
                tags += below if flag == "income_below" else near
        visit = ""
        if risk["hardship_visit"]:
            visit = f'<a href="/visits/{risk["hardship_visit"]}">{visit_of % {"date": hardship_day}}</a> · '
        if risk["per_capita"] is not None:
            income = per_person % {"amount": f"{risk['per_capita']:.2f}"}
            income += f" ({risk['income_year']})" if risk["income_year"] else ""
        else:
            income = unknown
        form = ""
        if can_edit:
            found_on = hardship_day if risk["source"] == "hardship" else today.isoformat()
            form = (
                '  <form class="cell__ft" method="post" action="/monitoring/cases" hx-boost="false">\n'
                f"    {csrf_input}\n"
                f'    <input type="hidden" name="household" value="{household_id}">\n'
                f'    <input type="hidden" name="source" value="{escape(risk["source"])}">\n'
                f'    <input type="hidden" name="visit" value="{risk["hardship_visit"] or ""}">\n'
                f'    <input type="hidden" name="found_on" value="{found_on}">\n'
                f'    <button class="btn btn--small btn--primary" type="submit">{record}</button>\n'
                "  </form>\n"
            )
        rows.append(
            f'<div class="cell risk-row" data-risk="{household_id}">\n'
            '  <div class="cell__body">\n'
            f'    <div class="cell__title"><a href="/households/{household_id}">'
            f'{escape(risk["head"] or risk["code"])}</a> <span class="muted">{escape(risk["village_name"])}</span>'
            f" {tags}</div>\n"
            '    <div class="cell__desc">\n'
            f"{visit}{income}      · {escape(statuses[risk['status']])}\n"
            "    </div>\n"
            "  </div>\n"
            f"{form}</div>"
        )
    return Markup("".join(rows))  # noqa: S704 -- every value is escaped, the messages are our catalog's


def case_rows(cases: list[dict[str, Any]]) -> Markup:
    """The open risk cases (`queries.open_cases`' rows), each a link to its case: the household, its village and the
    state; when and how the risk was found; the targets missed (confirmation, first measure) in warning."""
    tags = {state: state_tag(state) for state in STATE_TAGS}
    sources = RISK_SOURCE.labels()
    found_text = _message(N_("Found %(date)s, %(n)s days ago"))
    unconfirmed_text = _message(N_("Not confirmed within %(n)s days"))
    no_measure_text = _message(N_("No measure within %(n)s days"))
    rows = []
    for case in cases:
        unconfirmed = case["confirm_late"] and case["state"] in BEFORE_CONFIRMATION
        no_measure = case["measure_late"] and not case["first_measure_on"]
        warn = " cell--warn" if case["open"] and (unconfirmed or no_measure) else ""
        late = ""
        if unconfirmed:
            late += f' · <span class="text-warn">{unconfirmed_text % {"n": case["identify_target_days"]}}</span>'
        if no_measure:
            late += f' · <span class="text-warn">{no_measure_text % {"n": case["measure_target_days"]}}</span>'
        found = found_text % {"date": local_date(case["found_on"]), "n": case["days"]}
        rows.append(
            f'<a class="cell{warn}" href="/monitoring/cases/{case["id"]}">\n'
            '  <div class="cell__body">\n'
            f'    <div class="cell__title">{escape(case["head"] or case["code"])}'
            f' <span class="muted">{escape(case["village_name"])}</span> {tags[case["state"]]}</div>\n'
            f'    <div class="cell__desc">{found} · {escape(sources[case["source"]])}\n'
            f"{late}    </div>\n"
            "  </div>\n"
            "</a>"
        )
    return Markup("".join(rows))  # noqa: S704 -- every value is escaped, the messages are our catalog's


def rate_bar(rate: Rate, cap_mark: int) -> Markup:
    """A rate's bar: the rate on a scale where the cap sits at `cap_mark`, orange above the cap, the cap marked."""
    return Markup(_bar(rate, cap_mark))  # noqa: S704 -- numbers only


def _bar(rate: Rate, cap_mark: int) -> str:
    percent = "—" if rate.percent is None else rate.percent
    warn = " bar__fill--warn" if rate.over_cap else ""
    return (
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{percent}%">\n'
        '  <rect class="bar__track" width="100" height="10"/>\n'
        f'  <rect class="bar__fill{warn}" width="{rate.bar_width}" height="10"/>\n'
        f'  <rect x="{cap_mark - 0.5}" width="1" height="10" fill="currentColor"/>\n'
        "</svg>"
    )


def rate_cells(rates: list[Rate], cap_mark: int, behind: bool = True, key: str = "township") -> Markup:
    """Rates' lines one after another (a township's villages on the rate page, a county's townships on its home): the
    name, a tag above the cap, the bar, the households that fell back and were lifted out (with `behind`, links to
    the township's lists of them: the village's, or the township's for a rate without an id), the same in people,
    the rate; `key` marks a rate without an id (`data-rate`)."""
    above_cap, fell_back = _message(N_("Above the cap of %(cap)s%%")), _message(N_("%(n)s fell back"))
    tag = f' <span class="tag tag--red" data-over-cap>{above_cap}</span>'  # the cap (a number) filled in per rate
    lifted_out = _message(N_("%(n)s lifted out"))
    people = _message(N_("People: %(returned)s fell back / %(lifted)s lifted out (%(percent)s%%)"))
    cells = []
    for rate in rates:
        warn, percent = rate.over_cap, "—" if rate.percent is None else rate.percent
        fell, lifted = fell_back % {"n": rate.returned}, lifted_out % {"n": rate.lifted}
        if behind:
            village = f"&amp;village={rate.id}" if rate.id else ""
            counts = (
                f'      <a href="/monitoring/rate/households?which=returned{village}">{fell}</a> /\n'
                f'      <a href="/monitoring/rate/households?which=lifted{village}">{lifted}</a>\n'
            )
        else:
            counts = f"{fell} / {lifted}"
        in_people = people % {
            "returned": rate.returned_people,
            "lifted": rate.lifted_people,
            "percent": "—" if rate.people_percent is None else rate.people_percent,
        }
        cells.append(
            f'<div class="cell{" cell--warn" if warn else ""}" data-rate="{escape(rate.id or key)}">\n'
            '  <div class="cell__body">\n'
            f'    <div class="cell__title">{escape(rate.name)}{tag % {"cap": rate.cap} if warn else ""}</div>\n'
            f"    {_bar(rate, cap_mark)}\n"
            '    <div class="cell__desc">\n'
            f"{counts}    </div>\n"
            f'    <div class="cell__desc" data-people>{in_people}</div>\n'
            "  </div>\n"
            f'  <div class="cell__ft num{" text-warn" if warn else ""}">{percent}%</div>\n'
            "</div>"
        )
    return Markup("".join(cells))  # noqa: S704 -- every value is escaped, the messages are our catalog's
