"""Routes of the exit procedure: the township's cases (/exits: admins act, leaders read). The county's approval and
announcement happen on the list the township sends it (server/county/lists_controller.py), nowhere else."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from server.accounts.roles import Role
from server.clock import this_year, today
from server.codes import POVERTY_STATUS
from server.exits import forms, queries, steps
from server.exits.forms import ExitForm
from server.exits.workflow import ORDER, STATE_LABELS, STEPS_SHOWN, State, StepRefused
from server.i18n import N_
from server.identification.rules import township_rules
from server.scope import can_see_household
from server.web.auth import current_user
from server.web.guards import requires_admin, requires_leader_or_admin
from server.web.steps import actor_of, done, refusal_page
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]
CHECKLIST_LABELS: dict[str, Any] = {
    "food_clothing_ok": N_("Enough food and clothing"),
    "schooling_ok": N_("Compulsory schooling guaranteed"),
    "medical_ok": N_("Basic medical care guaranteed"),
    "housing_ok": N_("Safe housing guaranteed"),
    "water_ok": N_("Safe drinking water"),
}
LABELS: dict[str, Any] = {
    "state_labels": STATE_LABELS,
    "steps_shown": STEPS_SHOWN,
    "order": ORDER,
    "checklist": CHECKLIST_LABELS,
    "statuses": POVERTY_STATUS,
}


async def case_or_404(request: Req, case_id: int) -> dict[str, Any]:
    case = await queries.case_in_scope(current_user(request), case_id)
    if case is None:
        raise NotFoundException()
    return case


async def case_page(request: Req, case: dict[str, Any], status_code: int = 200, **forms_shown: ExitForm) -> Template:
    return await page(
        request,
        "exits/case.html",
        status_code=status_code,
        case=case,
        state=State(case["state"]),
        steps=await queries.steps_of(case["id"]),
        objections=await queries.objections_of(case["id"]),
        can_edit=current_user(request).role is Role.ADMIN,
        forms=forms_shown,
        today=today(),
        **LABELS,
    )


class ExitController(Controller):
    """The township's exit cases: the admin takes the steps up to the township review; leaders read."""

    path = "/exits"
    guards = [requires_leader_or_admin]  # noqa: RUF012
    exception_handlers = {StepRefused: refusal_page("/exits")}  # noqa: RUF012

    @get("/")
    async def cases(self, request: Req) -> Template:
        rows = await queries.township_cases(current_user(request))
        return await page(request, "exits/list.html", cases=rows, **LABELS)

    @get("/new", guards=[requires_admin])
    async def new(self, request: Req, household: FromQuery[int]) -> Template:
        if not await can_see_household(current_user(request), household):
            raise NotFoundException()
        standing = await steps.standing(household, this_year())
        form = ExitForm(data={"checked_on": today().isoformat(), "income": str(standing["income"] or "")})
        return await self._new(request, household, form)

    async def _new(self, request: Req, household: int, form: ExitForm, status_code: int = 200) -> Template:
        standing = await steps.standing(household, this_year())
        return await page(request, "exits/new.html", status_code=status_code, household=household, form=form,
                          standing=standing, year=this_year(), **LABELS)  # fmt: skip

    @post("/", guards=[requires_admin])
    async def open(self, request: Req, data: Form) -> Template | Redirect:
        household = int(data.get("household", "0") or 0) if str(data.get("household", "")).isdigit() else 0
        if not await can_see_household(current_user(request), household):
            raise NotFoundException()
        form = forms.parse_check(data, this_year())
        if form.errors:
            return await self._new(request, household, form, status_code=422)
        case_id = await steps.open_case(actor_of(request), household, form.values)
        return await done(request, N_("The exit check was recorded."), f"/exits/{case_id}")

    @get("/{case_id:int}")
    async def case(self, request: Req, case_id: FromPath[int]) -> Template:
        return await case_page(request, await case_or_404(request, case_id))

    @post("/{case_id:int}/appraise", guards=[requires_admin])
    async def appraise(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        case = await case_or_404(request, case_id)
        form = forms.parse_appraisal(data, await township_rules(case["township"]), case["population"])
        if form.errors:
            return await case_page(request, case, 422, appraise=form)
        await steps.appraise(actor_of(request), case_id, form.values)
        return await done(request, N_("The democratic appraisal was recorded."), f"/exits/{case_id}")

    @post("/{case_id:int}/notice", guards=[requires_admin])
    async def notice(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        case = await case_or_404(request, case_id)
        form = forms.parse_notice(data, await township_rules(case["township"]))
        if form.errors:
            return await case_page(request, case, 422, notice=form)
        await steps.start_notice(actor_of(request), case_id, form.values)
        return await done(request, N_("The village notice was recorded."), f"/exits/{case_id}")

    @post("/{case_id:int}/objections", guards=[requires_admin])
    async def objection(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        case = await case_or_404(request, case_id)
        form = forms.parse_objection(data)
        if form.errors:
            return await case_page(request, case, 422, objection=form)
        await steps.add_objection(actor_of(request), case_id, form.values)
        return await done(request, N_("The objection was recorded."), f"/exits/{case_id}")

    @post("/{case_id:int}/objections/{objection_id:int}/answer", guards=[requires_admin])
    async def answer(
        self, request: Req, case_id: FromPath[int], objection_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        case = await case_or_404(request, case_id)
        form = forms.parse_answer(data)
        if form.errors:
            return await case_page(request, case, 422, answer=form)
        await steps.answer_objection(actor_of(request), case_id, objection_id, form.values)
        return await done(request, N_("The answer was recorded."), f"/exits/{case_id}")

    @post("/{case_id:int}/review", guards=[requires_admin])
    async def review(self, request: Req, case_id: FromPath[int], data: Form) -> Template | Redirect:
        case = await case_or_404(request, case_id)
        form = forms.parse_decision(data)
        if form.errors:
            return await case_page(request, case, 422, review=form)
        await steps.review(actor_of(request), case_id, form.values)
        return await done(request, N_("The township review was recorded."), f"/exits/{case_id}")
