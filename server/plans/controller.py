"""Routes of help plans: a household's plan for a year (drafted on the phone), its items, a cadre's overdue items."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser, set_flash
from server.audit.queries import record
from server.clock import this_year, today
from server.codes import MEASURE_TYPE
from server.households.queries import household_in_scope, members_of
from server.i18n import N_
from server.plans import changes, delivered, manual, queries
from server.plans.forms import ItemForm, parse_item
from server.visits.codes import VISIT_KIND
from server.web.auth import client_ip, current_user
from server.web.downloads import xlsx_download
from server.web.guards import requires_township_staff
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
WRITERS = (Role.CADRE, Role.LEADER, Role.ADMIN)  # the inspection group reads plans, never writes them


def year_of(year: int | None) -> int:
    return year if year is not None and 2000 <= year <= 2100 else this_year()


async def household_or_404(user: CurrentUser, household_id: int) -> dict[str, Any]:
    household = await household_in_scope(user, household_id)
    if household is None:
        raise NotFoundException()
    return household


async def plan_context(user: CurrentUser, household: dict[str, Any], year: int) -> dict[str, Any]:
    items = await queries.items(household["id"], year)
    measures = await delivered.for_year(household["id"], year)
    planned = {item.type for item in items}
    head = next((m["name"] for m in await members_of(household["id"]) if m["relation"] == "head"), "")
    return {
        "household": household,
        "head": head,
        "year": year,
        "plan": await queries.plan_of(household["id"], year),
        "items": items,
        "measures": measures,
        "unplanned": [m for m in measures if m.type not in planned],
        "causes": queries.cause_labels(household["main_cause"], household["secondary_causes"]),
        "suggested": queries.suggestions(household["main_cause"], household["secondary_causes"], planned),
        "can_edit": user.role in WRITERS,
        "today": today(),
        "measure_types": MEASURE_TYPE,
    }


class PlanController(Controller):
    """A household's help plan (/households/<id>/plan) for the cadres who see the household."""

    path = "/households/{household_id:int}/plan"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/")
    async def plan(self, request: Req, household_id: FromPath[int], year: FromQuery[int | None] = None) -> Template:
        user = current_user(request)
        household = await household_or_404(user, household_id)
        context = await plan_context(user, household, year_of(year))
        form = ItemForm(data={"client_id": str(uuid.uuid4()), "due_on": f"{context['year']}-12-31"})
        return await page(request, "plans/plan.html", form=form, **context)

    @post("/items")
    async def add(
        self, request: Req, household_id: FromPath[int], data: Form, year: FromQuery[int | None] = None
    ) -> Template | Redirect:
        user = current_user(request)
        household = await household_or_404(user, household_id)
        if user.role not in WRITERS:
            raise NotFoundException()
        chosen = year_of(year)
        form = parse_item(data, chosen)
        client_id = str(data.get("client_id") or "")
        if not changes.is_uuid(client_id):
            form.errors["client_id"] = N_("This form is out of date. Open the plan again.")
        if form.errors:
            context = await plan_context(user, household, chosen)
            return await page(request, "plans/plan.html", status_code=422, form=form, **context)
        added = await changes.add_item(user, household_id, chosen, client_id, form.values, client_ip(request))
        message = N_("The plan item was added.") if added else N_("This item was already added.")
        await set_flash(user.session_key, "success", message)
        return Redirect(path=f"/households/{household_id}/plan?year={chosen}", status_code=303)

    @post("/items/{item_id:int}/delete")
    async def remove(
        self, request: Req, household_id: FromPath[int], item_id: FromPath[int], year: FromQuery[int | None] = None
    ) -> Redirect:
        user = current_user(request)
        await household_or_404(user, household_id)
        if user.role not in WRITERS:
            raise NotFoundException()
        await changes.remove_item(user, household_id, item_id, client_ip(request))
        await set_flash(user.session_key, "success", N_("The plan item was removed."))
        return Redirect(path=f"/households/{household_id}/plan?year={year_of(year)}", status_code=303)


class PlanListController(Controller):
    """Open plan items past their date: a cadre's own households, or the whole township for leaders and admins (their
    own paired households with `mine`, as the home's figure counts them)."""

    path = "/plans"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/due")
    async def due(
        self,
        request: Req,
        year: FromQuery[int | None] = None,
        village: FromQuery[int | None] = None,
        mine: FromQuery[bool] = False,
    ) -> Template:
        """`mine`: only the user's own paired households (a leader's from the home's figure; a cadre's always)."""
        user, chosen = current_user(request), year_of(year)
        rows = await queries.overdue_for(user, chosen, village, mine=mine)
        own = queries.own_only(user, mine)
        return await page(request, "plans/due.html", rows=rows, year=chosen, own=own, measure_types=MEASURE_TYPE)


class ManualController(Controller):
    """The 帮扶手册: one household's manual for a year (A4 print and .xlsx), and every manual of a village."""

    guards = [requires_township_staff]  # noqa: RUF012

    @get("/households/{household_id:int}/manual")
    async def manual(self, request: Req, household_id: FromPath[int], year: FromQuery[int | None] = None) -> Template:
        context = await manual.manual(current_user(request), household_id, year_of(year))
        if context is None:
            raise NotFoundException()
        return await page(request, "plans/manual.html", manuals=[context], year=context["year"], visit_kinds=VISIT_KIND)

    @get("/households/{household_id:int}/manual.xlsx")
    async def manual_xlsx(
        self, request: Req, household_id: FromPath[int], year: FromQuery[int | None] = None
    ) -> Response[bytes]:
        user = current_user(request)
        context = await manual.manual(user, household_id, year_of(year))
        if context is None:
            raise NotFoundException()
        content = await manual.manual_xlsx(context)
        await record("export", actor=user, target_type="household", target_id=household_id, ip=client_ip(request),
                     detail={"ledger": "assistance_manual", "year": context["year"],
                             "rows": len(context["measures"])})  # fmt: skip
        return xlsx_download(content, f"帮扶手册-{context['household']['code']}-{context['year']}.xlsx")

    @get("/villages/{village_id:int}/manuals")
    async def village(self, request: Req, village_id: FromPath[int], year: FromQuery[int | None] = None) -> Template:
        """Every manual of a village on one printable page, each starting on a new sheet."""
        user, chosen = current_user(request), year_of(year)
        ids = await manual.village_households(user, village_id)
        if not ids:
            raise NotFoundException()
        manuals = [context for hid in ids if (context := await manual.manual(user, hid, chosen)) is not None]
        await record("export", actor=user, target_type="village", target_id=village_id, ip=client_ip(request),
                     detail={"ledger": "assistance_manuals", "year": chosen, "households": len(manuals)})  # fmt: skip
        return await page(request, "plans/manual.html", manuals=manuals, year=chosen, visit_kinds=VISIT_KIND)
