"""Routes of the roster workbook: the admin's export (/households/export.xlsx) and import (/households/import)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from server import codes
from server.accounts.sessions import set_flash
from server.audit.queries import record
from server.clock import today
from server.households.excel import MAX_BYTES, MAX_ROWS, RosterRejected, export_roster, read_roster
from server.households.excel_import import check_roster, import_roster, income_year
from server.households.queries import matching_ids
from server.i18n import N_, gettext
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.guards import requires_admin
from server.web.templating import page

AnyRequest = Request[Any, Any, Any]


class HouseholdExcelController(Controller):
    """The township's roster as .xlsx, and registering a roster from .xlsx (check first, then import)."""

    path = "/households"
    guards = [requires_admin]  # noqa: RUF012

    @get("/export.xlsx")
    async def export(
        self, request: AnyRequest, q: FromQuery[str] = "", village: FromQuery[str] = "", status: FromQuery[str] = ""
    ) -> Response[bytes]:
        """The whole roster, or exactly the list the register shows for these filters."""
        user = current_user(request)
        filters = {"q": q, "village": village, "status": status if status in codes.POVERTY_STATUS else ""}
        filtered = any(filters.values())
        village_id = int(village) if village.isdigit() else None
        only = await matching_ids(user, q, village_id, filters["status"]) if filtered else None
        content, rows = await export_roster(user.township_id, only)
        detail: dict[str, Any] = {"rows": rows, **({"filters": filters} if filtered else {})}
        await record("export", actor=user, target_type="households", ip=client_ip(request), detail=detail)
        return xlsx_download(content, dated_name(gettext(N_("Household roster")), today()))

    @get("/import")
    async def import_form(self, request: AnyRequest) -> Template:
        return await _import_page(request)

    @post("/import", request_max_body_size=MAX_BYTES + 64 * 1024)
    async def import_roster(self, request: AnyRequest) -> Template | Redirect:
        user, form = current_user(request), await request.form()
        upload = form.get("roster")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _import_page(request, 422, refused=gettext("Choose an .xlsx file."))
        try:
            sheets = await asyncio.to_thread(read_roster, await upload.read())
        except RosterRejected as rejected:
            return await _import_page(request, 422, refused=rejected.message)
        plan = await check_roster(user, sheets)
        if plan.problems or form.get("action") != "import":
            return await _import_page(request, 422 if plan.problems else 200, plan=plan, filename=upload.filename)
        await import_roster(user, client_ip(request), plan)
        await set_flash(user.session_key, "success", N_("Roster imported."))
        return Redirect(path="/households", status_code=303)


async def _import_page(request: AnyRequest, status_code: int = 200, **context: Any) -> Template:
    context = {"refused": None, "plan": None, "filename": "", **context}
    return await page(
        request, "households/import.html", status_code=status_code, max_rows=MAX_ROWS, max_bytes=MAX_BYTES,
        income_year=income_year(), **context,
    )  # fmt: skip
