"""Routes of the admin's township settings: villages and groups (the rules are on /policy, server/policy)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from server.accounts.sessions import set_flash
from server.clock import today
from server.i18n import N_
from server.places import queries
from server.places.forms import ParsedForm, parse_group_name, parse_new_village, parse_village
from server.web.auth import client_ip, current_user
from server.web.guards import requires_admin
from server.web.templating import page

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]


class PlacesController(Controller):
    """Only the township admin, only the own township (anything else is 404)."""

    path = "/places"
    guards = [requires_admin]  # noqa: RUF012

    async def _village(self, request: AnyRequest, village_id: int) -> dict[str, Any]:
        village = await queries.village_of(current_user(request).township_id, village_id)
        if village is None:
            raise NotFoundException()
        return village

    async def _group(self, request: AnyRequest, group_id: int) -> dict[str, Any]:
        group = await queries.group_of(current_user(request).township_id, group_id)
        if group is None:
            raise NotFoundException()
        return group

    async def _village_page(
        self, request: AnyRequest, village: dict[str, Any], form: ParsedForm, group_form: ParsedForm, status: int = 200
    ) -> Template:
        groups = await queries.groups_of(village["id"])
        return await page(
            request,
            "places/village.html",
            status_code=status,
            village=village,
            form=form,
            groups=groups,
            group_form=group_form,
        )

    @get("/")
    async def villages(self, request: AnyRequest) -> Template:
        villages = await queries.villages_of(current_user(request).township_id)
        return await page(request, "places/villages.html", villages=villages)

    @get("/villages/new")
    async def new_village(self, request: AnyRequest) -> Template:
        code = await queries.township_code(current_user(request).township_id)
        return await page(request, "places/village_new.html", form=ParsedForm(data={"code": code[:9]}))

    @post("/villages")
    async def add_village(self, request: AnyRequest, data: Form) -> Template | Redirect:
        user = current_user(request)
        form = parse_new_village(data, await queries.township_code(user.township_id))
        village_id = None if form.errors else await queries.add_village(user, client_ip(request), form.values)
        if village_id is None:
            if not form.errors:
                form.errors.add("code", queries.CODE_TAKEN)
            return await page(request, "places/village_new.html", form=form, status_code=422)
        await set_flash(user.session_key, "success", N_("Village added. Add its groups below."))
        return Redirect(path=f"/places/villages/{village_id}", status_code=303)

    @post("/villages/{village_id:int}/closed")
    async def close_village(self, request: AnyRequest, village_id: FromPath[int], data: Form) -> Redirect:
        user, village = current_user(request), await self._village(request, village_id)
        closing = data.get("closed") == "1"
        await queries.set_village_closed(user, client_ip(request), village, today() if closing else None)
        message = N_("Village closed: its households stay in it.") if closing else N_("Village open again.")
        await set_flash(user.session_key, "success", message)
        return Redirect(path=f"/places/villages/{village_id}", status_code=303)

    @get("/villages/{village_id:int}")
    async def village(self, request: AnyRequest, village_id: FromPath[int]) -> Template:
        village = await self._village(request, village_id)
        form = ParsedForm(data={k: "" if v is None else v for k, v in village.items()})
        return await self._village_page(request, village, form, ParsedForm())

    @post("/villages/{village_id:int}")
    async def save_village(self, request: AnyRequest, village_id: FromPath[int], data: Form) -> Template | Redirect:
        user, village = current_user(request), await self._village(request, village_id)
        form = parse_village(data)
        if form.errors:
            return await self._village_page(request, village, form, ParsedForm(), 422)
        await queries.save_village(user, client_ip(request), village, form.values)
        await set_flash(user.session_key, "success", N_("Village saved."))
        return Redirect(path=f"/places/villages/{village_id}", status_code=303)

    @post("/villages/{village_id:int}/groups")
    async def add_group(self, request: AnyRequest, village_id: FromPath[int], data: Form) -> Template | Redirect:
        user, village = current_user(request), await self._village(request, village_id)
        form = parse_group_name(data)
        if not form.errors and await queries.group_name_taken(village_id, form.values["name"]):
            form.errors.add("name", N_("This village already has a group of this name."))
        if form.errors:
            village_form = ParsedForm(data={k: "" if v is None else v for k, v in village.items()})
            return await self._village_page(request, village, village_form, form, 422)
        await queries.add_group(user, client_ip(request), village_id, form.values["name"])
        await set_flash(user.session_key, "success", N_("Group added."))
        return Redirect(path=f"/places/villages/{village_id}", status_code=303)

    @post("/groups/{group_id:int}")
    async def rename_group(self, request: AnyRequest, group_id: FromPath[int], data: Form) -> Redirect:
        user, group = current_user(request), await self._group(request, group_id)
        form = parse_group_name(data)
        if not form.errors and await queries.group_name_taken(group["village"], form.values["name"], group_id):
            form.errors.add("name", N_("This village already has a group of this name."))
        if form.errors:
            await set_flash(user.session_key, "error", next(iter(form.errors.values())))
        else:
            await queries.rename_group(user, client_ip(request), group, form.values["name"])
            await set_flash(user.session_key, "success", N_("Group renamed."))
        return Redirect(path=f"/places/villages/{group['village']}", status_code=303)

    @post("/groups/{group_id:int}/remove")
    async def remove_group(self, request: AnyRequest, group_id: FromPath[int]) -> Redirect:
        user, group = current_user(request), await self._group(request, group_id)
        refused = await queries.remove_group(user, client_ip(request), group)
        await set_flash(user.session_key, "error" if refused else "success", refused or N_("Group removed."))
        return Redirect(path=f"/places/villages/{group['village']}", status_code=303)

    @get(["/rules", "/standards"])
    async def rules(self) -> Redirect:
        """The township's rules and the lines are policy values now: their pages moved to /policy."""
        return Redirect(path="/policy", status_code=301)
