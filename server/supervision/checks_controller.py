"""Spot checks (/checks): the inspection group plans them and records findings at the household, online or from the
phone's outbox (the visits' exactly-once rule); the township's office and leaders read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server import once
from server.accounts.roles import Role
from server.accounts.sessions import set_flash
from server.clock import today
from server.i18n import N_, gettext
from server.media.storage import Storage
from server.reports.queries import villages_of
from server.submissions import Outcome
from server.supervision import checks, findings
from server.supervision.codes import FINDING_STATE, HOUSEHOLDS_PER_VILLAGE, RECTIFY_DAYS
from server.supervision.finding_pages import findings_where
from server.supervision.forms import FindingForm, Form, parse_plan
from server.visits.controller import CONFLICT, outcome_json, wants_json
from server.visits.photos import ImageRejected, ingest_uploads, uploads_of
from server.web.auth import client_ip, current_user
from server.web.errors import found
from server.web.guards import requires_inspector, requires_leader_admin_or_inspector
from server.web.templating import page

Req = Request[Any, Any, Any]
FINDING_BODY_LIMIT = 64 * 1024 * 1024  # as a visit: nine unshrunk phone photos still fit


class ChecksController(Controller):
    path = "/checks"
    guards = [requires_leader_admin_or_inspector]  # noqa: RUF012 -- writes: the inspection group only, below

    @get("/")
    async def index(self, request: Req) -> Template:
        return await page(request, "supervision/checks.html", checks=await checks.checks(current_user(request)))

    @get("/new", guards=[requires_inspector])
    async def new(self, request: Req) -> Template:
        form = Form(data={"planned_on": today().isoformat(), "per_village": str(HOUSEHOLDS_PER_VILLAGE)})
        return await self._plan_form(request, form)

    async def _plan_form(self, request: Req, form: Form, status_code: int = 200) -> Template:
        villages = await villages_of(current_user(request).township_id or -1)
        return await page(request, "supervision/plan.html", status_code=status_code, form=form, villages=villages)

    @post("/", guards=[requires_inspector])
    async def plan(self, request: Req) -> Template | Redirect:
        user = current_user(request)
        villages = {v["id"] for v in await villages_of(user.township_id or -1)}
        form, plan = parse_plan(await request.form(), today(), villages)
        if plan is None:
            return await self._plan_form(request, form, status_code=422)
        check_id = await once.create(request, user.id, lambda: checks.plan(user, plan, client_ip(request)))
        await set_flash(user.session_key, "success", N_("The spot check was planned."))
        return Redirect(path=f"/checks/{check_id}", status_code=303)

    @get("/{check_id:int}", media_type=MediaType.HTML)
    async def check(self, request: Req, check_id: FromPath[int]) -> Template:
        form = FindingForm.blank(datetime.now(UTC), today() + timedelta(days=RECTIFY_DAYS))
        return await self._check(request, check_id, form)

    async def _check(self, request: Req, check_id: int, form: FindingForm, status_code: int = 200) -> Template:
        user = current_user(request)
        context = found(await checks.check_page(user, check_id))
        rows = await findings_where(user, today(), "f.spot_check = {}", check_id)
        staff_choices = [(s["id"], " · ".join(filter(None, (s["display_name"], s["title"])))) for s in context["staff"]]
        return await page(request, "supervision/check.html", status_code=status_code, form=form, findings=rows,
                          can_record=user.role is Role.INSPECTOR, staff_choices=staff_choices, states=FINDING_STATE,
                          **context)  # fmt: skip

    @post("/{check_id:int}/findings", guards=[requires_inspector], request_max_body_size=FINDING_BODY_LIMIT,
          media_type=MediaType.HTML)  # fmt: skip
    async def record_finding(self, request: Req, check_id: FromPath[int], storage: NamedDependency[Storage]) -> Any:
        user = current_user(request)
        context = found(await checks.check_page(user, check_id))
        data = await request.form()
        uploads = uploads_of(data)
        households = {h["id"]: h["village_id"] for h in context["households"]}
        form = FindingForm.parse(data, photo_count=len(uploads), now=datetime.now(UTC), households=set(households),
                                 staff={s["id"] for s in context["staff"]})  # fmt: skip
        if form.errors:
            return await self._refused(request, check_id, form, form.errors.get("photos", ""), 422)
        try:
            images = await ingest_uploads(uploads, storage)
        except ImageRejected as rejected:
            form.errors["photos"] = rejected.msgid
            return await self._refused(request, check_id, form, rejected.msgid, rejected.status_code)
        outcome = await findings.record_finding(
            user, context["check"], households[int(form.household)], form, images, client_ip(request)
        )
        return await self._answer(request, outcome)

    async def _refused(self, request: Req, check_id: int, form: FindingForm, msgid: str, status: int) -> Any:
        if wants_json(request):
            message = gettext(msgid or next(iter(form.errors.values())))
            return Response({"error": message}, status_code=status, media_type=MediaType.JSON)
        return await self._check(request, check_id, form, status_code=422)

    async def _answer(self, request: Req, outcome: Outcome) -> Any:
        if outcome.status == "conflict":
            if wants_json(request):
                return Response({"error": gettext(CONFLICT)}, status_code=409, media_type=MediaType.JSON)
            return Redirect(path="/checks", status_code=303)
        if wants_json(request):
            status = 201 if outcome.status == "created" else 200
            return outcome_json(outcome, status, photos_url=f"/findings/{outcome.id}/photos")
        if outcome.status == "created":
            await set_flash(current_user(request).session_key, "success", N_("The finding was recorded."))
        return Redirect(path=f"/findings/{outcome.id}", status_code=303)
