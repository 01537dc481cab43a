"""Findings (/findings): the open rectifications, one finding with its answers, the responsible person's answer, the
inspector's verdict, photos sent later by the outbox, and the photo files (scope checked first)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.clock import today
from server.i18n import N_, gettext
from server.identification.workflow import StepRefused
from server.media.storage import Storage, media_response
from server.supervision import findings
from server.supervision.codes import FINDING_STATE, VERDICT
from server.supervision.finding_pages import finding_detail, findings_where, photo_for_viewer
from server.supervision.forms import Form, parse_answer, parse_verdict
from server.visits.controller import PHOTO_BODY_LIMIT, VISIT_BODY_LIMIT, outcome_json
from server.visits.photos import ImageRejected, ingest_uploads, uploads_of
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import SPOT_CHECK_READERS, allowed, requires_inspector, requires_township_member
from server.web.steps import done, refusal_page
from server.web.templating import page

Req = Request[Any, Any, Any]
CODES: dict[str, Any] = {"states": FINDING_STATE, "verdicts": VERDICT}


class FindingController(Controller):
    guards = [requires_township_member]  # noqa: RUF012 -- scope and the handlers decide the rest
    exception_handlers = {StepRefused: refusal_page("/findings")}  # noqa: RUF012

    @get("/findings")
    async def index(self, request: Req) -> Template:
        rows = await findings_where(current_user(request), today(), "f.state <> 'accepted'")
        return await page(request, "supervision/findings.html", findings=rows, **CODES)

    @get("/findings/{finding_id:int}")
    async def finding(self, request: Req, finding_id: FromPath[int]) -> Template:
        return await self._page(request, finding_id)

    async def _page(
        self, request: Req, finding_id: int, answer: Form | None = None, verdict: Form | None = None,
        status_code: int = 200,
    ) -> Template:  # fmt: skip
        user = current_user(request)
        context = found(await finding_detail(user, finding_id, today()))
        finding = context["finding"]
        # Back to the finding's check for whom the checks' guard lets in; its responsible cadre, to their findings.
        back_url = f"/checks/{finding.spot_check}" if allowed(user.role, SPOT_CHECK_READERS, "GET") else "/findings"
        return await page(request, "supervision/finding.html", status_code=status_code, back_url=back_url,
                          answer_form=answer or Form(), verdict_form=verdict or Form(),
                          may_answer=finding.state == "open" and finding.responsible == user.id,
                          may_decide=finding.state == "answered" and user.role.value == "inspector",
                          **context, **CODES)  # fmt: skip

    @post("/findings/{finding_id:int}/answer", request_max_body_size=VISIT_BODY_LIMIT)
    async def answer(
        self, request: Req, finding_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Template | Redirect:
        user = current_user(request)
        found(await finding_detail(user, finding_id, today()))
        data = await request.form()
        uploads = uploads_of(data)
        form = parse_answer(data, len(uploads))
        if not form.errors:
            try:
                images = await ingest_uploads(uploads, storage)
            except ImageRejected as rejected:
                form.errors["photos"] = rejected.msgid
        if form.errors:
            return await self._page(request, finding_id, answer=form, status_code=422)
        await findings.answer(user, finding_id, form.values["answer"], images, client_ip(request))
        return await done(request, N_("Your answer was sent to the inspection group."), f"/findings/{finding_id}")

    @post("/findings/{finding_id:int}/verdict", guards=[requires_inspector])
    async def verdict(self, request: Req, finding_id: FromPath[int]) -> Template | Redirect:
        user = current_user(request)
        found(await finding_detail(user, finding_id, today()))
        form = parse_verdict(await request.form())
        if form.errors:
            return await self._page(request, finding_id, verdict=form, status_code=422)
        await findings.decide(user, finding_id, form.values["verdict"], form.values["note"], client_ip(request))
        message = N_("The rectification was accepted.") if form.values["verdict"] == "accepted" else N_("Sent back.")
        return await done(request, message, f"/findings/{finding_id}")

    @post("/findings/{finding_id:int}/photos", guards=[requires_inspector], request_max_body_size=PHOTO_BODY_LIMIT,
          media_type=MediaType.JSON)  # fmt: skip
    async def photos(
        self, request: Req, finding_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Response[dict[str, Any]]:
        """The outbox sends a queued finding's photos one per request, after the finding itself."""
        user = current_user(request)
        finding = found(await finding_detail(user, finding_id, today()))["finding"]
        if finding.created_by != user.id:
            return Response({"error": ""}, status_code=403)
        try:
            images = await ingest_uploads(uploads_of(await request.form()), storage)
        except ImageRejected as rejected:
            return Response({"error": gettext(rejected.msgid)}, status_code=rejected.status_code)
        outcome = await findings.add_photos_later(user, finding_id, images, client_ip(request))
        return outcome_json(outcome, photos_url=f"/findings/{finding_id}/photos")

    @get("/media/findings/{photo_id:int}", cache=False)
    async def photo(self, request: Req, photo_id: FromPath[int], storage: NamedDependency[Storage]) -> Response[bytes]:
        photo = found(await photo_for_viewer(current_user(request), photo_id))
        return await media_response(request, str(photo["storage_key"]), storage)

    @get("/media/findings/{photo_id:int}/thumb", cache=False)
    async def thumbnail(
        self, request: Req, photo_id: FromPath[int], storage: NamedDependency[Storage]
    ) -> Response[bytes]:
        photo = found(await photo_for_viewer(current_user(request), photo_id))
        return await media_response(request, str(photo["thumbnail_key"]), storage)
