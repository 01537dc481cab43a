"""Routes for the lists made from visits: the cadre's visits and follow-ups, the household timeline, the
leaders' overdue counts, and the ledgers (printable pages and .xlsx downloads)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from server.accounts.roles import Role
from server.accounts.tables import User
from server.audit.queries import record
from server.visits import ledgers, pages, queries
from server.visits.cells import follow_up_cells, overdue_village_rows, visit_cells
from server.visits.controller import vpage
from server.web.auth import client_ip, current_user
from server.web.downloads import xlsx_download
from server.web.guards import requires_leader_or_admin, requires_township_staff


class VisitListController(Controller):
    """The cadre's visits and follow-ups; the leaders' overdue counts; the monthly work log."""

    guards = [requires_township_staff]  # noqa: RUF012

    @get("/visits")
    async def visits(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        follow_ups: list[dict[str, Any]] = []
        summary: dict[str, int] | None = None
        if user.role is Role.CADRE:  # their due follow-ups read in the statement of their visits
            due = queries.due_follow_ups_sql(user)
            visits, row = await pages.recent_visits_beside(user, due, queries.DUE_COLUMNS)
            follow_ups, summary = queries.due_follow_ups_of(row)
        else:
            visits = await pages.recent_visits(user)
        return await vpage(
            request,
            "visits/index.html",
            visits=visits,
            visit_cells=visit_cells,
            follow_ups=follow_ups,
            follow_up_cells=follow_up_cells,
            summary=summary,
        )

    @get("/follow-ups")
    async def follow_ups(self, request: Request[Any, Any, Any], days: FromQuery[int] = 7) -> Template:
        user = current_user(request)
        rows, due_summary = await queries.due_follow_ups(user, within_days=max(0, min(days, 90)))
        return await vpage(
            request, "visits/follow_ups.html", follow_ups=rows, follow_up_cells=follow_up_cells, days=days,
            due_summary=due_summary,  # the home's two figures, which open this list: households, not follow-ups
        )  # fmt: skip

    @get("/visits/overdue", guards=[requires_leader_or_admin])
    async def overdue(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        days, villages = await pages.village_follow_up_overview(user)
        return await vpage(
            request, "visits/overdue.html", villages=villages, days=days, overdue_village_rows=overdue_village_rows
        )

    @get("/visits/ledger/monthly")
    async def monthly(
        self, request: Request[Any, Any, Any], month: FromQuery[str] = "", cadre: FromQuery[int] = 0
    ) -> Template:
        user, first = current_user(request), ledgers.parse_month(month)
        cadre_row = await self._cadre(request, cadre)
        visits = await ledgers.monthly_log(user, cadre_row["id"], first)
        return await vpage(request, "visits/monthly.html", visits=visits, month=first, cadre=cadre_row)

    @get("/visits/ledger/monthly.xlsx")
    async def monthly_xlsx(
        self, request: Request[Any, Any, Any], month: FromQuery[str] = "", cadre: FromQuery[int] = 0
    ) -> Response[bytes]:
        user, first = current_user(request), ledgers.parse_month(month)
        cadre_row = await self._cadre(request, cadre)
        visits = await ledgers.monthly_log(user, cadre_row["id"], first)
        content = await ledgers.monthly_log_xlsx(visits, first, cadre_row["display_name"])
        await record("export", actor=user, target_type="ledger",
                     target_id=f"monthly:{first:%Y-%m}", ip=client_ip(request),
                     detail={"ledger": "monthly_work_log", "cadre": cadre_row["id"], "rows": len(visits)})  # fmt: skip
        return xlsx_download(content, f"走访台账-{cadre_row['display_name']}-{first:%Y-%m}.xlsx")

    async def _cadre(self, request: Request[Any, Any, Any], cadre_id: int) -> dict[str, Any]:
        """A cadre sees their own log; leaders and the office, any cadre of their township."""
        user = current_user(request)
        if user.role is Role.CADRE or not cadre_id:
            cadre_id = user.id
        row = (
            await User.select(User.id, User.display_name, User.title)
            .where((User.id == cadre_id) & (User.township == (user.township_id or -1)))
            .first()
        )
        if row is None:
            raise NotFoundException()
        return row


class HouseholdRecordController(Controller):
    """A household's timeline (its assistance manual is the plans area's: server/plans/controller.py)."""

    path = "/households/{household_id:int}"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/timeline")
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        household_id: FromPath[int],
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=100)] = 1,
    ) -> Template:
        """A page of the household's timeline; "more" gets the next page's entries alone."""
        data = await pages.timeline(current_user(request), household_id, page_number)
        if data is None:
            raise NotFoundException()
        return await vpage(request, "visits/timeline.html", fragment="visits/_timeline_entries.html", **data)
