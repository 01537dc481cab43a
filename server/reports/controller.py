"""The township's side of public reports: the lists, one report and its answer, and the township's public page.

Complaints are read by the office and the inspection group only; cadres and leaders read the difficulties of their
households (scope in the query). The office answers every kind; a cadre answers a difficulty of their household.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.i18n import N_
from server.identification.workflow import StepRefused
from server.pairing.cards import qr_svg
from server.reports import handling, queries
from server.reports.codes import DIFFICULTY, OUTCOME, REPORT_KIND
from server.reports.forms import MAX_TEXT
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_admin, requires_township_staff
from server.web.steps import done, refusal_page
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
CODES: dict[str, Any] = {"report_kinds": REPORT_KIND, "difficulties": DIFFICULTY, "outcomes": OUTCOME}
# What each kind of report may be answered with.
OUTCOMES_FOR = {
    "difficulty": ("answered", "no_action"),
    "complaint": ("answered", "no_action"),
    "help": ("risk", "matched", "application", "answered", "no_action"),
}
MAX_NOTE = 500
POLICIES_MAX = 4000


def may_handle(user: CurrentUser, report: queries.Report) -> bool:
    """The office answers every report; a cadre or leader a difficulty of a household in their scope."""
    return report.is_open and (user.role is Role.ADMIN or (report.kind == "difficulty" and user.role in
                                                           (Role.CADRE, Role.LEADER)))  # fmt: skip


class ReportController(Controller):
    path = "/reports"
    guards = [requires_township_staff]  # noqa: RUF012 -- the inspection group reads (GET) as a leader, and more below
    exception_handlers = {StepRefused: refusal_page("/reports")}  # noqa: RUF012

    @get("/")
    async def reports(self, request: Req, kind: FromQuery[str] = "") -> Template:
        user = current_user(request)
        kinds = queries.kinds_for(user)
        chosen = kind if kind in kinds else kinds[0] if kinds else ""
        rows = await queries.reports(user, (chosen,)) if chosen else []
        counts = await queries.open_counts(user)
        return await page(request, "reports/list.html", rows=rows, kinds=kinds, kind=chosen, counts=counts, **CODES)

    @get("/{report_id:int}")
    async def report(self, request: Req, report_id: FromPath[int]) -> Template:
        return await self._page(request, found(await queries.report(current_user(request), report_id)))

    @post("/{report_id:int}/handle")
    async def handle(self, request: Req, report_id: FromPath[int], data: Form) -> Template | Redirect:
        user = current_user(request)
        report = found(await queries.report(user, report_id))
        if not report.is_open:
            raise StepRefused(handling.ALREADY_HANDLED)
        if not may_handle(user, report):
            return await self._page(request, report, errors={"outcome": N_("You cannot answer this report.")},
                                    status_code=403)  # fmt: skip
        outcome, note = data.get("outcome", ""), data.get("note", "").strip()
        errors, household = await self._check(user, report, outcome, note, data.get("household_code", ""))
        if errors:
            return await self._page(request, report, errors=errors, data=data, status_code=422)
        await handling.handle(user, report_id, outcome, note, client_ip(request), household)
        if outcome == "application" and report.village:
            query = urlencode({"head_name": report.name, "phone": report.callback_phone})
            return await done(request, N_("The report was answered. Fill in the application."),
                              f"/identification/villages/{report.village}/apply?{query}")  # fmt: skip
        return await done(request, N_("The report was answered."), f"/reports/{report_id}")

    async def _check(
        self, user: CurrentUser, report: queries.Report, outcome: str, note: str, code: str
    ) -> tuple[dict[str, str], int | None]:
        errors: dict[str, str] = {}
        if outcome not in OUTCOMES_FOR[report.kind]:
            errors["outcome"] = N_("Choose what was done.")
        if len(note) > MAX_NOTE:
            errors["note"] = N_("At most 500 characters.")
        household = None
        if outcome in ("risk", "matched"):
            household = await handling.household_by_code(user, code) if code.strip() else None
            if household is None:
                errors["household_code"] = N_("No household of the township has this number.")
        if outcome == "application" and not report.village:
            errors["outcome"] = N_("This request names no village.")
        return errors, household

    async def _page(
        self, request: Req, report: queries.Report, errors: dict[str, str] | None = None,
        data: dict[str, str] | None = None, status_code: int = 200,
    ) -> Template:  # fmt: skip
        user = current_user(request)
        return await page(request, "reports/report.html", status_code=status_code, report=report,
                          can_handle=may_handle(user, report), choices=OUTCOMES_FOR[report.kind],
                          errors=errors or {}, data=data or {}, max_note=MAX_NOTE, **CODES)  # fmt: skip


class PublicPageController(Controller):
    """The township office writes its public page (help line, policies) and prints its notice-board poster."""

    path = "/reports/page"
    guards = [requires_admin]  # noqa: RUF012

    @get("/")
    async def edit(self, request: Req) -> Template:
        return await self._form(request, {}, {})

    @post("/")
    async def save(self, request: Req, data: Form) -> Template | Redirect:
        help_line, policies = data.get("help_line", "").strip(), data.get("policies", "").strip()
        errors = {}
        if len(help_line) > 30:
            errors["help_line"] = N_("At most 30 characters.")
        if len(policies) > POLICIES_MAX:
            errors["policies"] = N_("At most 4000 characters.")
        if errors:
            return await self._form(request, data, errors, status_code=422)
        user = current_user(request)
        await queries.save_page(user, help_line, policies, new_token=data.get("new_token") == "1")
        await handling.record_page_saved(user, client_ip(request), new_token=data.get("new_token") == "1")
        return await done(request, N_("The public page was saved."), "/reports/page")

    @get("/poster")
    async def poster(self, request: Req) -> Template:
        township_page = await queries.township_page(current_user(request).township_id or -1)
        url = str(request.base_url).rstrip("/") + f"/t/{township_page.token}"
        return await page(request, "reports/poster.html", township_page=township_page, url=url, qr=qr_svg(url))

    async def _form(
        self, request: Req, data: dict[str, str], errors: dict[str, str], status_code: int = 200
    ) -> Template:
        township_page = await queries.township_page(current_user(request).township_id or -1)
        return await page(request, "reports/page_form.html", status_code=status_code, township_page=township_page,
                          data=data, errors=errors, policies_max=POLICIES_MAX, max_text=MAX_TEXT)  # fmt: skip
