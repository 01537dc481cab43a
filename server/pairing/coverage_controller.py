"""Routes of the coverage dashboard (/coverage): the figures, the lists behind them, the .xlsx download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from server.audit.queries import record
from server.clock import this_year, today
from server.i18n import N_, gettext
from server.pairing import coverage
from server.pairing.coverage_rows import village_rows
from server.pairing.export import coverage_xlsx, pending_xlsx
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.guards import requires_leader_or_admin
from server.web.listing import order_param, page_of, sort_rows
from server.web.templating import page

# Orders of the by-village table and of the lists behind its figures (column headers at the desk).
VILLAGE_ORDERS: dict[str, Callable[[Any], Any]] = {
    "percent": lambda v: (v.percent, v.uncovered),
    "unvisited": lambda v: v.unvisited,
    "overdue": lambda v: v.overdue,
    "cadres": lambda v: v.cadres_percent,
}
PENDING_TITLES = {"unvisited": N_("Not visited"), "overdue": N_("Follow-ups overdue")}
PENDING_ORDERS: dict[str, Callable[[Any], Any]] = {
    "late": lambda r: r["days_late"] if r["days_late"] is not None else 1 << 30,
    "village": lambda r: r["village"],
    "cadre": lambda r: r["cadre_name"] or "",
}


class CoverageController(Controller):
    """Leaders and admins: is every household covered, does every cadre meet the quota (outcomes, no rankings)."""

    guards = [requires_leader_or_admin]  # noqa: RUF012

    @get("/coverage")
    async def dashboard(self, request: Request[Any, Any, Any], sort: FromQuery[str] = "") -> Template:
        user = current_user(request)
        data = await coverage.coverage(user.township_id, plan_year=this_year())
        order = order_param(sort, tuple(VILLAGE_ORDERS))
        villages = sort_rows(data.villages, order, VILLAGE_ORDERS)
        rows = village_rows(villages, data.quotas.unvisited_alert_days)
        return await page(request, "pairing/coverage.html", data=data, village_rows=rows, order=order)

    @get("/coverage/uncovered")
    async def uncovered(self, request: Request[Any, Any, Any], village: FromQuery[int | None] = None) -> Template:
        user = current_user(request)
        rows = await coverage.uncovered_households(user.township_id, village)
        return await page(request, "pairing/uncovered.html", rows=rows, village=village)

    @get("/coverage/under-quota")
    async def under_quota(self, request: Request[Any, Any, Any], role: FromQuery[str | None] = None) -> Template:
        user = current_user(request)
        role = role if role in ("leader", "cadre") else None
        rows = await coverage.cadres_under_quota(user.township_id, role)
        return await page(request, "pairing/under_quota.html", rows=rows, role=role)

    @get(["/coverage/unvisited", "/coverage/overdue"])
    async def visit_lists(
        self,
        request: Request[Any, Any, Any],
        village: FromQuery[int | None] = None,
        sort: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        """The households behind the "not visited" and "follow-ups overdue" figures, the latest first."""
        user = current_user(request)
        kind = "unvisited" if request.url.path.endswith("unvisited") else "overdue"
        rows = await coverage.pending_households(user.township_id, kind, village)
        order = order_param(sort, tuple(PENDING_ORDERS))
        result = page_of(sort_rows(rows, order, PENDING_ORDERS), page_number)
        village_name = next((row["village"] for row in rows if row["village_id"] == village), None)
        return await page(
            request, "pairing/visits_pending.html",
            kind=kind, result=result, village=village, village_name=village_name, order=order,
        )  # fmt: skip

    @get(["/coverage/unvisited.xlsx", "/coverage/overdue.xlsx"])
    async def visit_list_download(
        self, request: Request[Any, Any, Any], village: FromQuery[int | None] = None, sort: FromQuery[str] = ""
    ) -> Response[bytes]:
        """Exactly the list on screen (its village and order), every page of it."""
        user = current_user(request)
        kind = "unvisited" if "unvisited" in request.url.path else "overdue"
        rows = await coverage.pending_households(user.township_id, kind, village)
        rows = sort_rows(rows, order_param(sort, tuple(PENDING_ORDERS)), PENDING_ORDERS)
        content = await pending_xlsx(gettext(PENDING_TITLES[kind]), rows)
        detail = {"format": "xlsx", "rows": len(rows), "list": kind, "village": village}
        await record("export", actor=user, target_type="township", target_id=user.township_id or "",
                     ip=client_ip(request), detail=detail)  # fmt: skip
        return xlsx_download(content, dated_name(gettext(PENDING_TITLES[kind]), today()))

    @get("/coverage.xlsx")
    async def download(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        user = current_user(request)
        data = await coverage.coverage(user.township_id)
        township = user.township_name
        content = await coverage_xlsx(data, township)
        await record(
            "coverage_exported",
            actor=user,
            target_type="township",
            target_id=user.township_id or "",
            ip=client_ip(request),
            detail={"format": "xlsx", "rows": len(data.villages) + 1},
        )
        return xlsx_download(content, dated_name(gettext(N_("Pairing coverage")), today()))
