"""Verification calls (/verification): draw a sample, call each household, look into denials, read the figures.

The township office and the inspection group only: the figures are never shown to cadres or leaders, and list
villages and cadres in the order of the register, never as a ranking.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.audit.queries import record
from server.clock import today
from server.i18n import N_, too_long
from server.reports.queries import villages_of
from server.supervision import calls
from server.supervision.codes import CALL_OUTCOME, SAMPLE_DAYS, SAMPLE_SHARE
from server.supervision.forms import Form, parse_call, parse_sample
from server.web.auth import client_ip, current_user
from server.web.errors import error_page, found
from server.web.guards import requires_admin, requires_admin_or_inspector
from server.web.steps import done
from server.web.templating import page

REVIEW_NOTE_CHARACTERS = 500  # verification_call.review_note

Req = Request[Any, Any, Any]


class CallsController(Controller):
    path = "/verification"
    guards = [requires_admin_or_inspector]  # noqa: RUF012

    @get("/")
    async def index(self, request: Req) -> Template:
        start = today() - timedelta(days=SAMPLE_DAYS)
        form = Form(data={"since": start.isoformat(), "until": today().isoformat(), "share": str(SAMPLE_SHARE)})
        return await self._index(request, form)

    async def _index(self, request: Req, form: Form, status_code: int = 200) -> Template:
        user = current_user(request)
        villages = await villages_of(user.township_id or -1)
        return await page(request, "supervision/calls.html", status_code=status_code, form=form,
                          samples=await calls.samples(user), denials=await calls.denials_to_review(user),
                          village_choices=[(v["id"], v["name"]) for v in villages], outcomes=CALL_OUTCOME)  # fmt: skip

    @post("/samples")
    async def draw(self, request: Req) -> Template | Redirect:
        user = current_user(request)
        villages = {v["id"] for v in await villages_of(user.township_id or -1)}
        form = parse_sample(await request.form(), today(), villages)
        if form.errors:
            return await self._index(request, form, status_code=422)
        sample_id, drawn = await calls.draw_sample(user, **form.values, ip=client_ip(request))
        message = N_("Visits drawn for calling.") if drawn else N_("No visit of the period was left to draw.")
        return await done(request, message, f"/verification/samples/{sample_id}")

    @get("/samples/{sample_id:int}")
    async def sample(self, request: Req, sample_id: FromPath[int]) -> Template:
        rows = await calls.calls_where(current_user(request), "c.sample = {}", sample_id)
        return await page(request, "supervision/sample.html", calls=rows, sample_id=sample_id, outcomes=CALL_OUTCOME)

    @get("/calls/{call_id:int}")
    async def call(self, request: Req, call_id: FromPath[int]) -> Template:
        user = current_user(request)
        row = found(await calls.call(user, call_id))
        # The household's number is shown in full here, to call it: opening the page is recorded like a reveal.
        await record("verification_call_opened", actor=user, target_type="verification_call", target_id=call_id,
                     ip=client_ip(request))  # fmt: skip
        return await self._call(request, row, Form(data={"outcome": row.outcome or "", "note": row.note}))

    async def _call(self, request: Req, row: calls.Call, form: Form, status_code: int = 200) -> Template:
        return await page(request, "supervision/call.html", status_code=status_code, call=row, form=form,
                          outcomes=CALL_OUTCOME)  # fmt: skip

    @post("/calls/{call_id:int}")
    async def record_call(self, request: Req, call_id: FromPath[int]) -> Template | Redirect:
        user = current_user(request)
        row = found(await calls.call(user, call_id))
        form = parse_call(await request.form())
        if form.errors:
            return await self._call(request, row, form, status_code=422)
        await calls.record_outcome(user, call_id, form.values["outcome"], form.values["note"], client_ip(request))
        return await done(request, N_("The call was recorded."), f"/verification/samples/{row.sample}")

    @post("/calls/{call_id:int}/review", guards=[requires_admin])
    async def review(self, request: Req, call_id: FromPath[int]) -> Response[Any]:
        user = current_user(request)
        found(await calls.call(user, call_id))
        note = str((await request.form()).get("review_note") or "").strip()
        if len(note) > REVIEW_NOTE_CHARACTERS:  # refused whole, never cut short
            return error_page(request, 422, too_long(REVIEW_NOTE_CHARACTERS))
        await calls.review_denial(user, call_id, note, client_ip(request))
        return await done(request, N_("Marked as looked into."), "/verification")

    @get("/figures")
    async def figures(self, request: Req) -> Template:
        shares = await calls.shares(current_user(request))
        return await page(request, "supervision/figures.html", villages=shares["villages"], cadres=shares["cadres"])
