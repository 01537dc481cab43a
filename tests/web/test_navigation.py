"""The bottom navigation, drawn once per role, language and active entry: each page still gets its own."""

from __future__ import annotations

import re

from server.accounts.roles import Role
from server.i18n import current_locale
from server.web.navigation import NAVIGATION
from server.web.templating import build_environment

LEADER = NAVIGATION[Role.LEADER]


def draw(path: str, locale: str = "zh_CN", items: tuple = LEADER) -> str:  # type: ignore[type-arg]
    token = current_locale.set(locale)
    try:
        return str(build_environment().globals["bottom_nav"](items, path))
    finally:
        current_locale.reset(token)


def current_entries(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)" aria-current="page"', html)


def test_the_entry_of_the_page_and_of_the_pages_under_it_is_marked_current() -> None:
    assert current_entries(draw("/coverage")) == ["/coverage"]
    assert current_entries(draw("/monitoring/risks")) == ["/monitoring"]
    assert current_entries(draw("/")) == ["/"]


def test_a_page_under_no_entry_marks_none_and_a_name_that_only_starts_alike_is_not_under_it() -> None:
    assert current_entries(draw("/me/password/x")) == ["/me"]
    assert current_entries(draw("/coveragex")) == []
    assert current_entries(draw("/audit")) == []


def test_each_language_gets_its_own_labels_whichever_was_drawn_first() -> None:
    navigation = build_environment().globals["bottom_nav"]
    drawn = {}
    for locale in ("zh_CN", "en", "zh_CN"):
        token = current_locale.set(locale)
        try:
            drawn[locale] = str(navigation(LEADER, "/coverage"))
        finally:
            current_locale.reset(token)
    assert "覆盖" in drawn["zh_CN"]
    assert "Coverage" in drawn["en"]
    assert "Coverage" not in drawn["zh_CN"]


def test_each_role_gets_its_own_entries() -> None:
    cadre = draw("/visits", items=NAVIGATION[Role.CADRE])
    assert current_entries(cadre) == ["/visits"]
    assert 'href="/coverage"' not in cadre
    assert 'href="/coverage"' in draw("/visits")
