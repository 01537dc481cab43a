"""HTML drawn in Python: the small pieces pages call many times (a bar a village, a sorting header a column, a chip a
filter), each the markup its template macro drew, without a macro call through jinja2 each time. The templates reach
them as globals (server.web.templating), `templates/_macros.html` exports them under their macro names."""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2.filters import do_urlencode
from jinja2.utils import url_quote
from markupsafe import Markup, escape

from server.clock import local_date

# Numbers (bool and int enums too): their text has nothing to escape, and `%d` or `%.1f` needs them as numbers.
UNESCAPED_TYPES = (int, float, Decimal)


def bar(percent: int, label: str = "") -> Markup:
    """A server-drawn progress bar (SVG, no script, no inline style): orange until it is full; `label` (escaped) is
    what a screen reader says, the percentage by default. Every template's `bar` (templates/_macros.html exports
    this one), and the coverage's village rows (server/pairing/coverage_rows.py) drawn in Python."""
    if not label:
        return percent_bar(percent)
    return Markup(_bar_svg(percent, escape(label)))  # noqa: S704 -- the label escaped, the rest numbers


@lru_cache(maxsize=256, typed=True)
def percent_bar(percent: int) -> Markup:
    """`bar(percent)`: labelled with its percentage, so drawn once per value and type (a whole percent: 0-100 in
    practice; the coverage page draws one a village, 1.3 µs each when drawn anew)."""
    return Markup(_bar_svg(percent, f"{percent}%"))  # noqa: S704 -- numbers only


def _bar_svg(percent: int, label: str) -> str:
    fill = " bar__fill--warn" if percent < 100 else ""
    return (
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{label}">\n'
        f'  <rect class="bar__track" width="100" height="10"/>\n'
        f'  <rect class="bar__fill{fill}" width="{percent if percent >= 0 else 0}" height="10"/>\n</svg>'
    )


# What jinja2's url_quote(value, for_qs=True) leaves as it is: urllib's always-safe characters.
_QUERY_SAFE = string.ascii_letters + string.digits + "_.-~"


def _query_quoted(value: Any) -> str:
    """jinja2's `url_quote(value, for_qs=True)`, the same text: a str or int of the always-safe characters alone (a
    filter's name and value: `q`, `zs`, `1`, ``) as it is, at once, without url_quote's five calls (an encoding, a
    quoting of bytes, a decoding); any other value through url_quote."""
    kind = type(value)
    text = value if kind is str else str(value) if kind is int else None
    if text is not None and text.isascii() and not text.strip(_QUERY_SAFE):
        return text
    return url_quote(value, for_qs=True)


def urlencode(value: Any) -> str:
    """jinja2's `urlencode` filter, the same text (every template's `urlencode`: server.web.templating): a dict's pairs
    quoted by `_query_quoted`, 3 times as fast for a list's filters (the register's links, its five sorting headers,
    pager and "more", encode eight such dicts a page: about 60 µs of its render); anything else by jinja2's own."""
    if type(value) is dict:
        return "&".join([f"{_query_quoted(key)}={_query_quoted(item)}" for key, item in value.items()])
    return do_urlencode(value)


def sort_th(label: str, key: str, order: str, url: str, params: dict[str, Any], cls: str = "") -> Markup:
    """A column header that sorts its list: a plain link (works without JavaScript); aria-sort marks the current
    order. `order`: the current order ('village', '-village' descending, '' the list's own); `params`: the list's
    filters. Every template's `sort_th` (templates/_macros.html exports this one): the macro it was, called with the
    template's context, took 15 µs a header (the coverage page has four)."""
    descending = order.startswith("-")
    current = order.lstrip("-") == key
    sort = f"-{key}" if current and not descending else key
    # Without filters, what urlencode makes of {"sort": sort, "page": 1} without its four quotings (2.5 µs a header).
    query = urlencode(dict(params, sort=sort, page=1)) if params else f"sort={url_quote(sort, for_qs=True)}&page=1"
    css = f' class="{escape(cls)}"' if cls else ""
    aria = (' aria-sort="descending"' if descending else ' aria-sort="ascending"') if current else ""
    return Markup(  # noqa: S704 -- every value escaped
        f'<th scope="col"{css}{aria}><a class="sort" href="{escape(url)}?{escape(query)}">{escape(label)}</a></th>'
    )


def _html(value: Any) -> str:
    """`value` as a template prints it: escaped, but a number as it is (its text has nothing to escape)."""
    return str(value) if isinstance(value, UNESCAPED_TYPES) else escape(value)


def chip(name: str, value: Any, text: str, current: Any) -> Markup:
    """A filter chip: one choice of a radio group (`value` '' is "all"), checked when it is `current`. Every template's
    `chip` (templates/_macros.html exports this one): the macro it was took 6-7 µs a chip (the register has seven)."""
    checked = " checked" if str(current or "") == str(value) else ""
    return Markup(  # noqa: S704 -- every value escaped
        f'<label class="chip"><input type="radio" name="{escape(name)}" value="{_html(value)}"{checked}>'
        f"<span>{escape(text)}</span></label>"
    )


def chip_select(name: str, label: str, choices: Iterable[tuple[Any, str]], value: Any, blank: str) -> Markup:
    """A select shown as a chip (many choices, e.g. the villages): `choices` (code, text), `value` the chosen code,
    `blank` the text of "all". Every template's `chip_select` (templates/_macros.html exports this one): the macro it
    was took 65 µs for a township's 26 villages."""
    return Markup(  # noqa: S704 -- every value escaped
        f'<label class="chip chip--select"><span class="sr-only">{escape(label)}</span>'
        f'<select class="chip-select{" is-set" if value else ""}" name="{escape(name)}">\n'
        f'  <option value="">{escape(blank)}</option>\n{options(choices, value)}</select></label>'
    )


def options(choices: Iterable[tuple[Any, str]], value: Any) -> Markup:
    """A select's `<option>`s one after another: `choices` (code, text), the one whose code is `value` (as text)
    selected. Every template's `options`: a loop of them in a template was some six pieces and two escapes an option
    (the audit trail's filters list 107 actions and 28 targets)."""
    chosen = str(value or "")
    return Markup(  # noqa: S704 -- every value escaped
        "".join(
            f'<option value="{_html(code)}"{" selected" if str(code) == chosen else ""}>{escape(text)}</option>'
            for code, text in choices
        )
    )


def date_range(start: date | str | None, end: date | str | None) -> Markup:
    """Two days as `start – end`, each kept whole on its line: a phone's narrow cell broke 2026-12-07 at its hyphen.
    A day may come as text already (a county list's rows keep their days as the township sent them)."""
    first, last = (escape(day if isinstance(day, str) else local_date(day)) for day in (start, end))
    return Markup(f'<span class="nowrap">{first}</span> – <span class="nowrap">{last}</span>')  # noqa: S704 -- escaped
