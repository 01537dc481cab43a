"""The admin's search of the audit trail: read, export and reveal only; no route changes an entry."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.audit import search
from server.audit.actions import ACTIONS, TARGET_TYPES
from server.audit.display import named_ids, shown
from server.audit.export import audit_xlsx
from server.audit.queries import record
from server.audit.rows import audit_entries
from server.clock import today
from server.i18n import N_, gettext
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.guards import requires_admin
from server.web.templating import page

AnyRequest = Request[Any, Any, Any]


def _filters(request: AnyRequest) -> search.AuditFilters:
    return search.AuditFilters.parse({key: str(value) for key, value in request.query_params.items()})


class AuditController(Controller):
    """GET /audit (search), GET /audit/export.xlsx, POST /audit/{id}/reveal (itself audited)."""

    path = "/audit"
    guards = [requires_admin]  # noqa: RUF012

    @get("/")
    async def index(self, request: AnyRequest, before: FromQuery[int] = 0) -> Template:
        filters = _filters(request)
        township_id = current_user(request).township_id
        result = await search.search(township_id, filters, max(before, 0))
        names = await search.names(township_id, named_ids(result.events))
        return await page(
            request,
            "audit/search.html",
            fragment="audit/_rows.html" if before > 0 else "audit/_results.html",
            result=result,
            events=[shown(row, names=names) for row in result.events],
            filters=filters,
            query=filters.query(),
            actions=ACTIONS.choices(),
            target_types=TARGET_TYPES.choices(),
            audit_entries=audit_entries,
        )

    @get("/export.xlsx")
    async def export(self, request: AnyRequest) -> Response[bytes]:
        user, filters = current_user(request), _filters(request)
        rows = await search.export_rows(user.township_id, filters)
        names = await search.names(user.township_id, named_ids(rows[: search.EXPORT_LIMIT]))
        content = await audit_xlsx(rows, names)
        await record("export", actor=user, target_type="audit", target_id="search",
                     ip=client_ip(request), detail={"format": "xlsx", "filters": filters.query(),
                     "rows": min(len(rows), search.EXPORT_LIMIT)})  # fmt: skip
        return xlsx_download(content, dated_name(gettext(N_("Audit trail")), today()))

    @post("/{event_id:int}/reveal")
    async def reveal(self, request: AnyRequest, event_id: FromPath[int]) -> Template:
        user = current_user(request)
        row = await search.event_in_township(user.township_id, event_id)
        if row is None:
            raise NotFoundException()
        await record("reveal_audit_detail", actor=user, target_type="audit_event",
                     target_id=event_id, ip=client_ip(request))  # fmt: skip
        names = await search.names(user.township_id, named_ids([row]))
        event = shown(row, reveal=True, names=names)
        return await page(
            request,
            "audit/entry.html",
            fragment="audit/_entry.html",
            event=event,
            revealed=True,
            audit_entries=audit_entries,
        )
