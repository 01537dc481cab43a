"""The phone's outbox: the page that lists visits queued on the phone, and the session check the queue sends with."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.clock import today
from server.pairing.queries import paired_households
from server.supervision.checks import checks
from server.visits.queries import due_follow_ups
from server.web.auth import current_user
from server.web.guards import requires_township_staff
from server.web.offline import DATA_CACHE_PREFIX, OFFLINE_BUDGET_BYTES, OFFLINE_HOUSEHOLDS, offline_page_list
from server.web.templating import page


class OutboxController(Controller):
    """The queue itself lives in the phone's IndexedDB (static/js/offline.js); the server only draws the frame."""

    guards = [requires_township_staff]  # noqa: RUF012

    @get("/outbox", media_type=MediaType.HTML)
    async def outbox(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "visits/outbox.html", keeps_checks=current_user(request).role is Role.INSPECTOR)

    @get("/outbox/pages", media_type=MediaType.JSON, cache=False)
    async def pages(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """What the phone keeps for the field (static/js/sw.js): a cadre's paired households (visit form, page and
        timeline, the most urgent first) or an inspector's spot checks (each with its finding form), within the stated
        budget. Nothing for roles whose pages are not kept."""
        user = current_user(request)
        items = await field_items(user)
        body = {
            "pages": offline_page_list(user.role, items) if items else [],
            "households": min(len(items), OFFLINE_HOUSEHOLDS),
            "budget_bytes": OFFLINE_BUDGET_BYTES,
            "cache": f"{DATA_CACHE_PREFIX}{user.id}",
        }
        return Response(body, headers={"Cache-Control": "no-store"})

    @get("/outbox/session", media_type=MediaType.JSON, cache=False)
    async def session(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """Asked before sending: who is logged in now, and a fresh CSRF token (cached pages may hold an old one).

        Without a session this answers with the redirect to /login, which the queue shows as "log in again".
        """
        token = ScopeState.from_scope(request.scope).csrf_token
        body = {"status": "ok", "user": current_user(request).id, "csrf": token or ""}
        return Response(body, headers={"Cache-Control": "no-store"})


async def field_items(user: CurrentUser) -> list[int]:
    """What a role takes into the field: a cadre's paired households (most urgent first), then the others their
    follow-ups due take them to (a village cadre's follow-up of a household paired with someone else: its page said
    "not kept on the phone"); an inspector's checks."""
    if user.role is Role.CADRE:
        paired = [h["id"] for h in await paired_households(user.id, today())]
        due, _ = await due_follow_ups(user)
        return list(dict.fromkeys([*paired, *(row["household"] for row in due)]))
    if user.role is Role.INSPECTOR:
        return [c["id"] for c in await checks(user)]
    return []
