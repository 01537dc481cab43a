"""The supervision home (/supervision) and photos used twice side by side (/supervision/photos)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from server.accounts.sessions import CurrentUser
from server.clock import today
from server.reports.queries import open_counts as report_counts
from server.supervision import calls
from server.supervision.finding_pages import open_counts as finding_counts
from server.supervision.photo_pairs import pair_count, photo_pairs
from server.web.auth import current_user
from server.web.guards import requires_admin_or_inspector
from server.web.templating import page

Req = Request[Any, Any, Any]


async def supervision_home(user: CurrentUser) -> dict[str, Any]:
    """What needs the office's or the inspectors' attention, in a handful of queries."""
    return {
        "findings": await finding_counts(user, today()),
        "denials": len(await calls.denials_to_review(user)),
        "pairs": await pair_count(user),
        "reports": await report_counts(user),
    }


class SupervisionController(Controller):
    path = "/supervision"
    guards = [requires_admin_or_inspector]  # noqa: RUF012

    @get("/")
    async def home(self, request: Req) -> Template:
        return await page(request, "supervision/home.html", **await supervision_home(current_user(request)))

    @get("/photos")
    async def photos(self, request: Req) -> Template:
        return await page(request, "supervision/photos.html", pairs=await photo_pairs(current_user(request)))
