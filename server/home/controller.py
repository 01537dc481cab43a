"""Home screens per role, the health check, and files the PWA needs at the site root."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.response import Template
from piccolo.querystring import QueryString

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.clock import today
from server.county.controller import county_home
from server.employers.queries import employer_summary, home_summary
from server.home import queries
from server.i18n import N_
from server.piccolo_conf import DB
from server.regions.controller import region_home
from server.supervision.controller import supervision_home
from server.web.assets import service_worker_source
from server.web.auth import current_user
from server.web.templating import page

# Pages of the role that its bottom navigation has no room for (at most 5 items there).
ROLE_LINKS = {
    Role.ADMIN: (
        ("/admin/users", N_("Accounts")),
        ("/admin/employers", N_("Employers")),
        ("/places", N_("Villages and groups")),
        ("/policy", N_("Rules and poverty lines")),
        ("/jobs", N_("Employment support")),
        ("/monitoring", N_("Return-to-poverty monitoring")),
        ("/exits", N_("Exits from poverty")),
        ("/supervision", N_("Supervision: calls, spot checks, photos used twice")),
        ("/submissions", N_("Lists for the county")),
        ("/statistics", N_("Statistics reports")),
    ),
    Role.LEADER: (
        ("/statistics", N_("Statistics reports")),
        ("/pairings", N_("Pairings")),
        ("/visits/overdue", N_("Overdue by village")),
        ("/identification", N_("Precise identification")),
        ("/exits", N_("Exits from poverty")),
        ("/plans/due", N_("Plan items overdue")),
        ("/jobs/figures", N_("Employment figures")),
        ("/projects", N_("Projects and funds")),
        ("/policy", N_("Rules and poverty lines")),
    ),
}


class HomeController(Controller):
    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        places = user.place_names
        if user.role is Role.EMPLOYER:
            return await page(request, "home/employer.html", places=places, **await employer_home(user))
        if user.role is Role.COUNTY:
            return await page(request, "home/county.html", **await county_home(user))
        if user.role in (Role.CITY, Role.PROVINCE):
            return await page(request, "regions/home.html", **await region_home(user))
        if user.role is Role.CADRE:
            return await page(request, "home/cadre.html", places=places, **await cadre_home(user))
        if user.role is Role.INSPECTOR:
            return await page(request, "supervision/home.html", places=places, **await supervision_home(user))
        return await page(request, "home/township.html", places=places, **await township_home(user))


async def employer_home(user: CurrentUser) -> dict[str, Any]:
    employer = await employer_summary(user.employer_id)
    jobs = await home_summary(user.employer_id, today()) if employer else None
    return {"employer": employer, "jobs_summary": jobs}


async def cadre_home(user: CurrentUser) -> dict[str, Any]:
    home = await queries.home_figures(user, today(), own_households=True)
    return {"households": home.households, "due_summary": home.due, "attention": home.attention}


async def township_home(user: CurrentUser) -> dict[str, Any]:
    """Admins and leaders: the township at a glance; leaders also their own paired households."""
    overview, figures = await queries.township_overview(user.township_id)
    context: dict[str, Any] = {"overview": overview, "figures": figures, "links": ROLE_LINKS.get(user.role, ())}
    if user.role is Role.LEADER:  # their own households too, and the badges read with them (once)
        return {**context, **await cadre_home(user)}
    home = await queries.home_figures(user, today(), own_households=False)
    return {**context, "households": None, "due_summary": None, "attention": home.attention}


class PublicController(Controller):
    """Routes that work without a session."""

    opt = {"exclude_from_auth": True}  # noqa: RUF012

    @get("/healthz", media_type=MediaType.JSON, cache=False)
    async def healthz(self) -> Response[dict[str, str]]:
        try:
            await DB.run_querystring(QueryString("SELECT 1"))
        except Exception as error:  # any failure here means "not healthy", and says why
            reason = f"{type(error).__name__}: {error}"[:200]
            return Response({"status": "error", "database": reason}, status_code=503)
        return Response({"status": "ok", "database": "ok"})

    @get("/ping", media_type=MediaType.TEXT, cache=False)
    async def ping(self) -> str:
        """Liveness without the database: also the bare route that benchmarks compare pages with."""
        return "pong"

    @get("/sw.js", media_type="text/javascript")
    async def service_worker(self) -> Response[str]:
        return Response(service_worker_source(), headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})

    @get("/offline")
    async def offline(self, request: Request[Any, Any, Any]) -> Template:
        return await page(request, "home/offline.html")
