"""Home screens per role, the health check, and files the PWA needs at the site root."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.response import Template
from piccolo.querystring import QueryString

from server.accounts.roles import Role
from server.employers.queries import employer_summary
from server.home import queries
from server.piccolo_conf import DB
from server.web.assets import service_worker_source
from server.web.auth import current_user
from server.web.templating import page


class HomeController(Controller):
    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        places = await queries.place_names(user.township_id, user.village_id)
        if user.role is Role.EMPLOYER:
            employer = await employer_summary(user.employer_id)
            return await page(request, "home/employer.html", employer=employer, places=places)
        if user.role is Role.CADRE:
            return await page(request, "home/cadre.html", places=places)
        overview = await queries.township_overview(user.township_id)
        return await page(request, "home/township.html", overview=overview, places=places)


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
