"""Which pages the service worker may keep for offline reading: it says so in a response header, per user."""

from __future__ import annotations

import re

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser

# Response headers the service worker reads: whose data cache this user has (on every whole page a logged-in user
# gets: another user's cache is deleted at once), and whether this page may be kept in it.
USER_CACHE_HEADER = "X-Bangfu-Data-Cache"
KEEP_HEADER = "X-Bangfu-Offline"
# Request header the service worker sends when it fetches pages to keep in the background: nobody sees that answer
# now, so it neither shows nor takes the flash message the page the person opens next is waiting for.
KEEPING_HEADER = "X-Bangfu-Keeping"
DATA_CACHE_PREFIX = "bangfu-data-"
# A cadre's pages that hold only masked data of their own households (scope decides what the list shows):
# the home, the household list (any search), a household's page, visit form and timeline (last visits, follow-ups),
# the follow-ups due, their own visits and the outbox. Never admin pages, media or exports.
# The inspection group's: its home, its spot checks (each with the form a finding is recorded in) and the outbox.
OFFLINE_PAGES = {
    Role.CADRE: re.compile(
        r"^/(|households|households/\d+|households/\d+/visits/new|households/\d+/timeline|follow-ups|visits|outbox)$"
    ),
    Role.INSPECTOR: re.compile(r"^/(|checks|checks/\d+|outbox)$"),
}
# What the phone keeps after one online login (static/js/sw.js fetches the list from /outbox/pages): the pages the
# home's figures open, and those of the most urgent households first (a cadre's, and the others their follow-ups
# due take them to), or of the latest spot checks (an inspector's), up to this many and this many bytes (as stored,
# uncompressed).
OFFLINE_HOUSEHOLDS = 80
OFFLINE_BUDGET_BYTES = 8 * 1024 * 1024
FIELD_PAGES = {  # role: (pages always kept, pages kept for each of the role's households or checks)
    Role.CADRE: (("/", "/outbox", "/follow-ups", "/follow-ups?days=0", "/households", "/visits"),
                 ("/households/{id}/visits/new", "/households/{id}", "/households/{id}/timeline")),
    Role.INSPECTOR: (("/", "/outbox", "/checks"), ("/checks/{id}",)),
}  # fmt: skip


def offline_page_list(role: Role, item_ids: list[int]) -> list[str]:
    """The pages a cadre or an inspector needs in the field, the most urgent household's (or latest check's) first."""
    common, per_item = FIELD_PAGES.get(role, ((), ()))
    pages = [page.format(id=item) for item in item_ids[:OFFLINE_HOUSEHOLDS] for page in per_item]
    return [*common, *pages]


def offline_headers(scope: Scope) -> dict[str, str]:
    """The headers for this GET answer: none for anonymous users and htmx fragments."""
    user = scope.get("user")
    if scope.get("method") != "GET" or not isinstance(user, CurrentUser):
        return {}
    headers = {key.lower(): value for key, value in scope.get("headers", [])}
    if headers.get(b"hx-request") and not headers.get(b"hx-boosted"):  # a fragment, not a whole page
        return {}
    result = {USER_CACHE_HEADER: f"{DATA_CACHE_PREFIX}{user.id}"}
    pages = OFFLINE_PAGES.get(user.role)
    if pages is not None and pages.match(scope.get("path", "")):
        result[KEEP_HEADER] = "keep"
    return result


async def offline_cache_header(message: Message, scope: Scope) -> None:
    """A before_send hook: tells the service worker whose pages these are and which (status 200) it may keep."""
    if message["type"] != "http.response.start" or message["status"] != 200:
        return
    headers = MutableScopeHeaders.from_message(message)
    if not headers.get("content-type", "").startswith("text/html"):
        return
    for name, value in offline_headers(scope).items():
        headers[name] = value
