"""Lists a township sends to the county: the county decides and announces; the township submits and reads the
decisions (with the reason for each household sent back).

The county reads a list's names and masked ID numbers with the appraisal and notice records: what its decision
needs, nothing more of the household. A list of another county's township is not found (404).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from server import codes
from server.clock import today
from server.county import queries, submissions
from server.county.forms import AnnouncementForm, DecisionForm
from server.county.submissions import Kind
from server.exits.queries import case_in_scope as exit_in_scope
from server.i18n import N_
from server.identification.workflow import Refusal, StepRefused
from server.monitoring.codes import RISK_SOURCE
from server.monitoring.queries import case_in_scope
from server.web.auth import current_user
from server.web.guards import requires_admin, requires_county, requires_leader_or_admin
from server.web.steps import actor_of, done, refusal_page
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
SENT_AS_LISTS = (Kind.IDENTIFICATION, Kind.EXIT)  # the kinds a township sends all at once from its lists page


class CountyListsController(Controller):
    """The county office's desk: the lists its townships sent, each decided household by household."""

    path = "/county/lists"
    guards = [requires_county]  # noqa: RUF012
    exception_handlers = {StepRefused: refusal_page("/county/lists")}  # noqa: RUF012

    @get("/")
    async def lists(self, request: Req) -> Template:
        lists = await queries.county_lists(current_user(request).county_id)
        return await page(request, "county/lists.html", lists=lists)

    @get("/{submission_id:int}")
    async def one(self, request: Req, submission_id: FromPath[int]) -> Template:
        return await list_page(request, submission_id, DecisionForm(), AnnouncementForm())

    @post("/{submission_id:int}/decision")
    async def decide(self, request: Req, submission_id: FromPath[int], data: Form) -> Template | Redirect:
        summary = await queries.county_list(current_user(request).county_id, submission_id)
        rows = await queries.list_rows(submission_id)
        needs_document = summary.kind is not Kind.MONITORING
        form = DecisionForm.parse(data, [row["item"] for row in rows], today(), needs_document)
        if form.errors or form.values["on"] is None:
            return await list_page(request, submission_id, form, AnnouncementForm(), status_code=422)
        await submissions.decide(
            actor_of(request), submission_id, form.values["on"], form.values["document"], form.decisions
        )
        return await done(request, N_("The county's decision was recorded."), f"/county/lists/{submission_id}")

    @post("/{submission_id:int}/announcement")
    async def announce(self, request: Req, submission_id: FromPath[int], data: Form) -> Template | Redirect:
        await queries.county_list(current_user(request).county_id, submission_id)
        form = AnnouncementForm.parse(data)
        if form.errors or not (form.values["starts_on"] and form.values["ends_on"]):
            return await list_page(request, submission_id, DecisionForm(), form, status_code=422)
        await submissions.announce(actor_of(request), submission_id, form.values["starts_on"], form.values["ends_on"])
        return await done(request, N_("The county announcement was recorded."), f"/county/lists/{submission_id}")

    @get("/{submission_id:int}/announcement")
    async def printable(self, request: Req, submission_id: FromPath[int]) -> Template:
        summary = await queries.county_list(current_user(request).county_id, submission_id)
        rows = [row for row in await queries.list_rows(submission_id) if row["decision"] == "approved"]
        return await page(request, "county/announcement.html", summary=summary, rows=rows)


async def list_page(
    request: Req, submission_id: int, form: DecisionForm, announcement: AnnouncementForm, status_code: int = 200
) -> Template:
    summary = await queries.county_list(current_user(request).county_id, submission_id)
    return await page(
        request,
        "county/list.html",
        status_code=status_code,
        summary=summary,
        rows=await queries.list_rows(submission_id),
        form=form,
        announcement=announcement,
        today=today().isoformat(),
        county=True,
        risk_sources=RISK_SOURCE,
    )


class TownshipListsController(Controller):
    """The township's side: send what is ready to the county, read what the county decided and why."""

    path = "/submissions"
    guards = [requires_leader_or_admin]  # noqa: RUF012
    exception_handlers = {StepRefused: refusal_page("/submissions")}  # noqa: RUF012

    @get("/")
    async def lists(self, request: Req) -> Template:
        user = current_user(request)
        ready = {kind: len(await submissions.KINDS[kind].ready(user.township_id or -1)) for kind in SENT_AS_LISTS}
        lists = await queries.township_lists(user.township_id)
        return await page(request, "county/township_lists.html", lists=lists, ready=ready, can_edit=user.is_admin)

    @post("/", guards=[requires_admin])
    async def submit(self, request: Req, data: Form) -> Redirect:
        """Everything of one kind that is ready (identification unless `kind` says exit)."""
        user = current_user(request)
        kind = Kind.EXIT if data.get("kind") == Kind.EXIT.value else Kind.IDENTIFICATION
        submission_id = await submissions.submit(actor_of(request), user.township_id or -1, kind)
        return await done(request, N_("The list was sent to the county."), f"/submissions/{submission_id}")

    @post("/exits/{case_id:int}", guards=[requires_admin])
    async def submit_exit(self, request: Req, case_id: FromPath[int]) -> Redirect:
        """One reviewed exit case, alone on a list, for the county to approve."""
        user = current_user(request)
        if await exit_in_scope(user, case_id) is None:
            raise NotFoundException()
        submission_id = await submissions.submit(actor_of(request), user.township_id or -1, Kind.EXIT, {case_id: ""})
        return await done(request, N_("The list was sent to the county."), f"/submissions/{submission_id}")

    @post("/monitoring/{case_id:int}", guards=[requires_admin])
    async def submit_case(self, request: Req, case_id: FromPath[int], data: Form) -> Redirect:
        """One risk case, with the monitoring type the township proposes, for the county to confirm."""
        user = current_user(request)
        if await case_in_scope(user, case_id) is None:
            raise NotFoundException()
        proposed = str(data.get("monitoring_type", ""))
        if proposed not in codes.MONITORING_TYPE:
            raise StepRefused(Refusal(N_("Choose the type of monitored household to propose.")))
        proposals = {case_id: proposed}
        submission_id = await submissions.submit(actor_of(request), user.township_id or -1, Kind.MONITORING, proposals)
        return await done(request, N_("The list was sent to the county."), f"/submissions/{submission_id}")

    @get("/{submission_id:int}")
    async def one(self, request: Req, submission_id: FromPath[int]) -> Template:
        summary = await queries.township_list(current_user(request).township_id, submission_id)
        rows = await queries.list_rows(submission_id)
        return await page(
            request, "county/list.html", summary=summary, rows=rows, county=False, risk_sources=RISK_SOURCE
        )
