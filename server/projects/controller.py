"""Routes of projects and funds: leaders read, the township admin keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server import once
from server.accounts.sessions import set_flash
from server.audit.queries import Actor
from server.clock import TIMEZONE
from server.i18n import N_
from server.projects import codes, queries
from server.projects.changes import add_progress, create_project, set_beneficiaries, update_project
from server.projects.forms import (
    ProgressForm,
    ProjectForm,
    QuantityRow,
    form_of_project,
    parse_progress,
    parse_project,
)
from server.projects.money import plain, wan, yuan
from server.web.auth import client_ip, current_user
from server.web.guards import requires_admin, requires_leader_or_admin
from server.web.templating import page

AnyRequest = Request[Any, Any, Any]


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _today() -> date:
    return datetime.now(TIMEZONE).date()


async def render(request: AnyRequest, template_name: str, **context: Any) -> Template:
    """`page` with the area's code lists and money formats."""
    can_edit = current_user(request).is_admin
    return await page(request, template_name, pc=codes, wan=wan, yuan=yuan, plain=plain, can_edit=can_edit, **context)


async def _project(request: AnyRequest, project_id: int) -> dict[str, Any]:
    project = await queries.project_of(current_user(request).township_id, project_id)
    if project is None:
        raise NotFoundException()
    return project


async def _posted_project(request: AnyRequest) -> ProjectForm:
    posted = await request.form()
    rows = zip(posted.getall("q_item", []), posted.getall("q_value", []), posted.getall("q_unit", []), strict=False)
    quantities = [QuantityRow(str(item), str(value), str(unit)) for item, value, unit in rows]
    single = {key: str(posted.get(key)) for key in posted if not key.startswith("q_")}
    villages = await queries.villages_of(current_user(request).township_id)
    return parse_project(single, quantities, {village["id"] for village in villages})


class ProjectController(Controller):
    """The list per village, the funding summary, one project, and the admin's forms."""

    path = "/projects"
    guards = [requires_leader_or_admin]  # noqa: RUF012

    @get("/")
    async def index(self, request: AnyRequest, village: FromQuery[str] = "", year: FromQuery[str] = "") -> Template:
        user = current_user(request)
        groups = await queries.project_list(user.township_id, _int(village), _int(year))
        villages = await queries.villages_of(user.township_id)
        return await render(request, "projects/list.html", groups=groups, villages=villages,
                            village=_int(village), year=_int(year))  # fmt: skip

    @get("/funding")
    async def funding(self, request: AnyRequest, year: FromQuery[str] = "") -> Template:
        groups = await queries.project_list(current_user(request).township_id, 0, _int(year))
        return await render(request, "projects/funding.html", summary=queries.FundingSummary(groups), year=_int(year))

    @get("/new", guards=[requires_admin])
    async def new(self, request: AnyRequest, village: FromQuery[str] = "") -> Template:
        form = ProjectForm(data={"village": village, "year": str(_today().year), "status": "planned", "kind": "road"})
        return await self._form(request, form, None)

    @post("/", guards=[requires_admin])
    async def create(self, request: AnyRequest) -> Template | Redirect:
        form = await _posted_project(request)
        if form.errors:
            return await self._form(request, form, None, status_code=422)
        user = current_user(request)
        actor = Actor(user, client_ip(request))
        project_id = await once.create(request, user.id, lambda: create_project(actor, form))
        await set_flash(user.session_key, "success", N_("Project saved."))
        return Redirect(path=f"/projects/{project_id}", status_code=303)

    @get("/{project_id:int}")
    async def show(self, request: AnyRequest, project_id: FromPath[int]) -> Template:
        [project] = await queries.attach_parts([await _project(request, project_id)])
        return await render(request, "projects/project.html", project=project, progress_form=ProgressForm(),
                            notes=await queries.progress_of(project_id), today=_today(),
                            beneficiaries=await queries.beneficiaries_of(project_id))  # fmt: skip

    @get("/{project_id:int}/edit", guards=[requires_admin])
    async def edit(self, request: AnyRequest, project_id: FromPath[int]) -> Template:
        [project] = await queries.attach_parts([await _project(request, project_id)])
        return await self._form(request, form_of_project(project, project["quantities"], project["funding"]), project)

    @post("/{project_id:int}", guards=[requires_admin])
    async def update(self, request: AnyRequest, project_id: FromPath[int]) -> Template | Redirect:
        project = await _project(request, project_id)
        form = await _posted_project(request)
        if form.errors:
            return await self._form(request, form, project, status_code=422)
        user = current_user(request)
        changed = await update_project(Actor(user, client_ip(request)), project, form)
        await set_flash(user.session_key, "success", N_("Project saved.") if changed else N_("Nothing was changed."))
        return Redirect(path=f"/projects/{project_id}", status_code=303)

    @post("/{project_id:int}/progress", guards=[requires_admin])
    async def progress(self, request: AnyRequest, project_id: FromPath[int]) -> Template | Redirect:
        project = await _project(request, project_id)
        form = parse_progress(dict(await request.form()), _today())
        user = current_user(request)
        if form.errors:
            [project] = await queries.attach_parts([project])
            return await render(request, "projects/project.html", status_code=422, project=project,
                                progress_form=form, notes=await queries.progress_of(project_id), today=_today(),
                                beneficiaries=await queries.beneficiaries_of(project_id))  # fmt: skip
        actor = Actor(user, client_ip(request))

        async def noted() -> int:
            await add_progress(actor, project, form)
            return project_id

        await once.create(request, user.id, noted)
        await set_flash(user.session_key, "success", N_("Progress note added."))
        return Redirect(path=f"/projects/{project_id}", status_code=303)

    @get("/{project_id:int}/beneficiaries", guards=[requires_admin])
    async def pick(self, request: AnyRequest, project_id: FromPath[int], village: FromQuery[str] = "") -> Template:
        project = await _project(request, project_id)
        village_id = project["village"] or _int(village)
        households = await queries.households_to_pick(current_user(request), village_id, project_id)
        villages = await queries.villages_of(current_user(request).township_id)
        return await render(request, "projects/beneficiaries.html", project=project, households=households,
                            villages=villages, village=village_id)  # fmt: skip

    @post("/{project_id:int}/beneficiaries", guards=[requires_admin])
    async def choose(self, request: AnyRequest, project_id: FromPath[int]) -> Redirect:
        project, posted, user = await _project(request, project_id), await request.form(), current_user(request)
        village_id = project["village"] or _int(str(posted.get("village", "")))
        ids = [_int(str(value)) for value in posted.getall("household", [])]
        shown = await queries.households_in_scope(user, village_id, [_int(str(v)) for v in posted.getall("shown", [])])
        chosen = await queries.households_in_scope(user, village_id, ids) & shown
        await set_beneficiaries(Actor(user, client_ip(request)), project_id, shown, chosen)
        await set_flash(user.session_key, "success", N_("Beneficiary households saved."))
        return Redirect(path=f"/projects/{project_id}", status_code=303)

    async def _form(
        self, request: AnyRequest, form: ProjectForm, project: dict[str, Any] | None, status_code: int = 200
    ) -> Template:
        villages = await queries.villages_of(current_user(request).township_id)
        choices = [(village["id"], village["name"]) for village in villages]
        return await render(request, "projects/form.html", status_code=status_code, form=form, project=project,
                            village_choices=choices)  # fmt: skip
