"""The audit trail's entries as the search shows them (templates/audit/_rows.html, _entry.html), written here once.

As a template, an entry was some forty pieces (its changes and facts a loop each) and a lookup and an escape for each
value: a page of 30 was about a fifth of the audit page's CPU, the most of any page (bench: 5.5 ms of the worker a
request, against 0.4 for `/ping`). Here each entry is a few f-strings: every value is escaped once, the catalog's
messages are taken once per list, as a template takes them (trusted markup). The HTML is the template's own, byte for
byte.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from server.audit.display import Fact, ShownEvent
from server.clock import local_time
from server.i18n import N_, current_locale, translations


def audit_entries(events: list[ShownEvent], csrf_input: str, revealed: bool = False) -> Markup:
    """The entries one after another; each but a `revealed` one (shown in full already) with the form that shows a
    masked detail in full, when something in it was masked."""
    catalog = translations(current_locale.get())
    target_label, reveal_label = catalog.gettext(N_("Target")), catalog.gettext(N_("Show in full"))
    shown = []
    for event in events:
        entry_id = event.id
        who = escape(event.who)
        desc = (
            f'<time datetime="{escape(event.at.isoformat())}">{escape(local_time(event.at, "%Y-%m-%d %H:%M:%S"))}'
            f"</time> · {who}"
        )
        if event.username and event.username != event.who:
            desc += f" ({escape(event.username)})"
        if event.ip:
            desc += f" · IP {escape(event.ip)}"
        target = ""
        if event.target:
            name = escape(event.target)
            if event.target_link:
                name = Markup(f'<a href="{escape(event.target_link)}">{name}</a>')  # noqa: S704 -- escaped above
            target = f'<div class="cell__desc">{target_label}: {name}</div>'
        detail = ""
        if event.changes or event.facts:
            items = "".join(
                f"<li>{escape(name)}: {f'{escape(old)} → ' if old else ''}{escape(new)}</li>"
                for name, old, new in event.changes
            )
            items += "".join(_fact(fact) for fact in event.facts)
            detail = f'    <ul class="cell__desc audit-detail">\n{items}    </ul>\n'
        form = ""
        if event.maskable and not revealed:
            action = f"/audit/{entry_id}/reveal"
            form = (
                f'  <form class="cell__ft" method="post" action="{action}" hx-post="{action}"'
                f' hx-target="#event-{entry_id}" hx-swap="outerHTML">\n'
                f"    {csrf_input}\n"
                f'    <button class="btn btn--small btn--default" type="submit">{reveal_label}</button>\n'
                "  </form>\n"
            )
        shown.append(
            f'<div class="cell audit-entry" id="event-{entry_id}" data-action="{escape(event.action_code)}">\n'
            '  <div class="cell__body">\n'
            f'    <div class="cell__title">{escape(event.action)}</div>\n'
            f'    <div class="cell__desc">{desc}</div>\n'
            f"{target}{detail}"
            "  </div>\n"
            f"{form}"
            "</div>"
        )
    return Markup("".join(shown))  # noqa: S704 -- every value above is escaped, the messages are our catalog's


def _fact(fact: Fact) -> str:
    """One field of the detail: a list of records summed up and opened to its lines, else its value (linked to what
    it names)."""
    name, value = escape(fact.name), escape(fact.value)
    if fact.lines:
        lines = "".join(f"<li>{escape(line)}</li>" for line in fact.lines)
        return f"<li><details><summary>{name}: {value}</summary><ol>{lines}</ol></details></li>"
    if fact.link:
        return f'<li>{name}: <a href="{escape(fact.link)}">{value}</a></li>'
    return f"<li>{name}: {value}</li>"
