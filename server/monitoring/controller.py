"""Routes of return-to-poverty monitoring (/monitoring): risks to check, risk cases, the rate, the assessment.

Admins take the steps; leaders see everything read-only; cadres see only their own assessment sheet.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from server import policy
from server.accounts.roles import Role
from server.audit.queries import record
from server.clock import this_year, today
from server.i18n import N_, gettext
from server.monitoring import assessment, pages, rate, steps, yearly
from server.monitoring.export import assessment_xlsx
from server.monitoring.forms import parse_clear, parse_confirm, parse_notice, parse_open
from server.monitoring.workflow import StepRefused
from server.scope import can_see_household
from server.web.auth import client_ip, current_user
from server.web.downloads import dated_name, xlsx_download
from server.web.guards import requires_admin, requires_leader_or_admin, requires_township_staff
from server.web.steps import actor_of, done, refusal_page
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
refused_page = refusal_page("/monitoring")


def year_of(year: int | None) -> int:
    return year if year is not None and 2000 <= year <= 2100 else this_year()


async def case_context(request: Req, case_id: int) -> dict[str, Any]:
    context = await pages.case_page(current_user(request), case_id)
    if context is None:
        raise NotFoundException()
    return context


class MonitoringController(Controller):
    """Leaders and admins of the township."""

    path = "/monitoring"
    guards = [requires_leader_or_admin]  # noqa: RUF012
    exception_handlers = {StepRefused: refused_page}  # noqa: RUF012

    @get("/")
    async def overview(self, request: Req, year: FromQuery[int | None] = None) -> Template:
        context = await pages.overview(current_user(request), year_of(year))
        return await page(request, "monitoring/index.html", **context)

    @get("/risks")
    async def risks(
        self,
        request: Req,
        year: FromQuery[int | None] = None,
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        """A page of the risks; "more" on a phone gets the next page's rows alone."""
        context = await pages.risk_list(current_user(request), year_of(year), page_number)
        return await page(request, "monitoring/risks.html", fragment="monitoring/_risk_page.html", **context)

    @get("/cases")
    async def cases(
        self, request: Req, page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1
    ) -> Template:
        """A page of the open risk cases; "more" on a phone gets the next page's rows alone."""
        context = await pages.case_list(current_user(request), page_number)
        return await page(request, "monitoring/cases.html", fragment="monitoring/_case_page.html", **context)

    @get("/rate")
    async def rate(self, request: Req) -> Template:
        user = current_user(request)
        figures = await yearly.rate_page(user, today(), this_year())
        return await page(
            request,
            "monitoring/rate.html",
            township=figures.township,
            villages=figures.villages,
            cap=policy.number_text(figures.township.cap),
            years=figures.years,
            this_year=this_year(),
            can_close=user.is_admin,
            **pages.RATE_CONTEXT,
        )

    @post("/rate/years", guards=[requires_admin])
    async def close_year(self, request: Req, data: Form) -> Redirect:
        """Close a past year: its figure is kept as it stands."""
        year = str(data.get("year", ""))
        township = current_user(request).township_id or -1
        await yearly.close_year(actor_of(request), township, int(year) if year.isdigit() else 0)
        return await done(request, N_("The year is closed; its figure is kept."), "/monitoring/rate")

    @get("/rate/households")
    async def behind_rate(
        self,
        request: Req,
        which: FromQuery[str] = "returned",
        village: FromQuery[int | None] = None,
        year: FromQuery[int | None] = None,
    ) -> Template:
        user = current_user(request)
        if year is not None:
            rows = await yearly.households_behind_year(user, which, year_of(year))
        else:
            rows = await rate.households_behind(user, which, village)
        return await page(request, "monitoring/households.html", rows=rows, which=which, year=year)

    @get("/cases/new", guards=[requires_admin])
    async def new_case(self, request: Req, household: FromQuery[int]) -> Template:
        if not await can_see_household(current_user(request), household):
            raise NotFoundException()
        form = pages.StepForm(data={"found_on": today().isoformat(), "source": "reported"})
        return await page(request, "monitoring/open.html", household=household, form=form, **pages.CODE_LISTS)

    @post("/cases", guards=[requires_admin])
    async def open_case(self, request: Req, data: Form) -> Template | Redirect:
        user, household = current_user(request), int(data.get("household", "0") or 0)
        if not await can_see_household(user, household):
            raise NotFoundException()
        form = parse_open(data, today())
        if form.errors:
            return await page(
                request, "monitoring/open.html", status_code=422, household=household, form=form, **pages.CODE_LISTS
            )
        case_id = await steps.open_case(actor_of(request), household, **form.values)
        return await done(request, N_("The risk was recorded."), f"/monitoring/cases/{case_id}")

    @get("/cases/{case_id:int}")
    async def case(self, request: Req, case_id: FromPath[int]) -> Template:
        return await page(request, "monitoring/case.html", **await case_context(request, case_id))

    @post("/cases/{case_id:int}/notice", guards=[requires_admin])
    async def notice(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        context = await case_context(request, case_id)  # 404 out of scope
        form = parse_notice(data, today(), context["case"]["notice_min_days"])
        if form.errors:
            return await self._again(request, case_id, "notice", form)
        await steps.start_notice(actor_of(request), case_id, **form.values)
        return await done(request, N_("The village notice was recorded."), f"/monitoring/cases/{case_id}")

    @post("/cases/{case_id:int}/confirm", guards=[requires_admin])
    async def confirm(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        await case_context(request, case_id)
        form = parse_confirm(data, today())
        if form.errors:
            return await self._again(request, case_id, "confirm", form)
        await steps.confirm(actor_of(request), case_id, today=today(), **form.values)
        return await done(request, N_("The household is now monitored."), f"/monitoring/cases/{case_id}")

    @post("/cases/{case_id:int}/clear", guards=[requires_admin])
    async def clear(self, request: Req, case_id: FromPath[int]) -> Template | Redirect:
        await case_context(request, case_id)
        data = await request.form()
        form = parse_clear(dict(data), today())
        if form.errors:
            return await self._again(request, case_id, "clear", form)
        await steps.clear(actor_of(request), case_id, today=today(), **form.values)
        return await done(request, N_("The risk was cleared."), f"/monitoring/cases/{case_id}")

    async def _again(self, request: Req, case_id: int, step: str, form: Any) -> Template:
        context = await case_context(request, case_id)
        return await page(request, "monitoring/case.html", status_code=422, **{**context, "forms": {step: form}})

    @get("/assessment")
    async def assessment_list(self, request: Req, year: FromQuery[int | None] = None) -> Template:
        user = current_user(request)
        cadres = await assessment.cadres_of([user.township_id or -1])
        return await page(
            request, "monitoring/assessment_list.html", cadres=cadres, year=year_of(year), this_year=this_year()
        )

    @get("/assessment.xlsx")
    async def assessment_download(self, request: Req, year: FromQuery[int | None] = None) -> Response[bytes]:
        user, chosen = current_user(request), year_of(year)
        items = await assessment.assess([user.township_id or -1], chosen)
        content = await assessment_xlsx(items, chosen)
        await record(
            "export",
            actor=user,
            target_type="township",
            target_id=user.township_id or "",
            ip=client_ip(request),
            detail={"what": "assessment", "format": "xlsx", "year": chosen, "rows": len(items)},
        )
        return xlsx_download(content, dated_name(gettext(N_("Annual assessment")), chosen))


class AssessmentSheetController(Controller):
    """One cadre's printable sheet: the cadre themself, or the township's leaders and admins; anyone else 404."""

    path = "/monitoring/assessment"
    guards = [requires_township_staff]  # noqa: RUF012

    @get("/{cadre_id:int}")
    async def sheet(self, request: Req, cadre_id: FromPath[int], year: FromQuery[int | None] = None) -> Template:
        user, chosen = current_user(request), year_of(year)
        if user.role is Role.CADRE and user.id != cadre_id:
            raise NotFoundException()
        items = await assessment.assess([user.township_id or -1], chosen, cadre_id=cadre_id)
        if not items:
            raise NotFoundException()
        return await page(request, "monitoring/sheet.html", item=items[0], year=chosen, **pages.SHEET_CONTEXT)
